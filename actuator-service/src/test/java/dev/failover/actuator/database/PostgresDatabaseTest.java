package dev.failover.actuator.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Database.Role;
import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.testkit.db.PostgresPair;

/**
 * The PostgreSQL backend against real servers: a primary and its streaming replica from Debian's packages, separate
 * processes on loopback (PostgresPair). Replication lag is made real by pausing the replica's replay while the primary
 * takes writes; the primary is fenced and the replica promoted over JDBC, and every row the primary acknowledged before
 * the fence is on the promoted node. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresDatabaseTest {

    static PostgresPair pair;
    static PostgresRef primary;
    static PostgresRef replica;
    static final PostgresDatabase DATABASE = new PostgresDatabase(Duration.ofSeconds(2), "disable", null, "postgres");
    static int acknowledged;
    /** A fenced node: default_transaction_read_only on, the application's database closed to new sessions. */
    static final Observation FENCED_AND_CLOSED = new Observation.Observed(Role.FENCED, 0, 0, false, null, null, true);

    @BeforeAll
    static void start() throws SQLException {
        pair = PostgresPair.start();
        primary = new PostgresRef(pair.primary().jdbcUrl(), PostgresPair.USER, null);
        replica = new PostgresRef(pair.replica().jdbcUrl(), PostgresPair.USER, null);
        sql(primary, "CREATE TABLE orders (id serial PRIMARY KEY, note text NOT NULL)");
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    @Order(1)
    void thePrimaryIsWritableAndTheReplicaCaughtUp() throws SQLException {
        write(10);
        assertThat(withoutWal(DATABASE.observe(primary)))
                .isEqualTo(Observation.Observed.writable());
        await("the replica caught up").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(withoutWal(DATABASE.observe(replica)))
                        .isEqualTo(Observation.Observed.replicaByLag(0, null)));
        assertThat(query(primary, "SELECT sync_state FROM pg_stat_replication")).as("the pair replicates synchronously")
                .isEqualTo("sync");
    }

    /**
     * The positions the loss exposure is measured with (ADR 0020, "Loss exposure"): the primary's flushed position and
     * timeline, its synchronous standby by the replica's application name; the replica's received position, name and
     * receiver.
     */
    @Test
    @Order(2)
    void thePrimaryAndTheReplicaReportWhereTheirWalStands() throws SQLException {
        write(5);
        Observation.Observed writer = (Observation.Observed) DATABASE.observe(primary);
        assertThat(writer.wal().timeline()).isEqualTo(1);
        assertThat(writer.wal().lsn()).isPositive();
        assertThat(writer.wal().commitsWait()).isTrue();
        assertThat(writer.wal().name()).as("a primary gives no standby name").isNull();
        assertThat(writer.wal().standby("replica"))
                .hasValueSatisfying(s -> assertThat(s.syncState()).isEqualTo("sync"));
        await("the replica received what the primary had flushed").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Observation.Observed follower = (Observation.Observed) DATABASE.observe(replica);
            assertThat(follower.wal().timeline()).isEqualTo(1);
            assertThat(follower.wal().lsn()).isGreaterThanOrEqualTo(writer.wal().lsn());
            assertThat(follower.wal().name()).isEqualTo("replica");
            assertThat(follower.wal().receiver().streaming()).isTrue();
            assertThat(follower.wal().receiver().source()).isEqualTo("127.0.0.1:" + pair.primary().port());
            assertThat(follower.wal().standbys()).isEmpty();
            assertThat(follower.wal().system()).as("a base backup's cluster is the primary's").isNotZero()
                    .isEqualTo(writer.wal().system());
        });
        write(5);
        assertThat(((Observation.Observed) DATABASE.observe(primary)).wal().lsn()).as("a commit moves the position on")
                .isGreaterThan(writer.wal().lsn());
    }

    /**
     * Whether a commit waits for the synchronous standby is the application's setting, not the actuator's session's
     * (ADR 0020, "What a commit waits for"): a role or database whose commits do not wait ({@code ALTER ROLE ... SET
     * synchronous_commit = local}) makes the primary's commits not waiting, and so does the actuator's own session
     * taking its value from an override of its own, which hides the server's. Before, the actuator's session's value was
     * taken for every client's.
     */
    @Test
    @Order(3)
    void commitsWaitOnlyWhenNoRoleOrDatabaseTurnsTheWaitOff() throws SQLException {
        sql(primary, "CREATE ROLE app_local LOGIN");
        try {
            sql(primary, "ALTER ROLE app_local SET synchronous_commit = local");
            assertThat(((Observation.Observed) DATABASE.observe(primary)).wal().commitsWait())
                    .as("a role's commits wait for no standby").isFalse();
            sql(primary, "ALTER ROLE app_local RESET synchronous_commit");
            sql(primary, "ALTER DATABASE " + PostgresPair.DATABASE + " SET synchronous_commit = off");
            assertThat(((Observation.Observed) DATABASE.observe(primary)).wal().commitsWait())
                    .as("a database's commits wait for no standby").isFalse();
            sql(primary, "ALTER DATABASE " + PostgresPair.DATABASE + " RESET synchronous_commit");
            sql(primary, "ALTER ROLE " + PostgresPair.USER + " SET synchronous_commit = remote_apply");
            // in a session begun after it (another instance's, or after a restart): the observations' own session,
            // older, still shows the server's value
            try (PostgresDatabase another = new PostgresDatabase(Duration.ofSeconds(2), "disable", null, "postgres")) {
                assertThat(((Observation.Observed) another.observe(primary)).wal().commitsWait())
                        .as("the actuator's own override hides the server's setting").isFalse();
            }
            sql(primary, "ALTER ROLE " + PostgresPair.USER + " RESET synchronous_commit");
            assertThat(((Observation.Observed) DATABASE.observe(primary)).wal().commitsWait()).isTrue();
        } finally {
            sql(primary, "ALTER ROLE " + PostgresPair.USER + " RESET synchronous_commit");
            sql(primary, "ALTER DATABASE " + PostgresPair.DATABASE + " RESET synchronous_commit");
            sql(primary, "DROP ROLE app_local");
        }
    }

    @Test
    @Order(3)
    void aReplicaWhoseReplayIsPausedLagsInBytesAndSeconds() throws SQLException {
        sql(replica, "SELECT pg_wal_replay_pause()");
        await("replay paused").atMost(Duration.ofSeconds(10))
                .until(() -> DATABASE.observe(replica) instanceof Observation.Observed o && o.replayPaused());
        write(50);
        await("the replica lags by a second or more").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            write(1);
            Observation observed = DATABASE.observe(replica);
            assertThat(observed).isInstanceOfSatisfying(Observation.Observed.class, o -> {
                assertThat(o.role()).isEqualTo(Role.REPLICA);
                assertThat(o.replayPaused()).isTrue();
                assertThat(o.unreplayedBytes()).as("bytes received, not replayed").isPositive();
                assertThat(o.lagSeconds()).as("age of the last replayed change").isGreaterThanOrEqualTo(1.0);
            });
        });
        sql(replica, "SELECT pg_wal_replay_resume()");
        await("the replica caught up again").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(withoutWal(DATABASE.observe(replica)))
                        .isEqualTo(Observation.Observed.replicaByLag(0, null)));
    }

    /**
     * Every instance observes every node of every group each watch interval (ADR 0020): a connection, with its TLS and
     * login, per observation was most of what an observation cost, on the watch's two threads. Observations of a node
     * reuse one connection; one the server ended (a restart, a fence's end of sessions) is replaced at once, not reported
     * as the node unavailable.
     */
    @Test
    @Order(3)
    void observationsOfANodeReuseOneConnectionAndReplaceOneTheServerEnded() throws SQLException {
        String sessions = "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE application_name ="
                + " 'failover-actuator'";
        assertThat(DATABASE.observe(primary)).isInstanceOf(Observation.Observed.class);
        String first = query(primary, sessions);
        for (int i = 0; i < 5; i++) {
            assertThat(DATABASE.observe(primary)).isInstanceOf(Observation.Observed.class);
        }
        assertThat(query(primary, sessions)).as("the observations' sessions").isNotNull().isEqualTo(first);

        sql(primary,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'failover-actuator'");
        assertThat(DATABASE.observe(primary)).as("after the server ended its session")
                .isInstanceOf(Observation.Observed.class);
        assertThat(query(primary, sessions)).as("a new session").isNotNull().isNotEqualTo(first);
    }

    @Test
    @Order(4)
    void aFencedPrimaryRefusesWritesAndItsOtherSessionsEnd() throws SQLException {
        try (Connection open = connect(primary)) {
            // the sessions of this class's earlier queries end a moment after their close: one still ending would be
            // ended by the fence and counted (seen in a fresh-clone run), so the fence waits until only this one is left
            await("the test's closed sessions gone").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> othersThanTheActuators(open) == 0);
            assertThat(DATABASE.fence(primary)).isInstanceOfSatisfying(WriteOutcome.Requested.class,
                    r -> assertThat(r.details()).contains("fenced").contains("1 other session(s) ended"));
            assertThatThrownBy(() -> open.createStatement().execute("SELECT 1")).as("the session open before the fence")
                    .isInstanceOf(SQLException.class);
        }
        assertThat(withoutWal(DATABASE.observe(primary))).isEqualTo(FENCED_AND_CLOSED);
        assertThatThrownBy(() -> write(1)).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                .as("object_not_in_prerequisite_state: the database does not accept connections").isEqualTo("55000"));
        assertThat(DATABASE.fence(primary)).as("fencing again").isInstanceOf(WriteOutcome.Requested.class);
        assertThat(withoutWal(DATABASE.observe(primary))).isEqualTo(FENCED_AND_CLOSED);
    }

    /**
     * A client that asks for a read-write transaction explicitly passes {@code default_transaction_read_only}; the fence
     * also closes the application's database (ADR 0020, "A fence no client passes"), so such a client, pooled or new,
     * writes nothing on the fenced node. Before, it committed there after the fence, and a promotion made once the
     * replica had the position read after the fence lost that commit.
     */
    @Test
    @Order(5)
    void aClientAskingForReadWriteExplicitlyWritesNothingOnAFencedNode() throws SQLException {
        assertThat(DATABASE.fence(primary)).isInstanceOf(WriteOutcome.Requested.class);
        assertThatThrownBy(() -> {
            try (Connection connection = connect(primary); Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
                statement.execute("INSERT INTO orders (note) VALUES ('read-write, after the fence')");
            }
        }).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                .as("object_not_in_prerequisite_state: the database does not accept connections").isEqualTo("55000"));
        assertThat(DATABASE.observe(primary)).as("the actuator observes the fenced node all the same")
                .isInstanceOfSatisfying(Observation.Observed.class, o -> assertThat(o.role()).isEqualTo(Role.FENCED));
    }

    @Test
    @Order(6)
    void thePromotedReplicaTakesWritesAndHasEveryAcknowledgedRow() throws SQLException {
        long before = ((Observation.Observed) DATABASE.observe(replica)).wal().nextXid();
        assertThat(before).as("the replica's next transaction id").isPositive();
        assertThat(DATABASE.promote(replica, Database.Move.UNPLANNED)).isInstanceOfSatisfying(
                WriteOutcome.Requested.class,
                r -> assertThat(r.details()).contains("promotion").contains("requested"));
        await("the replica writable").atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(DATABASE.observe(replica)).isInstanceOfSatisfying(Observation.Observed.class,
                        o -> assertThat(o.role()).isEqualTo(Role.WRITABLE)));
        // the fence's closed database came with the old primary's WAL: opened before anything is served from the node
        assertThat(DATABASE.observe(replica)).isInstanceOfSatisfying(Observation.Observed.class,
                o -> assertThat(o.closed()).as("closed, as its source was at the fence").isTrue());
        assertThatThrownBy(() -> count(replica)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("55000"));
        assertThat(DATABASE.fence(replica)).as("fencing the promoted node, still closed (the way back)")
                .isInstanceOfSatisfying(WriteOutcome.Requested.class,
                        r -> assertThat(r.details()).contains("already closed"));
        assertThat(((Observation.Observed) DATABASE.observe(replica)).wal().nextXid())
                .as("the next transaction id after the promotion and a fence, nothing written: as before it (the way"
                        + " back's proof)")
                .isEqualTo(before);
        assertThat(DATABASE.unfence(replica)).isInstanceOfSatisfying(WriteOutcome.Requested.class,
                r -> assertThat(r.details()).contains("open to new sessions"));
        assertThat(withoutWal(DATABASE.observe(replica)))
                .isEqualTo(Observation.Observed.writable());
        assertThat(count(replica)).as("every row the primary acknowledged").isEqualTo(acknowledged);
        sql(replica, "INSERT INTO orders (note) VALUES ('after the promotion')");
        assertThat(count(replica)).isEqualTo(acknowledged + 1);
        assertThat(((Observation.Observed) DATABASE.observe(replica)).wal().nextXid()).as("after one write")
                .isGreaterThan(before);
        assertThat(DATABASE.promote(replica, Database.Move.UNPLANNED)).as("promoting again").isInstanceOfSatisfying(
                WriteOutcome.Requested.class,
                r -> assertThat(r.details()).contains("not a replica"));
    }

    /** The way back of a planned move (ADR 0020): the fenced old primary takes writes again. */
    @Test
    @Order(7)
    void anUnfencedOldPrimaryTakesWritesAgain() throws SQLException {
        assertThat(withoutWal(DATABASE.observe(primary))).isEqualTo(FENCED_AND_CLOSED);
        assertThat(DATABASE.unfence(primary)).isInstanceOfSatisfying(WriteOutcome.Requested.class,
                r -> assertThat(r.details()).contains("unfenced"));
        assertThat(withoutWal(DATABASE.observe(primary)))
                .isEqualTo(Observation.Observed.writable());
        // its synchronous standby was promoted: a commit that waited for it would wait until it is rebuilt as a replica
        try (Connection connection = connect(primary); Statement statement = connection.createStatement()) {
            statement.execute("SET synchronous_commit TO local");
            statement.execute("INSERT INTO orders (note) VALUES ('after the way back')");
        }
        assertThat(DATABASE.unfence(primary)).as("unfencing again").isInstanceOf(WriteOutcome.Requested.class);
    }

    @Test
    @Order(8)
    void aStoppedNodeIsUnavailableAndAWrongDatabaseOrRoleIsRejected() {
        pair.primary().stop(); // SIGINT by PID: a fast shutdown
        assertThat(DATABASE.observe(primary)).isInstanceOfSatisfying(Observation.Unavailable.class,
                u -> assertThat(u.reason()).contains(pair.primary().jdbcUrl()).contains("SQLSTATE 08"));
        assertThat(DATABASE.fence(primary)).isInstanceOf(WriteOutcome.Unavailable.class);
        assertThat(DATABASE.unfence(primary)).isInstanceOf(WriteOutcome.Unavailable.class);
        assertThat(DATABASE
                .observe(new PostgresRef(pair.replica().jdbcUrl().replace("/app", "/nothing"), PostgresPair.USER,
                        null)))
                .as("the application's database").isInstanceOfSatisfying(Observation.Rejected.class,
                        r -> assertThat(r.reason()).contains("database \"nothing\" does not exist"));
        try (PostgresDatabase elsewhere = new PostgresDatabase(Duration.ofSeconds(2), "disable", null, "maintenance")) {
            assertThat(elsewhere.observe(replica)).as("the maintenance database")
                    .isInstanceOfSatisfying(Observation.Rejected.class, r -> assertThat(r.reason()).contains("3D000"));
        }
        assertThat(DATABASE.observe(new PostgresRef(pair.replica().jdbcUrl(), "nobody", "secret")))
                .isInstanceOfSatisfying(Observation.Rejected.class, r -> assertThat(r.reason()).contains("28000")
                        .doesNotContain("secret"));
    }

    static void write(int rows) throws SQLException {
        try (Connection connection = connect(primary); Statement statement = connection.createStatement()) {
            for (int i = 0; i < rows; i++) {
                statement.execute("INSERT INTO orders (note) VALUES ('row " + (acknowledged + 1) + "')");
                acknowledged++; // autocommit: acknowledged once execute returns
            }
        }
    }

    static int count(PostgresRef ref) throws SQLException {
        try (Connection connection = connect(ref); Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT count(*) FROM orders")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Client sessions on the server other than {@code own} and the actuator's own (its observations'). */
    static int othersThanTheActuators(Connection own) throws SQLException {
        try (Statement statement = own.createStatement(); var rows = statement.executeQuery("SELECT count(*) FROM"
                + " pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                + " AND application_name <> 'failover-actuator'")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    static String query(PostgresRef ref, String sql) throws SQLException {
        try (Connection connection = connect(ref); Statement statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    static void sql(PostgresRef ref, String sql) throws SQLException {
        try (Connection connection = connect(ref); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static Connection connect(PostgresRef ref) throws SQLException {
        return DriverManager.getConnection(ref.jdbcUrl() + "?connectTimeout=2&socketTimeout=5", ref.user(), "");
    }

    /** The observation without its WAL positions (they move with every write; tested on their own). */
    static Observation withoutWal(Observation observation) {
        return observation instanceof Observation.Observed o ? new Observation.Observed(o.role(), o.unreplayedBytes(),
                o.lagSeconds(), o.replayPaused(), null, null, o.closed()) : observation;
    }
}
