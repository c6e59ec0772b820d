package dev.failover.actuator.domain.reconcile;

/**
 * Asks for a pass soon (ADR 0036, "Where the lanes live"): a provider lane whose read changed wakes its group's pass, a
 * gate the group's steps opened wakes the group's lanes. The loop that runs the passes does it; a pass under way is
 * followed by another at once.
 */
public interface Waker {

    /** Nobody to wake: tests that run the passes themselves. */
    Waker NONE = new Waker() {

        @Override
        public void group(String group) {
        }

        @Override
        public void lane(String group, String lane) {
        }
    };

    /** The group's pass, soon. */
    void group(String group);

    /** A pass of the group's provider lane {@code lane}, soon. */
    void lane(String group, String lane);
}
