package dev.failover.decision.domain.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.Dependency;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Thresholds;
import dev.failover.decision.domain.model.Destination;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;

/**
 * What a group's trackers say at one instant, counted once per evaluation: every rule of the RuleChain, the
 * failback hold-down clocks, the correlated-failure guard, the view and the explanation read it from here instead of
 * recounting the trackers. A value: it does not change once taken.
 *
 * @param targets one per target, in chain order
 */
public record Evidence(Instant at, int quorum, List<OfTarget> targets) {

    /**
     * One target's evidence: each location's verdict, the counts the quorum is taken over, and the destination gates
     * (ADR 0010).
     *
     * @param verdicts        each location's verdict, in the topology's order of locations
     * @param runs            each location's counts behind its verdict, in the same order: what an explanation of this
     *                        evaluation shows, whatever was counted since
     * @param failingNow      locations whose latest fresh result is a failure (below the failure threshold too)
     * @param rising          locations that see it UP or on a fresh streak of successes towards it
     * @param freshSuccesses  locations whose latest result is a success at most {@code freshBound} old
     * @param freshBound      freshEvidenceIntervals of its probe intervals
     * @param dependency      the first dependency not HEALTHY (null when all are, or when not asked: see
     *                        {@link #destinationVerdict})
     * @param dependencyHealth that dependency's health; null with it
     * @param refusal         the actuator's standing refusal of a move to it (ADR 0010), or null
     */
    public record OfTarget(Target target, TargetHealth health, List<LocationVerdict> verdicts, List<Run> runs, int up,
            int down, int flapping, int failingNow, int rising, int freshSuccesses, Duration freshBound,
            Dependency dependency,
            TargetHealth dependencyHealth, int quorum, GroupSnapshot.Refusal refusal) {

        /** UNHEALTHY, or failing now at a quorum of locations: what the correlated-failure guard counts as failing. */
        public boolean failing() {
            return health == TargetHealth.UNHEALTHY || failingNow >= quorum;
        }

        /** A quorum of locations sees it UP or on a fresh streak of successes towards it. */
        public boolean risingAtQuorum() {
            return rising >= quorum;
        }

        /** HEALTHY, and no location sees it DOWN or FLAPPING: the bar for failing back to it. */
        boolean stablyHealthy() {
            return health == TargetHealth.HEALTHY && down == 0 && flapping == 0;
        }

        /**
         * Whether automation may move traffic to it (ADR 0010): HEALTHY; the latest result from a quorum of locations a
         * success at most {@link #freshBound} old; every dependency HEALTHY.
         */
        public Destination destinationVerdict() {
            if (refusal != null) { // needs a person whatever the health: said first
                return Destination.REFUSED_BY_ACTUATOR;
            }
            if (health != TargetHealth.HEALTHY) {
                return Destination.NOT_HEALTHY;
            }
            if (freshSuccesses < quorum) {
                return failingNow > 0 ? Destination.FAILING_NOW : Destination.STALE_EVIDENCE;
            }
            return dependency != null ? Destination.DEPENDENCY_NOT_HEALTHY : Destination.ELIGIBLE;
        }

        /** The destination verdict with why, for people. */
        public GroupView.DestinationCheck destination() {
            String id = target.id();
            Destination verdict = destinationVerdict();
            return new GroupView.DestinationCheck(verdict, switch (verdict) {
                case NOT_HEALTHY -> id + " is " + health;
                case FAILING_NOW ->
                    id + " is HEALTHY but failing now: " + failingNow + " location(s) saw its latest probe "
                            + "fail, " + freshSuccesses + " of the quorum of " + quorum + " have a success newer than "
                            + freshBound;
                case STALE_EVIDENCE ->
                    id + " is HEALTHY but only " + freshSuccesses + " location(s) have a success newer than "
                            + freshBound + ", fewer than the quorum of " + quorum;
                case DEPENDENCY_NOT_HEALTHY -> id + "'s dependency " + dependency.id() + " is " + dependencyHealth;
                case REFUSED_BY_ACTUATOR -> id + " is " + health + "; the actuator refused the move to it (decision "
                        + refusal.decisionId() + ", since " + refusal.since() + "): " + refusal.reason()
                        + "; not eligible"
                        + " until an operator resumes the group, pins or forces a target, or a move to it is served";
                case ELIGIBLE -> id + " is HEALTHY with successes newer than " + freshBound + " from " + freshSuccesses
                        + " of "
                        + verdicts.size() + " locations (quorum " + quorum + ")" + (target.dependencies().isEmpty() ? ""
                                : ", dependencies " + target.dependencies().stream().map(Dependency::id).toList()
                                        + " HEALTHY");
            });
        }

        /** How many locations more or fewer would change its quorum health. */
        public String margin() {
            String counts = target.id() + ": " + up + " UP, " + down + " DOWN of " + verdicts.size()
                    + " locations, quorum "
                    + quorum;
            return switch (health) {
                case UNHEALTHY ->
                    counts + "; " + (down - quorum + 1) + " location(s) fewer DOWN and it would not be UNHEALTHY";
                case HEALTHY -> counts + "; " + (up - quorum + 1) + " location(s) fewer UP and it would not be HEALTHY";
                default -> counts + "; " + (quorum - Math.max(up, down)) + " more location(s) agreeing would settle it";
            };
        }

        /** Its health with the margin, for people. */
        public String healthDetail() {
            return target.id() + " is " + health + " (" + margin() + ")";
        }
    }

