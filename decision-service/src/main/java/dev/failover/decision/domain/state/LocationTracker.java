package dev.failover.decision.domain.state;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.FailureClass;
import dev.failover.contract.topology.Thresholds;
import dev.failover.decision.domain.model.Explanation;

/**
 * One location's view of one target, with hysteresis: DOWN only after {@code failuresToDown} consecutive failures, UP
 * again only after {@code successesToUp} consecutive successes; in between the previous verdict stands. It also
 * remembers the last {@code flapWindow} outcomes: a location that saw them change {@code flapTransitions} times or
 * more is FLAPPING, and its DOWN or UP is not trusted (ADR 0002). An UNKNOWN result — the location could not probe on
 * time (ADR 0008) — is neither: it leaves the counts and the window as they were and makes the location UNKNOWN until it
 * reports UP or DOWN again.
 */
public final class LocationTracker {

    private final String location;
    private final boolean[] window;
    private int windowSize;
    private int windowStart;
    /** Changes between neighbours in the window, kept as outcomes come and go: read on every evaluation. */
    private int transitions;
    private final Hysteresis count = new Hysteresis();
    private Instant lastResultAt;
    /** The start of the first failure of the current run of failures (counted ones); null while not failing. */
    private Instant failingSince;
    /** The last result was no evidence: the location's self-check failed, or it could not probe on time. */
    private boolean impaired;
    private GroupView.IgnoredResult lastIgnored;
    /** The reason of the last result when it was a failure of an alert-only class (counted as a success); else null. */
    private FailureReason alertOnlyFailure;
    /**
     * The latest results counted, with the count from before the oldest: the evidence an explanation shows and a replay
     * feeds again. As many as the flap window holds, and at least a full run to either threshold.
     */
    private final RecentResults recent;
    /** The probe-service instance whose results count here (one location, one instance). */
    private final ProbeSource source = new ProbeSource();

    LocationTracker(String location, Thresholds thresholds) {
        this.location = location;
        this.window = new boolean[thresholds.flapWindow()];
        this.recent = new RecentResults(Math.max(thresholds.flapWindow(),
                Math.max(thresholds.failuresToDown(), thresholds.successesToUp())));
    }

    /** See {@link ProbeSource#admit}: why the result is left out, when it comes from a second instance of the location. */
    public Optional<String> admitSource(ProbeResult result, Instant now, Duration window) {
        return source.admit(result, now, window);
    }

    void record(ProbeResult result, Thresholds thresholds) {
        record(result, thresholds, FailureClass.DOWN, null);
    }

    void record(ProbeResult result, Thresholds thresholds, FailureClass failureClass) {
        record(result, thresholds, failureClass, null);
    }

    /**
     * @param failureClass what a DOWN result of this reason means for the group: an {@link FailureClass#ALERT_ONLY}
     *                     failure moves the verdict as a success does and is remembered for the alert
     */
    public void record(ProbeResult result, Thresholds thresholds, FailureClass failureClass,
            Explanation.Position position) {
        if (lastResultAt != null && !result.startedAt().isAfter(lastResultAt)) {
            // out of order (a newer result already counted), or the same result again: a location starts one probe of a
            // target at a time, so a second result with the same start is a redelivery (seen after a consumer's
            // restart), and counting it twice would bring DOWN or UP a result early
            return;
        }
        lastResultAt = result.startedAt();
        impaired = result.locationImpaired() || result.outcome() == ProbeOutcome.UNKNOWN;
        if (result.outcome() == ProbeOutcome.UNKNOWN) {
            recent.add(result, position, RecentResults.Counted.NOT, thresholds);
            return;
        }
        boolean alertOnly = result.outcome() == ProbeOutcome.DOWN && failureClass == FailureClass.ALERT_ONLY;
        alertOnlyFailure = alertOnly ? result.failureReason() : null;
        boolean up = result.outcome() == ProbeOutcome.UP || alertOnly;
        recent.add(result, position, up ? RecentResults.Counted.SUCCESS : RecentResults.Counted.FAILURE, thresholds);
        remember(up);
        count.count(up, thresholds);
        failingSince = up ? null : failingSince == null ? result.startedAt() : failingSince;
    }

    public void ignored(GroupView.IgnoredResult ignored) {
        lastIgnored = ignored;
    }

    private void remember(boolean up) {
        if (windowSize < window.length) {
            if (windowSize > 0 && window[(windowStart + windowSize - 1) % window.length] != up) {
                transitions++;
            }
            window[(windowStart + windowSize++) % window.length] = up;
        } else {
            if (window.length > 1) {
                if (window[windowStart] != window[(windowStart + 1) % window.length]) {
                    transitions--; // the oldest outcome leaves
                }
                if (window[(windowStart + window.length - 1) % window.length] != up) {
                    transitions++;
                }
            }
            window[windowStart] = up;
            windowStart = (windowStart + 1) % window.length;
        }
    }

