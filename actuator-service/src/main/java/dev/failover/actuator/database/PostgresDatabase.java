package dev.failover.actuator.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * PostgreSQL streaming replication over JDBC. Observe: one query for the role (pg_is_in_recovery, and the
 * default_transaction_read_only a fence sets) and a replica's replay position and lag. Promote: {@code pg_promote} without
 * waiting. Fence: the application's database (the one the node's URL names) closed to new sessions
 * ({@code ALLOW_CONNECTIONS false}), {@code ALTER SYSTEM SET default_transaction_read_only = on}, a configuration reload,
 * and the end of every other client session: no session, pooled or new, ordinary or asking for read-write explicitly,
 * writes to the application's database any more (ADR 0020, "A fence no client passes"). The actuator logs in to the
 * node's maintenance database ({@code failover.database.maintenance-database}, {@code postgres} by default), which the fence
 * leaves open, so that it observes the fenced node; where that is the application's own database, the fence is
 * {@code default_transaction_read_only} alone and a client asking for read-write passes it.
 * <p>
 * The close is in the catalog, so it reaches the replicas with the fence's WAL, and the replica promoted after the fence
 * arrives closed: {@link #unfence} opens it, as the step before traffic goes there does.
 * <p>
 * Every write opens its own connection with short timeouts and closes it: a node that is gone costs the connect
 * timeout, never a thread stuck in a read. Observations, made of every node by every instance each watch interval,
 * reuse one idle connection per node and login (its TLS and login were most of an observation's cost); one the server
 * ended is replaced at once, and the same timeouts bound every read on it.
 */
public final class PostgresDatabase implements Database<PostgresRef>, AutoCloseable {

    /** SQLSTATE class 08: connection exceptions; 57P: the server is shutting down or starting. */
    private static final String CONNECTION = "08";
    private static final String SHUTTING_DOWN = "57P";
    private static final String TOO_MANY_CONNECTIONS = "53300";

    static final String OBSERVE = """
            SELECT pg_is_in_recovery() AS replica,
                   coalesce((SELECT NOT datallowconn FROM pg_database WHERE datname = ?), false) AS closed,
                   EXISTS (SELECT 1 FROM pg_database WHERE datname = ?) AS present,
                   current_setting('default_transaction_read_only') = 'on' AS read_only,
                   CASE WHEN pg_is_in_recovery()
                        THEN coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)
                        ELSE 0 END AS unreplayed_bytes,
                   CASE WHEN pg_is_in_recovery() AND pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()
                        THEN coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)
                        ELSE 0 END AS lag_seconds,
                   CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END AS replay_paused,
                   CASE WHEN pg_is_in_recovery()
                        THEN pg_wal_lsn_diff(greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), '0/0')
                        ELSE pg_wal_lsn_diff(pg_current_wal_flush_lsn(), '0/0') END AS lsn,
                   CASE WHEN pg_is_in_recovery()
                        THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver), 0)
                        ELSE ('x' || substr(pg_walfile_name(pg_current_wal_flush_lsn()), 1, 8))::bit(32)::bigint
                        END AS timeline,
                   current_setting('synchronous_commit') IN ('on', 'remote_write', 'remote_apply')
                       AND (SELECT source FROM pg_settings WHERE name = 'synchronous_commit')
                           NOT IN ('database', 'user', 'database user', 'client', 'session')
                       AND NOT EXISTS (SELECT 1 FROM pg_db_role_setting s, unnest(s.setconfig) AS c
                                       WHERE c LIKE 'synchronous\\_commit=%'
                                         AND lower(split_part(c, '=', 2)) NOT IN ('on', 'remote_write', 'remote_apply',
                                                                                  'true', 'yes', '1'))
                       AS commits_wait,
                   CASE WHEN pg_is_in_recovery()
                        THEN coalesce((SELECT substring(conninfo FROM 'application_name=([^ ]+)') FROM pg_stat_wal_receiver),
                                      nullif(current_setting('cluster_name'), ''), 'walreceiver') END AS name,
                   pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS next_xid,
                   (SELECT system_identifier FROM pg_control_system()) AS system
            """;

    /** A primary's standbys; their positions are visible to a superuser or a member of pg_monitor. */
    static final String STANDBYS = """
            SELECT application_name, sync_state, coalesce(pg_wal_lsn_diff(flush_lsn, '0/0'), 0) AS flush_lsn
            FROM pg_stat_replication
            """;

    /** A replica's WAL receiver; where it streams from is visible to a superuser or a member of pg_read_all_stats. */
    static final String RECEIVER = """
            SELECT status = 'streaming' AS streaming, sender_host, sender_port, last_msg_receipt_time
            FROM pg_stat_wal_receiver
            """;

    private final Duration timeout;
    private final String sslMode;
    private final java.nio.file.Path sslRootCert;
    private final String maintenance;

    /**
     * @param timeout     for connecting and for each statement
     * @param sslMode     PgJDBC's sslmode for every connection (a node's URL may set its own)
     * @param sslRootCert the CA certificates a server's certificate is checked against; null: PgJDBC's default
     * @param maintenance the database the actuator logs in to on every node, never closed by a fence; null or blank: the
     *                    one each node's URL names (the fence then closes nothing)
     */
    public PostgresDatabase(Duration timeout, String sslMode, java.nio.file.Path sslRootCert, String maintenance) {
        this.timeout = timeout;
        this.sslMode = java.util.Objects.requireNonNull(sslMode, "sslMode");
        this.sslRootCert = sslRootCert;
        this.maintenance = maintenance == null || maintenance.isBlank() ? null : maintenance;
    }

    /** The application's database, where a fence closes it; null where the actuator logs in to it (or none is named). */
    private String closable(PostgresRef ref) {
        String application = ref.database();
        return maintenance == null || application == null || application.equals(maintenance) ? null : application;
    }

    /** By node and login: a connection an observation left open for the next one; absent while one is in use. */
    private final java.util.concurrent.ConcurrentMap<PostgresRef, Connection> idle = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Observation observe(PostgresRef ref) {
        Connection reused = idle.remove(ref);
        if (reused != null) {
            long started = System.nanoTime();
            try {
                return observed(ref, reused);
            } catch (SQLException e) {
                close(reused);
                if (System.nanoTime() - started >= timeout.toNanos() / 2) {
                    // the node did not answer in time: a new connection would cost a connect timeout more to say so
                    return unreachable(e) ? new Observation.Unavailable(describe(ref, e))
                            : new Observation.Rejected(describe(ref, e));
                }
                // ended at once by the server (a restart, a fence's end of sessions): a new connection answers
            }
        }
        try {
            Connection connection = connect(ref);
            try {
                return observed(ref, connection);
            } catch (SQLException e) {
                close(connection);
                throw e;
            }
        } catch (SQLException e) {
            return unreachable(e) ? new Observation.Unavailable(describe(ref, e)) : new Observation.Rejected(describe(ref, e));
        }
    }

    /** Observes the node on {@code connection}, then leaves it for the next observation (or closes it if one is left). */
    private Observation observed(PostgresRef ref, Connection connection) throws SQLException {
        Observation observed = observe(ref, connection);
        if (idle.putIfAbsent(ref, connection) != null) {
            close(connection);
        }
        return observed;
    }

    /**
     * Closes the connection observations left open to {@code ref}'s node. A write that reloads the configuration (a
     * fence, an unfence) returns once the postmaster is signalled; an open session applies the reload only once the
     * signal reaches it, so an observation on it right after could still show the old default_transaction_read_only
     * (seen in the suite: FENCED just after an unfence). A session begun after the write starts from the reloaded one.
     */
    private void closeIdle(PostgresRef ref) {
        Connection observing = idle.remove(ref);
        if (observing != null) {
            close(observing);
        }
    }

    /** Closes the connections observations left open; the next observation opens one again. */
    @Override
    public void close() {
        idle.keySet().forEach(ref -> {
            Connection connection = idle.remove(ref);
            if (connection != null) {
                close(connection);
            }
        });
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // nothing to do with a connection that cannot even close
        }
    }

    private Observation observe(PostgresRef ref, Connection connection) throws SQLException {
        try (java.sql.PreparedStatement observe = connection.prepareStatement(OBSERVE);
                Statement statement = connection.createStatement()) {
            String application = ref.database();
            observe.setString(1, application);
            observe.setString(2, application);
            boolean replica;
            Role role;
            long unreplayed;
            double lag;
            boolean paused;
            long lsn;
            long timeline;
            boolean commitsWait;
            String name;
            long nextXid;
            long system;
            boolean closed;
            try (ResultSet row = observe.executeQuery()) {
                row.next();
                if (application != null && !row.getBoolean("present")) {
                    return new Observation.Rejected(ref + ": database \"" + application + "\" does not exist (the"
                            + " application's database, which the node's URL names)");
                }
                closed = row.getBoolean("closed");
                replica = row.getBoolean("replica");
                role = replica ? Role.REPLICA : row.getBoolean("read_only") ? Role.FENCED : Role.WRITABLE;
                unreplayed = Math.max(0, row.getLong("unreplayed_bytes"));
                lag = Math.max(0, row.getDouble("lag_seconds"));
                paused = row.getBoolean("replay_paused");
                lsn = row.getLong("lsn");
                timeline = row.getLong("timeline");
                commitsWait = row.getBoolean("commits_wait");
                name = row.getString("name");
                nextXid = row.getLong("next_xid");
                system = row.getLong("system");
            }
            List<Standby> standbys = new ArrayList<>();
            Receiver receiver = null;
            if (replica) {
                try (ResultSet row = statement.executeQuery(RECEIVER)) {
                    if (row.next()) {
                        String host = row.getString("sender_host");
                        java.sql.Timestamp receipt = row.getTimestamp("last_msg_receipt_time");
                        receiver = new Receiver(row.getBoolean("streaming"), host == null ? null
                                : host + ":" + row.getInt("sender_port"), receipt == null ? null : receipt.toInstant());
                    }
                }
            } else {
                try (ResultSet rows = statement.executeQuery(STANDBYS)) {
                    while (rows.next()) {
                        standbys.add(new Standby(rows.getString("application_name"), rows.getString("sync_state"),
                                rows.getLong("flush_lsn")));
                    }
                }
            }
            return new Observation.Observed(role, unreplayed, lag, paused, new Wal(timeline, lsn, commitsWait, standbys,
                    name, receiver, nextXid, system), null, closed);
        }
    }

    @Override
    public WriteOutcome promote(PostgresRef ref, Move move) {
        try (Connection connection = connect(ref); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "SELECT pg_is_in_recovery() AS replica, CASE WHEN pg_is_in_recovery() THEN pg_promote(false) END")) {
            row.next();
            return new WriteOutcome.Requested(row.getBoolean("replica") ? "promotion of " + ref.jdbcUrl() + " requested"
                    : ref.jdbcUrl() + " is not a replica: nothing to promote");
        } catch (SQLException e) {
            return unreachable(e) ? new WriteOutcome.Unavailable(describe(ref, e)) : new WriteOutcome.Rejected(describe(ref, e));
        }
    }

    @Override
    public WriteOutcome fence(PostgresRef ref) {
        closeIdle(ref); // the fence ends every other session: this instance's own is closed first, not counted
        try (Connection connection = connect(ref); Statement statement = connection.createStatement()) {
            // closed first: a session that begins after the sessions are ended below would otherwise still write
            String closed = allowConnections(ref, statement, false);
            statement.execute("ALTER SYSTEM SET default_transaction_read_only = on");
            statement.execute("SELECT pg_reload_conf()");
            int ended = 0;
            try (ResultSet rows = statement.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
                while (rows.next()) {
                    ended += rows.getBoolean(1) ? 1 : 0;
                }
            }
            return new WriteOutcome.Requested(ref.jdbcUrl() + " fenced: " + closed + ", default_transaction_read_only on, "
                    + ended + " other session(s) ended");
        } catch (SQLException e) {
            return unreachable(e) ? new WriteOutcome.Unavailable(describe(ref, e)) : new WriteOutcome.Rejected(describe(ref, e));
        }
    }

    /**
     * The way back of a planned move (ADR 0020): {@code ALTER SYSTEM RESET default_transaction_read_only} and a
     * configuration reload; the node's next transactions may write again.
     */
    @Override
    public WriteOutcome unfence(PostgresRef ref) {
        closeIdle(ref); // see closeIdle: the next observation must see the reload
        try (Connection connection = connect(ref); Statement statement = connection.createStatement()) {
            statement.execute("ALTER SYSTEM RESET default_transaction_read_only");
            statement.execute("SELECT pg_reload_conf()");
            String opened = allowConnections(ref, statement, true);
            return new WriteOutcome.Requested(ref.jdbcUrl() + " unfenced: default_transaction_read_only reset, " + opened);
        } catch (SQLException e) {
            return unreachable(e) ? new WriteOutcome.Unavailable(describe(ref, e)) : new WriteOutcome.Rejected(describe(ref, e));
        }
    }

    /**
     * Closes or opens the application's database on a writable node ({@code ALTER DATABASE ... ALLOW_CONNECTIONS}, the
     * actuator's login being a superuser or the database's owner); says what it did. A replica takes no catalog change:
     * its database follows its primary's.
     */
    private String allowConnections(PostgresRef ref, Statement statement, boolean allow) throws SQLException {
        String application = closable(ref);
        if (application == null) {
            return allow ? "no database to open" : "no database closed (the actuator logs in to " + (ref.database() == null
                    ? "the database the URL leaves to the login" : "the application's database " + ref.database())
                    + ": a client asking for read-write explicitly passes this fence)";
        }
        String quoted = application.replace("'", "''");
        try (ResultSet row = statement.executeQuery("SELECT pg_is_in_recovery(), (SELECT datallowconn FROM pg_database"
                + " WHERE datname = '" + quoted + "')")) {
            row.next();
            if (row.getBoolean(1)) {
                return "database " + application + " left as its primary has it (a replica)";
            }
            if (row.getBoolean(2) == allow) {
                // no catalog change, so no transaction id: the way back shows from the promoted node's next
                // transaction id that nothing wrote there, and fences it first (ADR 0020, "The way back, performed")
                return "database " + application + (allow ? " already open" : " already closed") + " to new sessions";
            }
        }
        // committed without waiting for a synchronous standby: an old primary's standby may be cut off or promoted,
        // and the fence must not wait for it (the close reaches a standby with the WAL the final position covers);
        // read-write whatever the node's default: a node fenced already (again, or read-only from its start-up guard)
        statement.execute("SET synchronous_commit TO local");
        statement.execute("SET default_transaction_read_only TO off");
        statement.execute("ALTER DATABASE \"" + application.replace("\"", "\"\"") + "\" WITH ALLOW_CONNECTIONS "
                + allow);
        return "database " + application + (allow ? " open to new sessions" : " closed to new sessions");
    }

    private Connection connect(PostgresRef ref) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", ref.user());
        if (ref.password() != null) {
            properties.setProperty("password", ref.password());
        }
        int seconds = (int) Math.max(1, timeout.toSeconds());
        properties.setProperty("connectTimeout", Integer.toString(seconds));
        properties.setProperty("loginTimeout", Integer.toString(seconds));
        properties.setProperty("socketTimeout", Integer.toString(seconds));
        properties.setProperty("ApplicationName", "failover-actuator");
        properties.setProperty("sslmode", sslMode);
        if (sslRootCert != null) {
            properties.setProperty("sslrootcert", sslRootCert.toString());
        }
        Connection connection = DriverManager.getConnection(maintenance == null ? ref.jdbcUrl()
                : ref.jdbcUrlOn(maintenance), properties);
        connection.setAutoCommit(true);
        return connection;
    }

    /** Worth trying again: the node is not reachable, is starting or shutting down, or did not answer in time. */
    static boolean unreachable(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return true; // the driver's own I/O failures (a socket timeout) carry no state
        }
        return state.startsWith(CONNECTION) || state.startsWith(SHUTTING_DOWN) || TOO_MANY_CONNECTIONS.equals(state);
    }

    private static String describe(PostgresRef ref, SQLException e) {
        return ref + ": " + e.getMessage() + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
    }
}
