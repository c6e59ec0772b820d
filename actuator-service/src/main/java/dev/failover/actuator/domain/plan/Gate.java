package dev.failover.actuator.domain.plan;

/**
 * Whether a group's provider lanes may write its goal (ADR 0036, "Where the lanes live"): opened by the group's steps
 * once capacity, Region switch and the database are ready for the goal's epoch and step, so that no provider is
 * written before them (ADR 0020: database before DNS, never an empty region). Kept in memory only: a new owner proves
 * it again from the world (capacity read, the execution found by its key, the target node writable), never from a flag
 * an earlier owner stored.
 */
public sealed interface Gate {

    /** Whether a lane may write {@code goal} under this gate: open for its epoch and step, not an earlier one's. */
    boolean opens(Goal goal);

    /** For people: why a lane waits, when it does. */
    String why();

    /** Closed: a lane writes nothing. */
    record Closed(String why) implements Gate {

        /** Before the group's steps have run for the goal worked on. */
        public static final Closed NOT_YET = new Closed("the group's steps have not opened the way for this goal yet");

        @Override
        public boolean opens(Goal goal) {
            return false;
        }
    }

    /** Open for one epoch and step: capacity, Region switch and database were ready for them. */
    record Open(long epoch, int step) implements Gate {

        public static Open of(Goal goal) {
            return new Open(goal.epoch(), goal.step());
        }

        @Override
        public boolean opens(Goal goal) {
            return goal.epoch() == epoch && goal.step() == step;
        }

        @Override
        public String why() {
            return "opened for epoch " + epoch + ", step " + step;
        }
    }
}
