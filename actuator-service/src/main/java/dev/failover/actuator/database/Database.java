package dev.failover.actuator.database;

import java.time.Instant;
import java.util.List;

/**
 * One database backend of the data tier (ADR 0020): which node of a target is writable, how far its replica lags, and
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
     * Such a backend's writer cannot be fenced, so any move whose old writer answers takes the switchover.
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

    /**
     * Undoes this backend's {@link #fence} of the target's node: it takes writes again. Called for the way back of a
     * planned move whose switch was refused after the promotion (ADR 0020), once the reconciler has shown that no
     * transaction reached the node promoted instead; and for a promoted node that reports itself
     * {@link Observation.Observed#closed() closed}, the fence of the node it was promoted from having reached it by
     * replication. A backend that reports no transaction ids cannot show the first, and refuses.
     */
    default WriteOutcome unfence(R ref) {
        return new WriteOutcome.Rejected("this backend has no way back: it reports no transaction ids, so nothing shows"
                + " that no transaction reached the promoted node");
    }

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
         * @param wal              where the node's write-ahead log stands, for the loss exposure (ADR 0020); null for a
         *                         backend that reports no positions (RDS, Aurora: their lag is all there is)
         * @param source           a replica: the node it replicates, as {@link dev.failover.contract.topology.DatabaseRef#node()}
         *                         names it, where its backend says so and has no timelines to show its lineage by (RDS's
         *                         {@code ReadReplicaSourceDBInstanceIdentifier}); null otherwise
         * @param closed           whether the application's database refuses new sessions: a PostgreSQL fence closes
         *                         it, and, being in the catalog, the close reaches the replica promoted after the fence,
         *                         which is opened ({@link Database#unfence}) before traffic goes there (ADR 0020, "A
         *                         fence no client passes")
         */
        record Observed(Role role, long unreplayedBytes, double lagSeconds, boolean replayPaused, Wal wal,
                String source,
                boolean closed) implements Observation {

            /** A writable node of a backend that reports no positions, or whose positions do not matter here. */
            public static Observed writable() {
                return new Observed(Role.WRITABLE, 0, 0, false, null, null, false);
            }

            /** A fenced node without positions, its database open to new sessions. */
            public static Observed fenced() {
                return new Observed(Role.FENCED, 0, 0, false, null, null, false);
            }

            /**
             * A replica of a backend whose lag is all it reports (RDS, Aurora): nothing waits to be applied that it
             * could count, its replay is never paused by us, and {@code source} is the node it replicates where its
             * backend names one (null otherwise).
             */
            public static Observed replicaByLag(double lagSeconds, String source) {
                return new Observed(Role.REPLICA, 0, lagSeconds, false, null, source, false);
            }

            /** A node in {@code role} with nothing waiting to be applied, where its WAL stands; open. */
            public static Observed withWal(Role role, Wal wal) {
                return new Observed(role, 0, 0, false, wal, null, false);
            }
        }

        /** The node could not be reached or did not answer in time: observed again. */
        record Unavailable(String reason) implements Observation {
        }

        /** Refused for good: authentication, no such database. */
        record Rejected(String reason) implements Observation {
        }
    }

    /**
     * Where a node's write-ahead log stands (PostgreSQL): the positions what a promotion may lose is measured with
     * (ADR 0020). A commit the primary acknowledged is at or below its flushed position; a replica keeps, once
     * promoted, what it has received and flushed. Positions are bytes from the start of the WAL (an LSN as a number)
     * and compare only within one timeline.
     *
     * @param timeline           a primary: the timeline it writes; a replica: the timeline its WAL receiver receives, 0
     *                           (unknown) while none runs
     * @param lsn                a primary: how far its WAL is flushed; a replica: how far it has received and flushed
     *                           its primary's WAL (what it has replayed, while nothing was received since it started)
     * @param commitsWait        a primary: whether a commit waits for the synchronous standbys
     *                           ({@code synchronous_commit} on, remote_write or remote_apply)
     * @param standbys           a primary: the standbys streaming from it now ({@code pg_stat_replication})
     * @param name               a replica: the application name it gives its primary (primary_conninfo's
     *                           application_name, else its cluster_name, else "walreceiver"); null for a primary
     * @param receiver           a replica: its WAL receiver; null while none runs (not connected to a primary)
     * @param nextXid            the next transaction id the node would hand out, as its snapshots see it (one above the
     *                           latest completed transaction); 0 where unknown. A node that took no transaction with an id
     *                           (none wrote anything) keeps it: a promoted replica's, read before its promotion and again
     *                           after it was fenced, shows that no write reached it in between
     * @param system             the cluster's system identifier ({@code pg_control_system()}); 0 where unknown.
     *                           Timelines compare only within one: pg_upgrade makes a new cluster that starts again on
     *                           timeline 1 (ADR 0020, "Timelines within one system identifier")
     */
    record Wal(long timeline, long lsn, boolean commitsWait, List<Standby> standbys, String name, Receiver receiver,
            long nextXid, long system) {

        public Wal {
            standbys = List.copyOf(standbys);
        }

        /** Whether this and {@code other} are known to be of different clusters (pg_upgrade, a new initdb). */
        public boolean otherSystemThan(long other) {
            return system != 0 && other != 0 && system != other;
        }

        /** The standby named {@code name}, where exactly one streams under that name. */
        public java.util.Optional<Standby> standby(String name) {
            List<Standby> named = standbys.stream().filter(s -> s.name().equals(name)).toList();
            return named.size() == 1 ? java.util.Optional.of(named.get(0)) : java.util.Optional.empty();
        }

        /** An LSN as PostgreSQL writes it, e.g. 0/3000148. */
        public static String lsn(long position) {
            return Long.toHexString(position >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                    + Long.toHexString(position & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A standby as its primary sees it.
     *
     * @param name      the application name it gives (its {@code cluster_name}, or primary_conninfo's application_name)
     * @param syncState {@code sync}, {@code potential}, {@code quorum} or {@code async}
     * @param flushLsn  how far it has flushed the primary's WAL, as it last reported
     */
    record Standby(String name, String syncState, long flushLsn) {
    }

    /**
     * A replica's WAL receiver.
     *
     * @param streaming   whether it streams now ({@code status = 'streaming'})
     * @param source      the primary it streams from, {@code host:port}; null where the login may not see it
     * @param lastReceipt when it last heard from its primary; null where unknown
     */
    record Receiver(boolean streaming, String source, Instant lastReceipt) {
    }

    sealed interface WriteOutcome {

        /** What the write did, or why it did not: for results. */
        default String describe() {
            if (this instanceof Requested r) {
                return r.details();
            }
            return this instanceof Unavailable u ? "unavailable: " + u.reason()
                    : "refused: " + ((Rejected) this).reason();
        }

        record Requested(String details) implements WriteOutcome {
        }

        record Unavailable(String reason) implements WriteOutcome {
        }

        record Rejected(String reason) implements WriteOutcome {
        }
    }
}
