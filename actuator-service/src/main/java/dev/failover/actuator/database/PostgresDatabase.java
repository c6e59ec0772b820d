package dev.failover.actuator.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
            return unreachable(e) ? new Observation.Unavailable(describe(ref, e))
                    : new Observation.Rejected(describe(ref, e));
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
        try (Connection connection = connect(ref); Statement statement = connection.createStatement()) {
            String missing = missing(ref, connection);
            if (missing != null) {
                return new WriteOutcome.Rejected(missing);
            }
            try (ResultSet row = statement.executeQuery(
                    "SELECT pg_is_in_recovery() AS replica, CASE WHEN pg_is_in_recovery() THEN pg_promote(false) END")) {
                row.next();
                return new WriteOutcome.Requested(row.getBoolean("replica") ? "promotion of " + ref.jdbcUrl()
                        + " requested" : ref.jdbcUrl() + " is not a replica: nothing to promote");
            }
        } catch (SQLException e) {
            return unreachable(e) ? new WriteOutcome.Unavailable(describe(ref, e))
                    : new WriteOutcome.Rejected(describe(ref, e));
        }
    }

    @Override
    public WriteOutcome fence(PostgresRef ref) {
        closeIdle(ref); // the fence ends every other session: this instance's own is closed first, not counted
        try (Connection connection = connect(ref, true); Statement statement = connection.createStatement()) {
            String missing = missing(ref, connection);
            if (missing != null) {
                return new WriteOutcome.Rejected(missing);
            }
            // closed first of the changes (within the lease's bound, ADR 0006): a session that begins after the
            // sessions are ended below would otherwise still write
            Access closed = allowConnections(ref, statement, false);
            try {
                statement.execute("ALTER SYSTEM SET default_transaction_read_only = on");
                statement.execute("SELECT pg_reload_conf()");
                int ended = endSessions(statement);
                return new WriteOutcome.Requested(ref.jdbcUrl() + " fenced: " + closed.said()
                        + ", default_transaction_read_only on, " + ended + " other session(s) ended");
            } catch (SQLException e) {
                if (closed.changed() && !unreachable(e)) {
                    // refused for good half-way (the login may close the database but not ALTER SYSTEM): reopened, so
                    // that the refusal leaves the old primary as it was, not closed to its clients while DNS still
                    // serves it
                    reopen(ref, statement);
                }
                throw e;
            }
        } catch (SQLException e) {
            return unreachable(e) ? new WriteOutcome.Unavailable(describe(ref, e))
                    : new WriteOutcome.Rejected(describe(ref, e));
        }
    }

    /**
     * Undoes the fence: the application's database opened to new sessions (the first statement), then {@code ALTER SYSTEM
     * RESET default_transaction_read_only} and a configuration reload; the node's next transactions may write again. The
     * way back of a planned move (ADR 0020), and a promoted node that received its source's close by replication.
     */
    @Override
    public WriteOutcome unfence(PostgresRef ref) {
        closeIdle(ref); // see closeIdle: the next observation must see the reload
        try (Connection connection = connect(ref, true); Statement statement = connection.createStatement()) {
            String missing = missing(ref, connection);
            if (missing != null) {
                return new WriteOutcome.Rejected(missing);
            }
            Access opened = allowConnections(ref, statement, true); // the first statement: a promoted node's one change
            statement.execute("ALTER SYSTEM RESET default_transaction_read_only");
            statement.execute("SELECT pg_reload_conf()");
            return new WriteOutcome.Requested(ref.jdbcUrl() + " unfenced: " + opened.said()
                    + ", default_transaction_read_only reset");
        } catch (SQLException e) {
            return unreachable(e) ? new WriteOutcome.Unavailable(describe(ref, e))
                    : new WriteOutcome.Rejected(describe(ref, e));
        }
    }

    /**
     * Why a write to the node is refused where the application's database, which the URL names, does not exist there;
     * null where it does or none is named. The actuator logs in to the maintenance database, so without this a URL naming
     * another cluster's node (or a mistyped database) would be promoted or fenced there while its observation is
     * refused. A replica's catalog is its primary's: the check holds on a replica too.
     */
    private static String missing(PostgresRef ref, Connection connection) throws SQLException {
        String application = ref.database();
        if (application == null) {
            return null;
        }
        try (PreparedStatement present = connection
                .prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)")) {
            present.setString(1, application);
            try (ResultSet row = present.executeQuery()) {
                row.next();
                return row.getBoolean(1) ? null : ref + ": database \"" + application + "\" does not exist (the"
                        + " application's database, which the node's URL names): nothing changed";
            }
        }
    }

    /**
     * Ends every other client session, in rounds until one ends none (at most three): a session that passed the
     * database's connection check just before the close committed shows up a moment later. A login that is no superuser
     * leaves superusers' sessions alone (it may not end them, and asking would fail the whole fence).
     */
    private static int endSessions(Statement statement) throws SQLException {
        int ended = 0;
        for (int round = 0; round < 3; round++) {
            int now = 0;
            try (ResultSet rows = statement.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                    + " AND ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
                    + " OR NOT coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.oid = usesysid), false))")) {
                while (rows.next()) {
                    now += rows.getBoolean(1) ? 1 : 0;
                }
            }
            ended += now;
            if (now == 0 && round > 0) {
                break;
            }
        }
        return ended;
    }

    private void reopen(PostgresRef ref, Statement statement) {
        try {
            allowConnections(ref, statement, true);
        } catch (SQLException e) {
            // the refusal is reported; the node's state is what the next observation shows
        }
    }

    /** What a close or an open did: said for the result; {@code changed}: the catalog was changed. */
    private record Access(String said, boolean changed) {
    }

    /**
     * Closes or opens the application's database on a writable node ({@code ALTER DATABASE ... ALLOW_CONNECTIONS}, the
     * actuator's login being a superuser or the database's owner); says what it did. A replica takes no catalog change:
     * its database follows its primary's.
     */
    private Access allowConnections(PostgresRef ref, Statement statement, boolean allow) throws SQLException {
        String application = closable(ref);
        if (application == null) {
            return new Access(allow ? "no database to open" : "no database closed (the actuator logs in to "
                    + (ref.database() == null ? "the database the URL leaves to the login"
                            : "the application's database "
                                    + ref.database())
                    + ": a client asking for read-write explicitly passes this fence)", false);
        }
        // one statement: the check and the change. Nothing is changed (no transaction id taken) where the database is
        // as wanted already: the way back shows from the promoted node's next transaction id that nothing wrote there,
        // and fences it first (ADR 0020, "The way back, performed"). A replica takes no catalog change: its database
        // follows its primary's. The write connection commits without waiting for a synchronous standby and read-write
        // whatever the node's default (see connect)
        statement.execute("DO $fence$ DECLARE d text := '" + application.replace("'", "''") + "'; BEGIN"
                + " IF pg_is_in_recovery() THEN RAISE NOTICE 'replica';"
                + " ELSIF (SELECT datallowconn FROM pg_database WHERE datname = d) IS NOT DISTINCT FROM " + allow
                + " THEN RAISE NOTICE 'unchanged';"
                + " ELSE EXECUTE format('ALTER DATABASE %I WITH ALLOW_CONNECTIONS " + allow + "', d);"
                + " RAISE NOTICE 'changed'; END IF; END $fence$");
        java.sql.SQLWarning notice = statement.getWarnings();
        String outcome = notice == null ? "changed" : notice.getMessage();
        statement.clearWarnings();
        if (outcome.contains("replica")) {
            return new Access("database " + application + " left as its primary has it (a replica)", false);
        }
        boolean changed = !outcome.contains("unchanged");
        return new Access("database " + application + (changed ? "" : " already") + (allow ? " open" : " closed")
                + " to new sessions", changed);
    }

    private Connection connect(PostgresRef ref) throws SQLException {
        return connect(ref, false);
    }

    /**
     * @param writing a connection for a write (a fence, an unfence): its commits wait for no synchronous standby (an old
     *                primary's standby may be cut off, or promoted already, and a fence must not wait for it; the close
     *                reaches a standby with the WAL the final position covers) and its transactions are read-write
     *                whatever the node's default (a node fenced already). Set at connection, so that the first
     *                statement is the write (ADR 0006, "A write lands within the lease's margin"). Observations keep
     *                the node's own settings: they read what a commit waits for
     */
    private Connection connect(PostgresRef ref, boolean writing) throws SQLException {
        Properties properties = new Properties();
        if (writing) {
            properties.setProperty("options", "-c synchronous_commit=local -c default_transaction_read_only=off");
        }
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
