package dev.failover.actuator.domain.reconcile;

import static dev.failover.actuator.domain.reconcile.DataLossBudgetTest.connect;
import static dev.failover.actuator.domain.reconcile.DataLossBudgetTest.count;
import static dev.failover.actuator.domain.reconcile.DataLossBudgetTest.isReplica;
import static dev.failover.actuator.domain.reconcile.DataLossBudgetTest.sql;
import static dev.failover.actuator.domain.reconcile.DataLossBudgetTest.write;
import static dev.failover.actuator.domain.reconcile.GroupReconcilerTest.T0;
import static dev.failover.actuator.domain.reconcile.GroupReconcilerTest.decision;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.database.PostgresDatabase;
import dev.failover.actuator.database.PostgresOnly;
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
import dev.failover.testkit.db.PostgresPair.Replication;

/**
 * What a promotion may lose, against real PostgreSQL (ADR 0020, "Loss exposure"): the reconciler with the PostgreSQL
 * backend, a primary and an asynchronous replica as separate processes, faults caused for real (the replica's WAL
 * receiver frozen by SIGSTOP, the primary crashed by SIGQUIT, a login refused the fence by the server's own
 * privileges). Each test counts the rows the primary acknowledged and the rows the promoted node has.
 */
class DataLossExposureTest {

