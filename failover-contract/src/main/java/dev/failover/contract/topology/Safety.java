package dev.failover.contract.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.failover.contract.event.FailureReason;

/**
 * A group's safety rules beyond the thresholds (ADR 0010): what must be true before automation moves its traffic.
 *
 * @param correlatedFailureGuard   obey the topology's correlated-failure guard ({@link TopologySafety}); default true
 * @param maxSwitchesPerDay        automatic switches of this group in any 24 hours, at most; one more holds automation
 *                                 until an operator resumes it; default 6
 * @param freshEvidenceIntervals   a destination's latest result from a quorum of locations must be a success and at most
 *                                 this many of its probe intervals old; default 2
 * @param failureClasses           which failure reasons count towards DOWN; a reason not listed is {@code down}
 *                                 (every failure counts, as Route 53); e.g. {@code {TLS_ERROR: alert-only}}
 * @param maxDataLossSeconds       for targets with a database node (ADR 0020): an unplanned failover promotes the
 *                                 target's replica only while it lags by at most this many seconds; beyond, the group
 *                                 waits with the reason until the lag shrinks or an operator forces it; default 0
 * @param unreachablePrimary       for targets with a database node: what an unplanned failover does while the old
 *                                 primary cannot be reached and nothing shows its writes stopped; default
 *                                 {@link UnreachablePrimary#HOLD}
 */
public record Safety(Boolean correlatedFailureGuard, Integer maxSwitchesPerDay, Integer freshEvidenceIntervals,
        Map<FailureReason, FailureClass> failureClasses, Integer maxDataLossSeconds,
        UnreachablePrimary unreachablePrimary) {

    public static final int DEFAULT_MAX_SWITCHES_PER_DAY = 6;
    public static final int DEFAULT_FRESH_EVIDENCE_INTERVALS = 2;

    public Safety {
        correlatedFailureGuard = correlatedFailureGuard == null || correlatedFailureGuard;
        maxSwitchesPerDay = maxSwitchesPerDay == null ? DEFAULT_MAX_SWITCHES_PER_DAY : maxSwitchesPerDay;
        freshEvidenceIntervals = freshEvidenceIntervals == null ? DEFAULT_FRESH_EVIDENCE_INTERVALS
                : freshEvidenceIntervals;
        // keeps a null value ("TLS_ERROR:" with nothing after it) for the validator to report by key
        failureClasses = failureClasses == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(failureClasses));
        maxDataLossSeconds = maxDataLossSeconds == null ? 0 : maxDataLossSeconds;
        unreachablePrimary = unreachablePrimary == null ? UnreachablePrimary.HOLD : unreachablePrimary;
    }

    public static Safety defaults() {
        return new Safety(null, null, null, null, null, null);
    }

    /** How a failure of this reason counts; {@link FailureClass#DOWN} unless configured otherwise. */
    public FailureClass classOf(FailureReason reason) {
        FailureClass configured = reason == null ? null : failureClasses.get(reason);
        return configured == null ? FailureClass.DOWN : configured;
    }
}
