package dev.failover.decision.domain.model;

import java.time.Duration;
import java.time.Instant;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;

/**
 * Whether the actuator serves what this instance decided last (ADR 0002). The actuator reports, for each group, the
 * decision its record follows ({@link GroupSnapshot.Serving}); that report is compared with the group's latest decision
 * here, by id, never by epoch alone: two owners restored from the same state can each mint epoch N+1 for different
 * decisions, and the actuator keeps whichever landed first. A report of another decision, or none, for longer than
 * {@link #BOUND} after the decision means traffic is not where this instance believes: an epoch collision with another
 * owner, a decision the actuator dead-lettered (a signing-key mistake) or an actuator that is down.
 */
public final class DecidedVsServed {

    /**
     * How long a decision may go without the actuator reporting it as its record, or reported BLOCKED, before it counts
     * as not served, by default ({@code failover.not-served-after}).
     */
    public static final Duration BOUND = Duration.ofSeconds(60);

    /** Where the group's latest decision stands with the actuator. */
    public enum State {
        /** No decision yet, and the actuator serves none either: the group's initial state. */
        NO_DECISION,
        /** The actuator reports the latest decision as its record, CONVERGED. */
        SERVED,
        /**
         * The actuator reports the latest decision as its record, not converged (yet): converging, drifted, or blocked
         * for less than {@link #BOUND}.
         */
        ACTUATING,
        /** No report of the latest decision yet, within {@link #BOUND} of it. */
        AWAITING_REPORT,
        /**
         * For longer than {@link #BOUND}, the actuator has reported another decision, or none, as its record, or has
         * reported the latest decision BLOCKED (refused: it will not move without a retry or a new decision); or, at
         * once, the actuator serves a decision while this instance has none.
         */
        NOT_SERVED
    }

    /**
     * The check's outcome, as the view shows it.
     *
     * @param decided     the latest decision's id; absent with NO_DECISION
     * @param servedEpoch the epoch of the decision the actuator reports; absent before its first report
     */
    public record Check(State state, String decided, long decidedEpoch, Instant decidedAt, String served,
            Long servedEpoch,
            String detail) {
    }

    private DecidedVsServed() {
    }

    /** {@link #of(Decision, GroupSnapshot.Serving, Instant, Duration)} with the default {@link #BOUND}. */
    public static Check of(Decision latest, GroupSnapshot.Serving serving, Instant now) {
        return of(latest, serving, now, BOUND);
    }

    /**
     * @param latest  the group's latest decision, null when none
     * @param serving the actuator's last report, or null
     * @param bound   how long the decision may go BLOCKED or unreported before it is NOT_SERVED
     */
    public static Check of(Decision latest, GroupSnapshot.Serving serving, Instant now, Duration bound) {
        String served = serving == null ? null : serving.decisionId();
        Long servedEpoch = serving == null ? null : serving.epoch();
        if (latest == null && serving != null && serving.epoch() > 0) {
            // the engine has no decision, the actuator serves one: exactly when the engine's active target is most
            // likely wrong; there is nothing of this instance's to re-issue, so it is raised
            return new Check(State.NOT_SERVED, null, 0, null, served, servedEpoch, "the actuator serves decision "
                    + served
                    + " (epoch " + servedEpoch + ", " + serving.status()
                    + "), which this instance did not make, and it has "
                    + "no decision of its own to re-issue: another owner decided the group; an operator's force or pin "
                    + "sends the target this instance should serve");
        }
        if (latest == null) {
            return new Check(State.NO_DECISION, null, 0, null, served, servedEpoch, "no decision yet");
        }
        if (serving != null && latest.decisionId().equals(serving.decisionId())) {
            if (serving.status() == ActuationStatus.BLOCKED && !serving.at().plus(bound).isAfter(now)) {
                // a refusal is no progress: counted as actuating, the group stayed green while nothing moved
                return new Check(State.NOT_SERVED, latest.decisionId(), latest.epoch(), latest.issuedAt(), served,
                        servedEpoch, "the actuator refused decision " + served + ": BLOCKED since " + serving.at()
                                + ", longer than " + bound.toSeconds() + " s" + (serving.detail() == null
                                        || serving.detail().isEmpty() ? "" : ": " + serving.detail()));
            }
            State state = serving.status() == ActuationStatus.CONVERGED ? State.SERVED : State.ACTUATING;
            return new Check(state, latest.decisionId(), latest.epoch(), latest.issuedAt(), served, servedEpoch,
                    "the actuator reports decision " + served + " as its record: " + serving.status());
        }
        String reported = serving == null ? "no decision" : "decision " + served + " (epoch " + servedEpoch + ", "
                + serving.status() + ")";
        boolean late = !latest.issuedAt().plus(bound).isAfter(now);
        // a served epoch no lower than the latest decision's: another owner's decision, over which the latest one was
        // re-issued once (ActuatorFeedback); a lower one or none: a decision not yet read, dead-lettered, or an actuator
        // that is down, which a re-issue would not change
        String why = serving != null && servedEpoch >= latest.epoch()
                ? "another owner decided the group above this instance's latest decision, which was re-issued once; an "
                        + "operator's force or pin decides"
                : "a decision the actuator dead-lettered (its signature) or an actuator that is down or cut off: a "
                        + "re-issue would not be served either";
        return new Check(late ? State.NOT_SERVED : State.AWAITING_REPORT, latest.decisionId(), latest.epoch(),
                latest.issuedAt(), served, servedEpoch,
                "the actuator reports " + reported + " as its record, not decision "
                        + latest.decisionId() + " (epoch " + latest.epoch() + ") issued at " + latest.issuedAt()
                        + (late ? "; longer than " + bound.toSeconds() + " s: " + why : ""));
    }
}
