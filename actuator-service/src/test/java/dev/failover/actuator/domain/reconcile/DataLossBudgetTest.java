package dev.failover.actuator.domain.reconcile;

import static dev.failover.actuator.domain.reconcile.GroupReconcilerTest.T0;
import static dev.failover.actuator.domain.reconcile.GroupReconcilerTest.decision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.database.PostgresDatabase;
import dev.failover.actuator.database.PostgresOnly;
import dev.failover.actuator.database.PostgresRef;
import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.testkit.db.PostgresPair;

/**
 * The data-loss budget measures what is lost, not what waits to be applied (ADR 0020, "Loss exposure"): a synchronous
 * replica whose replay is paused ({@code pg_wal_replay_pause()}) while the primary keeps taking writes has received
 * every commit the primary acknowledged, so promoting it loses nothing however old its latest applied change is (the
 * promotion applies the rest first). While the budget was held against the replay lag, this failover was held as
 * "lagging" at any budget below the replay's age: a hold that protected nothing. The primary crashes (SIGQUIT by PID);
 * the failover is promoted at a budget of 2 s, DNS moves, and every row the primary acknowledged is on the promoted
 * node. What a replica that did not receive loses is DataLossExposureTest's.
 */
class DataLossBudgetTest {

    final ManualClock clock = new ManualClock(T0);
    final List<ActuationResult> results = new ArrayList<>();
    final ReconcileSettings settings = new ReconcileSettings(Duration.ofSeconds(30), Duration.ofMillis(200),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ZERO, () -> 0.0),
            Duration.ofSeconds(60),
            Duration.ofMinutes(5));
    final GroupReconcilerTest.ScriptedDns dns = new GroupReconcilerTest.ScriptedDns(Routing.SINGLE);

    @Test
    void aSynchronousReplicaWhoseReplayIsPausedIsPromotedAndLosesNothing() throws Exception {
        try (PostgresPair pair = PostgresPair.start()) {
            sql(pair.primary().jdbcUrl(), "CREATE TABLE orders (id serial PRIMARY KEY, note text NOT NULL)");
            Databases databases = PostgresOnly
                    .databases(new PostgresDatabase(Duration.ofSeconds(2), "disable", null, "postgres"),
                            Map.of("app-east",
                                    new Databases.Login(PostgresPair.USER, null), "app-west",
                                    new Databases.Login(PostgresPair.USER, null)));
            GroupReconciler group = Reconcilers.group("api", DatabaseStepTest.topology(pair.primary().jdbcUrl(),
                    pair.replica().jdbcUrl(), 2), dns, TrafficPlans.of(Routing.SINGLE, 100, List.of()),
                    Reconcilers.minimal(Scalers.none(), databases, s -> {
                    }, results::add, clock, settings));
            for (int pass = 0; pass < 6; pass++) { // the initial state served and its nodes watched, before the failure
                clock.advance(Duration.ofMillis(500));
                group.run();
            }
            assertThat(group.status().dataTier().nodes().get("primary")).as("the primary watched before the failure: "
                    + group.status()).isNotNull().satisfies(n -> assertThat(n.writable()).isTrue());

            write(pair, 20);
            sql(pair.replica().jdbcUrl(), "SELECT pg_wal_replay_pause()");
            // the replica receives (synchronously) and does not apply: its latest applied change ages while writes go on
            await("the replica's latest applied change older than the budget of 2 s").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        write(pair, 1);
                        return new PostgresDatabase(Duration.ofSeconds(2), "disable", null, "postgres")
                                .observe(new PostgresRef(pair.replica().jdbcUrl(),
                                        PostgresPair.USER, null)) instanceof Database.Observation.Observed o
                                && o.lagSeconds() > 3.0;
                    });
            int acknowledged = count(pair.primary().jdbcUrl());
            pair.primary().crash(); // SIGQUIT by PID: the primary region's database is gone

            group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
            // the promotion takes real time: a pass every 200 ms of it until the group is served
            await("the failover served").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        clock.advance(group.run());
                        return group.status().convergence() instanceof Convergence.Converged;
                    });
            assertThat(isReplica(pair.replica().jdbcUrl())).as("promoted within the budget").isFalse();
            assertThat(dns.served().sets().get(0).values()).containsExactly("192.0.2.2");
            assertThat(database()).noneSatisfy(d -> assertThat(d).startsWith("FAILED held:"));
            assertThat(database()).anySatisfy(d -> assertThat(d).startsWith("SUCCEEDED promotion of")
                    .contains("FAILOVER, replica lag").contains("replay paused")
                    .contains("nothing acknowledged is missing: replica was the only synchronous standby of primary"));
            assertThat(count(pair.replica().jdbcUrl())).as("every row the primary acknowledged")
                    .isEqualTo(acknowledged);
            assertThat(group.status().dataTier().heldSince()).isNull();
            assertThat(group.status().dataTier().lastPromotion()).isNotNull();
        }
    }

    List<String> database() {
        return results.stream().filter(r -> r.step() == ActuationStep.DATABASE).map(r -> r.status() + " " + r.details())
                .toList();
    }

    /** {@code rows} commits of a row each, on one connection to the primary. */
    static void write(PostgresPair pair, int rows) throws SQLException {
        try (Connection connection = connect(pair.primary().jdbcUrl());
                Statement statement = connection.createStatement()) {
            for (int i = 0; i < rows; i++) {
                statement.execute("INSERT INTO orders (note) VALUES ('row')");
            }
        }
    }

    static boolean isReplica(String url) throws SQLException {
        return query(url, "SELECT pg_is_in_recovery()").equals("t");
    }

    static int count(String url) throws SQLException {
        return Integer.parseInt(query(url, "SELECT count(*) FROM orders"));
    }

    static String query(String url, String sql) throws SQLException {
        try (Connection connection = connect(url); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    static void sql(String url, String sql) throws SQLException {
        try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url + "?connectTimeout=2&socketTimeout=5", PostgresPair.USER, "");
    }
}