    int transitions() {
        return transitions;
    }

    /** Its counts now, for the evidence of an evaluation. */
    Evidence.Run run() {
        return new Evidence.Run(count.counts(), transitions, lastResultAt);
    }

    /**
     * UNKNOWN when silent for longer than {@code staleAfter}, impaired or unable to probe on time: such a location is left
     * out of the quorum.
     * FLAPPING when its recent outcomes changed too often.
     */
    LocationVerdict verdictAt(Instant now, Duration staleAfter, Thresholds thresholds) {
        if (lastResultAt == null || impaired || lastResultAt.plus(staleAfter).isBefore(now)) {
            return LocationVerdict.UNKNOWN;
        }
        if (thresholds.flapTransitions() > 0 && transitions() >= thresholds.flapTransitions()) {
            return LocationVerdict.FLAPPING;
        }
        return count.verdict();
    }

    /**
     * UP, or on its way there: its latest result, fresh and from a location not impaired, was a success, and it is not
     * FLAPPING. A DOWN location that has begun to succeed again counts too. {@code verdict} is its verdict at {@code now}.
     */
    boolean upOrRising(LocationVerdict verdict, Instant now, Duration staleAfter) {
        if (verdict == LocationVerdict.UP) {
            return true;
        }
        boolean fresh = lastResultAt != null && !impaired && !lastResultAt.plus(staleAfter).isBefore(now);
        return fresh && verdict != LocationVerdict.FLAPPING && count.consecutiveSuccesses() > 0;
    }

    /** Its latest result is a success (or an alert-only failure), from a location not impaired, at most {@code bound} old. */
    boolean freshSuccess(Instant now, Duration bound) {
        return lastResultAt != null && !impaired && !lastResultAt.plus(bound).isBefore(now)
                && count.consecutiveSuccesses() > 0;
    }

    /** Its latest result, fresh and from a location not impaired, is a failure: below the failure threshold or not. */
    boolean failingNow(Instant now, Duration staleAfter) {
        return lastResultAt != null && !impaired && !lastResultAt.plus(staleAfter).isBefore(now)
                && count.consecutiveFailures() > 0;
    }

    /** The reason of the latest result when it was an alert-only failure, while that result is fresh. */
    FailureReason alertOnlyFailure(Instant now, Duration staleAfter) {
        return lastResultAt != null && !lastResultAt.plus(staleAfter).isBefore(now) ? alertOnlyFailure : null;
    }

    List<Explanation.Result> recent() {
        return recent.list();
    }

    /**
     * The results kept that an evaluation which found {@code run} counted, and the counts from before the oldest of
     * them (a replay starts there): those kept that started no later than its latest; when every one it counted is gone
     * from the window, none, from the counts it found.
     */
    public Explanation.LocationFacts factsAt(Evidence.Run run, LocationVerdict verdict, String margin) {
        List<Explanation.Result> all = recent.list();
        int counted = 0;
        while (counted < all.size() && run.lastResultAt() != null && !all.get(counted).startedAt()
                .isAfter(run.lastResultAt())) {
            counted++;
        }
        boolean kept = counted > 0 || (all.isEmpty() && run.lastResultAt() == null);
        List<Explanation.Result> results = kept ? List.copyOf(all.subList(0, counted)) : List.of();
        Explanation.Counts before = kept ? recent.countsBefore() : run.counts();
        return new Explanation.LocationFacts(location, verdict, run.counts().consecutiveFailures(),
                run.counts().consecutiveSuccesses(), margin, results, before);
    }

    /**
     * The verdict and run lengths from before the oldest result kept: a verdict can come from results no longer kept (UP
     * long ago, held since by runs shorter than either threshold), so a replay starts its count here.
     */
    Explanation.Counts countsBeforeRecent() {
        return recent.countsBefore();
    }

    /** A replay's start: the count the recorded results were counted from. */
    public void startFrom(Explanation.Counts counts) {
        count.set(counts);
    }

    int consecutiveFailures() {
        return count.consecutiveFailures();
    }

    /** The start of the first probe of the current run of failures, by the location's clock; null while not failing. */
    Instant failingSince() {
        return failingSince;
    }

    int consecutiveSuccesses() {
        return count.consecutiveSuccesses();
    }

    String location() {
        return location;
    }

    GroupView.LocationView view(Instant now, Duration staleAfter, Thresholds thresholds) {
        return new GroupView.LocationView(location, verdictAt(now, staleAfter, thresholds), count.consecutiveFailures(),
                count.consecutiveSuccesses(), lastResultAt, lastIgnored, alertOnlyFailure(now, staleAfter));
    }
}
