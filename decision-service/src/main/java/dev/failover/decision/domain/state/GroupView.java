package dev.failover.decision.domain.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationEvidence;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.FailureClass;
import dev.failover.decision.domain.model.DecidedVsServed;
import dev.failover.decision.domain.model.Destination;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.ObservedSwitch;
import dev.failover.decision.domain.model.Outcome;

/** A read-only snapshot of a group for operators: who is active, how healthy everything is, what holds automation. */
public record GroupView(
        String group,
        String mode,
        String activeTarget,
        TargetHealth activeHealth,
        long epoch,
        Instant lastSwitchAt,
        Automation automation,
        GroupSnapshot.PinState pin,
        GroupSnapshot.PauseState pause,
        GroupSnapshot.FreezeState freeze,
        GroupSnapshot.DrillState drill,
        GroupSnapshot.DrillReport lastDrill,
        GroupSnapshot.Serving serving,
        DecidedVsServed.Check decidedVsServed,
        List<TargetView> targets,
        SafetyView safety,
        List<LocationClock> locationClocks,
        List<Decision> recentDecisions,
        List<GroupSnapshot.AuditEntry> audit,
        List<GroupSnapshot.ActuationEntry> recentActuations,
        ConvergenceView convergence) {

    /**
     * What the group's clients are sent to, as each location's observers answer, and how far the latest live switch
     * has reached them (ADR 0026). Absent from the view when the topology names no observers.
     *
     * @param state      where the latest switch stands with the clients
     * @param lastSwitch the latest live switch's marks: failure, decided, served, each location, the quorum, each
     *                   provider whose servers observe (ADR 0036); absent before the first switch
     * @param summary    one sentence: "switch to secondary (decision d-1) observed by 2 of 3 locations (quorum 2 at T);
     *                   loc-c: resolver vpc still answers primary for up to 58 s"
     * @param observers  every observer of every location asked for the group's record, with what it answers now
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConvergenceView(Observed state, ObservedSwitch lastSwitch, String summary,
            List<ObserverView> observers) {
    }

    /** Where the latest live switch stands with the clients, as the observing locations see it. */
    public enum Observed {
        /** No live switch yet. */
        NO_SWITCH,
        /** Not yet by the quorum of observing locations, within the record's TTL and a minute after it was served. */
        OBSERVING,
        /**
         * By the quorum of observing locations; for a group only providers' servers observe (ADR 0036), by every one of
         * them.
         */
        OBSERVED,
        /**
         * Served more than the record's TTL and a minute ago, and still not by the quorum: resolvers keep the old answer
         * longer than its TTL, or a location's resolver answers from elsewhere (split horizon, another zone) or not at
         * all. Alerted on (FailoverSwitchNotObserved).
         */
        NOT_OBSERVED
    }

    /**
     * One observer's latest answer.
     *
     * @param target     the target its answer sends clients to; absent for no target's values, an error, no answer yet
     * @param addresses  what it answered
     * @param ttlSeconds for how long a client may keep the answer
     * @param error      why it gave no answer
     * @param at         when it answered, by its location's clock
     * @param since      since when it has answered {@code target}
     * @param provider   the DNS provider it is a server of (ADR 0036): it marks that provider, not its location; absent
     *                   for a clients' resolver
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ObserverView(String location, String observer, String target, List<String> addresses, Long ttlSeconds,
            String error, Instant at, Instant since, String provider) {
    }

    /**
     * A target's quorum health and each location's view of it.
     *
     * @param region       the region it runs in
     * @param destination  whether automation may move traffic to it now, and why not (ADR 0010)
     * @param dependencies the health of each of its dependencies
     * @param database     its node of the data tier, as kind and node ("postgres jdbc:postgresql://…", "rds db-1",
     *                     "aurora-global arn:…"); null without one (ADR 0020)
     */
    public record TargetView(String target, TargetHealth health, List<LocationView> locations, String region,
            DestinationCheck destination, List<DependencyView> dependencies, String database) {
    }

    /** A dependency's quorum health and each location's view of it. */
    public record DependencyView(String dependency, TargetHealth health, List<LocationView> locations) {
    }

    /** Whether a target is an eligible destination for an automatic switch right now ({@link Destination}), and why. */
    public record DestinationCheck(Destination verdict, String detail) {
    }

    /**
     * The group's safety rules and where it stands against them (ADR 0010).
     *
     * @param correlatedFailureGuard  whether the group obeys the guard
     * @param correlatedFailure       the guard's current suspicion; absent while it suspects nothing
     * @param guardAcknowledgedAt     when an operator last resumed the group; a suspicion that began before it does not
     *                                hold the group
     * @param switchesLast24h         this group's automatic switches in the last 24 hours
     * @param maxSwitchesPerDay       its budget of them
     * @param allSwitchesLast24h      the automatic switches of every group this instance decides, in the last 24 hours
     * @param allMaxSwitchesPerDay    the global budget
     * @param freshEvidenceIntervals  how fresh a destination's successes must be, in its probe intervals
     * @param failureClasses          failure reasons that do not count as the default ({@code down})
     * @param lastResortFrom          while a suspicion holds a group with {@code whenAllDown: last-resort} that obeys the
     *                                guard: from when its last resort, seen HEALTHY with every regional target down, is
     *                                taken despite the suspicion; absent otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SafetyView(boolean correlatedFailureGuard, CorrelatedFailureGuard.Suspicion correlatedFailure,
            Instant guardAcknowledgedAt, int switchesLast24h, int maxSwitchesPerDay, int allSwitchesLast24h,
            int allMaxSwitchesPerDay, int freshEvidenceIntervals, Map<FailureReason, FailureClass> failureClasses,
            Instant lastResortFrom) {
    }

    /**
     * One location's view of one target: its verdict and the counters behind it, and the last result of it that was not
     * used. {@code lastIgnored} stays after results are used again; compare its {@code at} with {@code lastResultAt}.
     *
     * @param lastResultAt start of the last result used, by the location's clock; absent before the first
     * @param lastIgnored  the last result ignored as STALE, FROM_THE_FUTURE or OTHER_SOURCE; absent when none was
     * @param alertOnlyFailure the reason of the latest result when it was a failure of an alert-only class (counted as a
     *                     success, alerted on); absent otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LocationView(String location, LocationVerdict verdict, int consecutiveFailures,
            int consecutiveSuccesses,
            Instant lastResultAt, IgnoredResult lastIgnored, FailureReason alertOnlyFailure) {

        /** Without the alert-only marker: for tests and tools. */
        public LocationView(String location, LocationVerdict verdict, int consecutiveFailures, int consecutiveSuccesses,
                Instant lastResultAt, IgnoredResult lastIgnored) {
            this(location, verdict, consecutiveFailures, consecutiveSuccesses, lastResultAt, lastIgnored, null);
        }

        LocationEvidence evidence() {
            return new LocationEvidence(location, verdict, consecutiveFailures, consecutiveSuccesses, lastResultAt);
        }
    }

    /**
     * A probe result the engine did not use.
     *
     * @param at              when it arrived, by this instance's clock
     * @param resultStartedAt the probe's start, by the location's clock
     * @param detail          why, with the times compared
     */
    public record IgnoredResult(Outcome.IgnoreReason reason, Instant at, Instant resultStartedAt, String detail) {
    }

    /**
     * This instance's estimate of a probe location's clock, from the results of every group it decides.
     *
     * @param offsetMillis a lower bound of how far the location's clock is ahead of this instance's: the largest, over
     *                     the last 30 to 60 s, of (a result's end by the location's clock) minus (its arrival by this
     *                     instance's clock). Transit and queueing only lower each sample, so the true offset is at least
     *                     this; a negative value means behind by at most that much, or results delayed in transit. Null
     *                     without a result in that time.
     * @param skew         the estimate against {@code failover.clock-skew-tolerance}
     * @param lastSampleAt arrival of the location's last result, by this instance's clock; null before the first
     */
    public record LocationClock(String location, Long offsetMillis, ClockSkew skew, Instant lastSampleAt) {
    }

    /** A location's clock estimate against the tolerance; the alert FailoverProbeClockSkewed fires on the same test. */
    public enum ClockSkew {
        /** Within {@code failover.clock-skew-tolerance} either way. */
        WITHIN_TOLERANCE,
        /** Ahead by more than the tolerance, certainly (the estimate is a lower bound): results are ignored as FROM_THE_FUTURE. */
        AHEAD,
        /**
         * Behind by more than the tolerance, or its results arrive that late (a slow path or consumer lag): the two cannot
         * be told apart from here. Results older than three probe intervals are ignored as STALE.
         */
        BEHIND_OR_DELAYED,
        /** No result from the location in the last 30 to 60 s. */
        NO_RECENT_RESULTS
    }

    /** What automation does for the group right now. */
    public enum Automation {
        RUNNING,
        PINNED,
        PAUSED,
        FROZEN,
        DRILL
    }
}