    /**
     * A location's counts as an evaluation found them: its hysteresis counts, the changes in its flap window, and the start
     * of its latest result counted (null before any). A tracker's results start later and later, so the results that
     * evaluation counted are those kept that started no later than {@code lastResultAt}.
     */
    public record Run(Explanation.Counts counts, int transitions, Instant lastResultAt) {
    }

    /** Counts every tracker of {@code s} once, at {@code now}. */
    public static Evidence of(GroupState s, Instant now) {
        List<Target> all = s.group().targets();
        List<OfTarget> targets = new ArrayList<>(all.size());
        for (Target target : all) {
            targets.add(ofTarget(s, target, now));
        }
        return new Evidence(now, s.quorum(), targets);
    }

    private static OfTarget ofTarget(GroupState s, Target target, Instant now) {
        Thresholds thresholds = s.thresholds();
        Duration staleAfter = GroupTrackers.staleAfter(target);
        Duration freshBound = Duration
                .ofSeconds((long) s.group().safety().freshEvidenceIntervals() * target.probe().intervalSeconds());
        Collection<LocationTracker> trackers = s.trackers().of(target);
        LocationVerdict[] verdicts = new LocationVerdict[trackers.size()];
        Run[] runs = new Run[trackers.size()];
        int up = 0;
        int down = 0;
        int flapping = 0;
        int failingNow = 0;
        int rising = 0;
        int fresh = 0;
        int i = 0;
        for (LocationTracker tracker : trackers) {
            LocationVerdict verdict = tracker.verdictAt(now, staleAfter, thresholds);
            runs[i] = tracker.run();
            verdicts[i++] = verdict;
            switch (verdict) {
                case UP -> up++;
                case DOWN -> down++;
                case FLAPPING -> flapping++;
                case UNKNOWN -> {}
            }
            failingNow += tracker.failingNow(now, staleAfter) ? 1 : 0;
            rising += tracker.upOrRising(verdict, now, staleAfter) ? 1 : 0;
            fresh += tracker.freshSuccess(now, freshBound) ? 1 : 0;
        }
        int quorum = s.quorum();
        TargetHealth health = health(up, down, flapping, quorum);
        Dependency notHealthy = null;
        TargetHealth dependencyHealth = null;
        if (health == TargetHealth.HEALTHY && fresh >= quorum) { // the gates after them need not be counted otherwise
            for (Dependency dependency : target.dependencies()) {
                TargetHealth h = s.trackers().dependencyHealth(target, dependency, now);
                if (h != TargetHealth.HEALTHY) {
                    notHealthy = dependency;
                    dependencyHealth = h;
                    break;
                }
            }
        }
        return new OfTarget(target, health, Arrays.asList(verdicts), Arrays.asList(runs), up, down, flapping,
                failingNow,
                rising, fresh, freshBound, notHealthy, dependencyHealth, quorum,
                s.traffic().actuatorReports().refusal(target.id()));
    }

    /** Quorum health over the locations' verdicts. */
    static TargetHealth health(int up, int down, int flapping, int quorum) {
        if (down >= quorum) {
            return TargetHealth.UNHEALTHY;
        }
        if (up >= quorum) {
            return TargetHealth.HEALTHY;
        }
        if (flapping > 0 && down + flapping >= quorum) {
            return TargetHealth.FLAPPING;
        }
        return TargetHealth.UNKNOWN;
    }

    /** The evidence of {@code target}. */
    public OfTarget of(Target target) {
        for (OfTarget t : targets) {
            if (t.target() == target || t.target().id().equals(target.id())) {
                return t;
            }
        }
        throw new IllegalArgumentException("no target " + target.id());
    }

    /** The evidence of the target with id {@code target}. */
    public OfTarget of(String target) {
        for (OfTarget t : targets) {
            if (t.target().id().equals(target)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no target " + target);
    }
}