    final ManualClock clock = new ManualClock(T0);
    final List<ActuationResult> results = new ArrayList<>();
    final ReconcileSettings settings = new ReconcileSettings(Duration.ofSeconds(30), Duration.ofMillis(200),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ZERO, () -> 0.0),
            Duration.ofSeconds(60),
            Duration.ofMinutes(5));
    final GroupReconcilerTest.ScriptedDns dns = new GroupReconcilerTest.ScriptedDns(Routing.SINGLE);

    /**
     * A replica whose receiver stopped receiving replays all it has and reports no lag, while the primary acknowledges
     * commits it never receives. At a budget of 0 ("no loss") it must not be promoted.
     */
    @Test
    void aReplicaThatStoppedReceivingIsNotPromotedAtABudgetOfZero() throws Exception {
        try (PostgresPair pair = PostgresPair.start(Replication.ASYNC, 1)) {
            GroupReconciler group = group(pair, 0, Map.of());
            sql(pair.primary().jdbcUrl(), "CREATE TABLE orders (id serial PRIMARY KEY, note text NOT NULL)");
            write(pair, 20);
            watchBeforeTheFailure(group, pair);

            pair.replica().signalWalReceiver("STOP"); // the replication link is cut: the primary keeps acknowledging
            // more WAL than the socket buffers between them hold, so that the receiver, let go on after the crash,
            // cannot find it all there
            writeMuch(pair, 40, 1000);
            int acknowledged = count(pair.primary().jdbcUrl());
            pair.primary().crash();
            pair.replica().signalWalReceiver("CONT");

            group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
            passes(group, 20);
            assertThat(isReplica(pair.replica().jdbcUrl()))
                    .as("not promoted: it lacks commits the primary acknowledged")
                    .isTrue();
            assertThat(dns.successfulWrites).as("DNS not switched").isZero();
            assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class,
                    c -> assertThat(
                            c.lastError()).contains("held by the data-loss budget")
                            .contains("safety.maxDataLossSeconds 0")
                            .as("measured: covered up to a sample of the primary taken before the cut")
                            .contains("may be missing")
                            .contains(
                                    "a budget of 0 needs secondary's replica to be the synchronous standby of the primary"));

            // an operator who accepts the loss forces it: promoted, and the loss is real
            group.offer(decision(2, DecisionKind.FORCE, "primary", "secondary"));
            until(group, () -> group.status().convergence() instanceof Convergence.Converged);
            assertThat(isReplica(pair.replica().jdbcUrl())).isFalse();
            assertThat(count(pair.replica().jdbcUrl())).as("what the cut cost").isLessThan(acknowledged);
        }
    }

    /**
     * An unplanned failover whose old primary answers, takes writes and refuses the fence (here PostgreSQL itself
     * refuses it: the login of that node may read but not ALTER SYSTEM) must not promote: that would make two writable
     * primaries. An operator's force may.
     */
    @Test
    void anOldPrimaryThatRefusesTheFenceStopsAnUnplannedPromotion() throws Exception {
        try (PostgresPair pair = PostgresPair.start(Replication.SYNC, 1)) {
            sql(pair.primary().jdbcUrl(), "CREATE ROLE watcher LOGIN IN ROLE pg_monitor");
            GroupReconciler group = group(pair, 5, Map.of("app-east", new Databases.Login("watcher", null)));
            watchBeforeTheFailure(group, pair);

            group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
            passes(group, 10);
            assertThat(isReplica(pair.replica().jdbcUrl())).as("not promoted beside a writable primary").isTrue();
            assertThat(isReplica(pair.primary().jdbcUrl())).isFalse();
            assertThat(dns.successfulWrites).isZero();
            assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> assertThat(
                    b.reason()).contains("could not be fenced").contains("force"));

            group.offer(decision(2, DecisionKind.FORCE, "primary", "secondary"));
            until(group, () -> group.status().convergence() instanceof Convergence.Converged);
            assertThat(isReplica(pair.replica().jdbcUrl())).as("an operator's force promotes all the same").isFalse();
        }
    }

    /**
     * A planned move loses nothing. The replica's receiver is frozen, so it reports no lag (it has applied all it
     * received) while the primary acknowledges more; the move fences the primary and must then wait until the replica
     * has received everything the fenced primary wrote.
     */
    @Test
    void aPlannedMoveWaitsUntilTheReplicaHasEverythingTheFencedPrimaryWrote() throws Exception {
        try (PostgresPair pair = PostgresPair.start(Replication.ASYNC, 1)) {
            GroupReconciler group = group(pair, 0, Map.of());
            sql(pair.primary().jdbcUrl(), "CREATE TABLE orders (id serial PRIMARY KEY, note text NOT NULL)");
            watchBeforeTheFailure(group, pair);
            pair.replica().signalWalReceiver("STOP");
            write(pair, 200);
            int acknowledged = count(pair.primary().jdbcUrl());

            group.offer(decision(1, DecisionKind.SWITCHOVER, "primary", "secondary"));
            passes(group, 30);
            assertThat(isReplica(pair.replica().jdbcUrl())).as("not promoted while it lacks what the primary wrote")
                    .isTrue();
            assertThat(dns.successfulWrites).as("only the TTL step, no switch").isLessThanOrEqualTo(1);

            pair.replica().signalWalReceiver("CONT");
            until(group, () -> group.status().convergence() instanceof Convergence.Converged
                    && dns.served().sets().get(0).values().contains("192.0.2.2"));
            assertThat(isReplica(pair.replica().jdbcUrl())).isFalse();
            assertThat(count(pair.replica().jdbcUrl())).as("every row the primary acknowledged")
                    .isEqualTo(acknowledged);
        }
    }

    /**
     * Lineage: three regions, a primary and two asynchronous replicas of it. The first failover promotes the secondary;
     * the tertiary's replica still follows the first primary (its timeline 1), which is gone, while the new primary
     * writes timeline 2. When the secondary fails too, promoting the tertiary would lose every write since the first
     * failover, however recently it had received the first primary's WAL: the second failover is held, and says which
     * node to re-point it at.
     */
    @Test
    void aSecondFailoverToAReplicaThatStillFollowsTheFirstPrimaryIsHeldNamingWhatToRepoint() throws Exception {
        try (PostgresPair pair = PostgresPair.start(Replication.ASYNC, 2)) {
            Databases databases = PostgresOnly
                    .databases(new PostgresDatabase(Duration.ofSeconds(2), "disable", null, "postgres"), Map.of(
                            "app-east", new Databases.Login(PostgresPair.USER, null), "app-west", new Databases.Login(
                                    PostgresPair.USER, null)));
            GroupReconciler group = Reconcilers.group("api", DatabaseStepTest.three(pair.primary().jdbcUrl(),
                    pair.replica().jdbcUrl(), pair.replicas().get(1).jdbcUrl(), 30), dns,
                    TrafficPlans.of(Routing.SINGLE, 100, List.of()), Reconcilers.minimal(Scalers.none(), databases,
                            s -> {
                            }, results::add, clock, settings));
            sql(pair.primary().jdbcUrl(), "CREATE TABLE orders (id serial PRIMARY KEY, note text NOT NULL)");
            write(pair, 20);
            watchBeforeTheFailure(group, pair);

            pair.primary().crash();
            group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
            until(group, () -> group.status().convergence() instanceof Convergence.Converged);
            assertThat(isReplica(pair.replica().jdbcUrl())).as("the first failover promoted the secondary").isFalse();
            sql(pair.replica().jdbcUrl(), "INSERT INTO orders (note) SELECT 'after the first failover' FROM"
                    + " generate_series(1, 100)");
            passes(group, 4); // the new primary watched: it writes timeline 2

            pair.replica().crash(); // the second region's database fails too
            group.offer(decision(2, DecisionKind.FAILOVER, "secondary", "tertiary"));
            passes(group, 20);

            assertThat(isReplica(pair.replicas().get(1).jdbcUrl())).as("not promoted: it lacks everything since the"
                    + " first failover; " + database()).isTrue();
            assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class,
                    c -> assertThat(
                            c.lastError()).contains("held by the data-loss budget").contains("unknown")
                            .contains("Re-point it at secondary's node"));
        }
    }

    GroupReconciler group(PostgresPair pair, int budget, Map<String, Databases.Login> logins) {
        Map<String, Databases.Login> all = new java.util.HashMap<>(Map.of("app-east", new Databases.Login(
                PostgresPair.USER, null), "app-west", new Databases.Login(PostgresPair.USER, null)));
        all.putAll(logins);
        Databases databases = PostgresOnly
                .databases(new PostgresDatabase(Duration.ofSeconds(2), "disable", null, "postgres"), all);
        return Reconcilers.group("api", DatabaseStepTest.topology(pair.primary().jdbcUrl(), pair.replica().jdbcUrl(),
                budget), dns, TrafficPlans.of(Routing.SINGLE, 100, List.of()),
                Reconcilers.minimal(Scalers.none(),
                        databases, s -> {
                        }, results::add, clock, settings));
    }

    /** The initial state served and its nodes watched, a few times, as a running actuator does before any failure. */
    void watchBeforeTheFailure(GroupReconciler group, PostgresPair pair) throws InterruptedException {
        for (int pass = 0; pass < 4; pass++) {
            group.run();
            clock.advance(Duration.ofMillis(500));
            Thread.sleep(50);
        }
    }

    /** Passes as the loop runs them, the manual clock moved by what each asks (a second at most), in real time too. */
    void passes(GroupReconciler group, int count) throws InterruptedException {
        for (int pass = 0; pass < count; pass++) {
            Duration wait = group.run();
            clock.advance(wait.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : wait);
            Thread.sleep(20);
        }
    }

    void until(GroupReconciler group, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within 30 s; the group: " + group.status() + "; results: " + database())
                    .isLessThan(deadline);
            passes(group, 1);
        }
    }

    List<String> database() {
        return results.stream().filter(r -> r.step() == ActuationStep.DATABASE || r.step() == ActuationStep.RECONCILE)
                .map(r -> r.status() + " " + r.details()).toList();
    }

    /** {@code commits} commits of {@code rows} rows each, with random payloads (about 300 bytes of WAL a row). */
    static void writeMuch(PostgresPair pair, int commits, int rows) throws SQLException {
        try (Connection connection = connect(pair.primary().jdbcUrl());
                Statement statement = connection.createStatement()) {
            for (int i = 0; i < commits; i++) {
                statement.execute("INSERT INTO orders (note) SELECT md5(random()::text) || md5(random()::text)"
                        + " || md5(random()::text) || md5(random()::text) FROM generate_series(1, " + rows + ")");
            }
        }
    }
}
