package dev.failover.actuator.domain.data;

import java.time.Duration;
import java.util.Locale;

/**
 * What promoting a replica may lose (ADR 0020): commits the primary acknowledged that the replica has not
 * received. Measured from positions, never inferred from the replica's own view (a replica that stopped receiving has
 * applied all it has and reports no lag): {@link None} when the replica is known to hold every acknowledged commit,
 * {@link Window} when it is known to hold every commit acknowledged up to some moment and nothing is known of the
 * commits after it, {@link Unknown} when there is no such moment. Unknown is beyond any budget.
 */
public sealed interface LossExposure {

    /** Whether a promotion that may lose this stays within {@code budgetSeconds} of acknowledged commits. */
    boolean within(int budgetSeconds);

    /** For people, e.g. "up to 4.2 s of commits: it received everything primary had flushed 4.2 s ago". */
    String describe();

    /** Nothing acknowledged is missing, on the ground {@code basis} names. */
    record None(String basis) implements LossExposure {

        @Override
        public boolean within(int budgetSeconds) {
            return true;
        }

        @Override
        public String describe() {
            return "nothing acknowledged is missing: " + basis;
        }
    }

    /**
     * The replica holds every commit acknowledged more than {@code window} ago; commits of the last {@code window} may be
     * missing (the primary was not seen since, or the replica did not receive them).
     */
    record Window(Duration window, String basis) implements LossExposure {

        @Override
        public boolean within(int budgetSeconds) {
            return window.compareTo(Duration.ofSeconds(budgetSeconds)) <= 0;
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "up to %.1f s of acknowledged commits may be missing: %s",
                    window.toMillis() / 1000.0, basis);
        }
    }

    /** Nothing is known of what the replica lacks: beyond any budget. */
    record Unknown(String why) implements LossExposure {

        @Override
        public boolean within(int budgetSeconds) {
            return false;
        }

        @Override
        public String describe() {
            return "what may be lost is unknown: " + why;
        }
    }
}
