package dev.failover.actuator.database;

/**
 * One database backend of the data tier (issue 32): which node of a target is writable, how far its replica lags, and
 * the two writes a failover needs: promote the target's replica, fence the node that was primary. One class per
 * backend (PostgreSQL, RDS read replicas, Aurora global databases), {@code R} is the reference to one
 * target's node of that backend. Like a scaler, a backend does one read or one write per call and never waits: a
 * promotion is requested, and the reconciler observes until the node is writable. Plans, gates (the data-loss budget)
 * and retries are the reconciler's.
 */
public interface Database<R> {

    /** What the target's node is now. */
    Observation observe(R ref);

    /**
     * Asks the target's replica to become writable, for a move made as {@code move} says (a backend with one API for both,
     * PostgreSQL's and RDS's, ignores it). Idempotent: a node that is already writable is left as it is.
     */
    WriteOutcome promote(R ref, Move move);

    /**
     * Whether this backend's planned promotion is one atomic move that demotes the old primary and loses nothing by
     * itself (Aurora's switchover): the step then neither fences the old primary first nor waits for a lag of zero.
     */
    default boolean switchesOverItself() {
        return false;
    }

    /** How the move that needs a promotion is made. */
    enum Move {
        /** A switchover or a drill: loses nothing. */
        PLANNED,
        /** A failover, or an operator's force: may lose what the group's data-loss budget allows (a force: any). */
        UNPLANNED
    }

    /**
     * Makes the target's node refuse writes from now on (the old primary, before or after a promotion elsewhere), and
     * ends the sessions that could still write. Idempotent.
     */
    WriteOutcome fence(R ref);

    /** What a node is. */
    enum Role {
        /** Takes writes. */
        WRITABLE,
        /** Was writable, now refuses writes (fenced). */
        FENCED,
        /** Replays another node's changes; refuses writes until promoted. */
        REPLICA
    }

    sealed interface Observation {
        /**
         * @param role             what the node is
         * @param unreplayedBytes  a replica's changes received and not yet applied (0 for a writable node)
         * @param lagSeconds       how old a replica's latest applied change is while changes wait to be applied (0 when
         *                         it has applied everything it received, and for a writable node). What never reached the
         *                         replica cannot be seen from it: that is the primary's side, observed while it answers
         * @param replayPaused     whether a replica's replay is paused (pg_wal_replay_pause)
         */
        record Observed(Role role, long unreplayedBytes, double lagSeconds, boolean replayPaused) implements Observation {
        }

        /** The node could not be reached or did not answer in time: observed again. */
        record Unavailable(String reason) implements Observation {
        }

        /** Refused for good: authentication, no such database. */
        record Rejected(String reason) implements Observation {
        }
    }

    sealed interface WriteOutcome {
        record Requested(String details) implements WriteOutcome {
        }

        record Unavailable(String reason) implements WriteOutcome {
        }

        record Rejected(String reason) implements WriteOutcome {
        }
    }
}
