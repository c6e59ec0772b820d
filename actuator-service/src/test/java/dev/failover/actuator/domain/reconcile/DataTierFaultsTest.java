package dev.failover.actuator.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.database.PostgresDatabase;
import dev.failover.actuator.database.PostgresOnly;
import dev.failover.actuator.database.PostgresRef;
import dev.failover.actuator.dns.DnsProvider.ReadOutcome;
import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.domain.data.DataTier;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.db.PostgresPair;
import dev.failover.testkit.db.PostgresPair.Replication;
import dev.failover.testkit.db.Seeds;
import dev.failover.testkit.db.WritingClient;
import dev.failover.testkit.net.PathCut;

/**
 * The data tier's invariants checked over seeded, randomized fault schedules against real PostgreSQL (ADR 0020, "Loss
 * exposure"), as Jepsen checks a replicated database: a client writes without pause where DNS points and records every
 * commit acknowledged, with its time; a nemesis drawn from the seed cuts the replication link (SIGSTOP of the replica's
 * WAL receiver by PID) for a while or for good, pauses replay, crashes the primary (SIGQUIT by PID) or leaves it
 * running while its application fails (the link, if cut, may come back after the failure), cuts the plane's own path to
 * that running old primary (nftables drops 127.0.0.2, while its region's client keeps committing by 127.0.0.1) for a
 * while or for good, refuses the fence (the old primary's login may read but not ALTER SYSTEM), plans the move or not,
 * has an operator force it; the reconciler (the actuator's core, with the real PostgreSQL backend and the real clock)
 * drives the move on its own thread; a monitor reads every node's role every 50 ms. The checker then states:
 * <ul>
 * <li><b>I1</b> every acknowledged commit is on the promoted primary, except commits acknowledged inside the loss window
 * the promotion recorded (the exposure it measured, {@link DataTier.Promotion}); with exposure None, none is missing;
 * none acknowledged after the promotion is missing (it went to another node);</li>
 * <li><b>I2</b> never two nodes accepting writes at once, except after an operator's force past a refused fence;</li>
 * <li><b>I3</b> a group that says it is served has DNS on a writable node;</li>
 * <li><b>I4</b> a move refused (a fence refused without a force) is visible as BLOCKED with its reason; a switch
 * refused after the promotion (the nemesis refuses every DNS write from the promotion on) is said: a planned move's
 * way back taken (then every acknowledged commit is on the old primary, and DNS on it writable), or the switch retried
 * saying why;</li>
 * <li><b>I5</b> a crashed old primary that starts again, never fenced (as the primary it was, on its old timeline), is
 * fenced and never given the traffic back, even when a failback to it is decided as it returns (the move is BLOCKED,
 * naming it a former primary or fenced). Started through the shipped start-up guard
 * (deploy/postgres/failover-start-guard, answered by {@link StartCheck} from the group's status), it takes no write from
 * its first connection; started without it (the guard not installed), how long it took writes beside the new primary
 * before the actuator fenced it is measured, not counted under I2.</li>
 * <li><b>I6</b> an old primary cut off from the plane while its client writes is never promoted beside without an
 * operator's force (the group's default, {@code unreachablePrimary: hold}, and no fence agent), and the hold is said;
 * a force beside it is the one exception to I1's "nothing acknowledged after the promotion missing" and to I2, as it
 * names that risk (ADR 0020, "A promotion beside an unreachable old primary").</li>
 * <li><b>I7</b> the promoted primary upgraded by an operator with the real pg_upgrade once the move is served (a new
 * cluster: timeline 1, a new system identifier) is not taken for a former primary: never fenced, still served (ADR
 * 0020, timelines compared within one system identifier).</li>
 * <li><b>I8</b> a planned move that nothing refuses (its fence, its switch) and whose replica can catch up completes:
 * served on the replica's node. The client asks for read-write transactions explicitly in some schedules, which
 * default_transaction_read_only does not stop (ADR 0020, "A fence no client passes").</li>
 * </ul>
 * The suite runs a fixed set of seeds; {@code -Ddatatier.seeds=1-200} runs a soak (docs/benchmarks.md). A failing seed
 * prints its schedule: run it alone with {@code -Ddatatier.seeds=N}.
 */
class DataTierFaultsTest {

    /**
     * The seeds the suite runs (ten, 5-31 s each: about 140 s of a fresh clone's suite): a cut link and a crash at a
     * budget of 0 (held), an answering old primary that refuses the fence (blocked), a crash promoted within its
     * budget's window (I1 on real losses), a planned move forced past a refused fence (two writers, allowed), a planned
     * move whose switch is refused after the promotion (the way back taken), an old primary cut off from the plane
     * while its client writes, the partition healing (then fenced and promoted, nothing lost) or not (held, saying
     * why), and a crashed old primary back (fenced) while the promoted one is upgraded by pg_upgrade (not fenced: I7),
     * and two planned moves whose client asks for read-write explicitly (completed, nothing lost: I1, I2, I8).
     */
    static final String SUITE_SEEDS = "1,7,13,14,17,19,25,30,74,81";

    static Stream<Long> seeds() {
        return Seeds.from("datatier.seeds", SUITE_SEEDS);
    }

    /** How the primary's side fails. */
    enum Failure {
        /** The primary's server crashes (SIGQUIT): an unplanned failover, the old primary answers nothing. */
        CRASH,
        /** The primary's application fails, its database keeps running: an unplanned failover, the old primary answers. */
        APP,
        /** A planned switchover: the old primary answers. */
        PLANNED
    }

    /** One fault schedule, drawn from its seed. */
    record Schedule(long seed, Replication replication, int budget, Failure failure, boolean cut, long cutMillis,
            boolean cutHeals, boolean pauseReplay, boolean refuseFence, boolean force, boolean returns,
            boolean failback,
            boolean guarded, boolean refuseSwitch, boolean strayWrite, boolean partition, boolean partitionHeals,
            long partitionMillis, boolean upgrade, boolean readWrite) {

        static Schedule draw(long seed) {
            Random random = new Random(seed);
            Replication replication = random.nextInt(3) == 0 ? Replication.SYNC : Replication.ASYNC;
            int budget = random.nextBoolean() ? 0 : 2 + random.nextInt(4);
            Failure failure = Failure.values()[random.nextInt(Failure.values().length)];
            boolean cut = random.nextInt(2) == 0;
            long cutMillis = 200 + random.nextInt(2_500);
            boolean cutHeals = random.nextBoolean();
            boolean pauseReplay = random.nextInt(4) == 0;
            boolean refuseFence = failure != Failure.CRASH && random.nextInt(3) == 0;
            boolean force = random.nextInt(3) == 0;
            // drawn last, so that the draws above stay what they were for every seed
            boolean returns = failure == Failure.CRASH && random.nextBoolean();
            boolean failback = returns && random.nextBoolean();
            boolean guarded = returns && random.nextBoolean();
            boolean refuseSwitch = random.nextInt(3) == 0;
            boolean strayWrite = refuseSwitch && random.nextBoolean();
            // the plane's path to an old primary whose application failed cut while its region's client keeps writing
            // to it (ADR 0020, "A promotion beside an unreachable old primary"); the replica's link cut with it where
            // {@code cut} was drawn and does not heal
            boolean partition = failure == Failure.APP && random.nextBoolean();
            boolean partitionHeals = partition && random.nextBoolean();
            long partitionMillis = 1_000 + random.nextInt(3_000);
            // drawn last, for the same reason: the promoted primary upgraded by pg_upgrade once the move is served (a new
            // cluster on timeline 1, a new system identifier), as an operator upgrades after a failover
            boolean upgrade = random.nextInt(3) == 0;
            // drawn last, for the same reason: the client asks for read-write transactions explicitly, which
            // default_transaction_read_only does not stop (ADR 0020, "A fence no client passes"). Not beside the
            // start-up guard, which starts a returning old primary with that setting alone (the ADR's limits)
            boolean readWrite = random.nextInt(3) == 0 && !guarded;
            return new Schedule(seed, replication, budget, failure, cut, cutMillis, cutHeals, pauseReplay, refuseFence,
                    force, returns, failback, guarded, refuseSwitch, strayWrite, partition, partitionHeals,
                    partitionMillis, upgrade, readWrite);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theInvariantsHoldUnderTheSchedule(long seed) throws Exception {
        Schedule schedule = Schedule.draw(seed);
        Outcome outcome = run(schedule);
        List<String> violations = check(schedule, outcome);
        System.out.println(outcome.summary(schedule, violations)); // one line a schedule: the soak's figures
        assertThat(violations).as("seed " + seed + ": " + schedule + "\n" + outcome.describe()).isEmpty();
    }

    /** What a schedule's run left for the checker. */
    record Outcome(Map<Long, Instant> acknowledged, Set<Long> onNewPrimary, Set<Long> onOldPrimary, boolean promoted,
            boolean forced, DataTier.Promotion promotion, List<String> twoWritable, GroupStatus status,
            String dnsServes,
            boolean dnsNodeWritable, List<String> results, Instant returnedAt, Duration returnedWritable,
            boolean writableAtReturn, boolean oldPrimaryWritableAtEnd, boolean switchRefused,
            DesiredState.Promotion wayBack, boolean strayAcknowledged, boolean forcedBesidePartitioned,
            Upgraded upgraded) {

        /** Whether the way back was taken: the promoted node abandoned, the old primary the group's again. */
        boolean takenBack() {
            return wayBack != null && wayBack.phase() == DesiredState.Phase.TAKEN_BACK;
        }

        /**
         * One line for the soak's figures: the schedule, whether it was promoted, the exposure it recorded against the
         * budget, and how many acknowledged commits the promoted node lacks.
         */
        String summary(Schedule schedule, List<String> violations) {
            // against the node the group kept: the old primary after the way back, else the promoted one
            long lost = takenBack() ? acknowledged.keySet().stream().filter(id -> !onOldPrimary.contains(id)).count()
                    : promoted ? acknowledged.keySet().stream().filter(id -> !onNewPrimary.contains(id)).count() : 0;
            String exposure = promotion == null ? "-" : promotion.exposure() == null ? "forced-unmeasured"
                    : promotion.exposure() instanceof LossExposure.Window w ? String.format(java.util.Locale.ROOT,
                            "window=%.3fs", w.window().toMillis() / 1000.0)
                            : promotion.exposure().getClass().getSimpleName();
            return String.format(java.util.Locale.ROOT, "SCHEDULE seed=%d %s budget=%d %s cut=%s heals=%s pause=%s"
                    + " refuse=%s force=%s returns=%s failback=%s guarded=%s refuseSwitch=%s stray=%s partition=%s"
                    + " partitionHeals=%s upgrade=%s readWrite=%s | forced=%s promoted=%s"
                    + " exposure=%s switchRefused=%s wayBack=%s strayAcknowledged=%s acknowledged=%d lost=%d twoWritable=%d returnedWritableMs=%s status=%s"
                    + " violations=%d", schedule.seed(),
                    schedule.replication(), schedule.budget(), schedule.failure(), schedule.cut(), schedule.cutHeals(),
                    schedule.pauseReplay(), schedule.refuseFence(), schedule.force(), schedule.returns(),
                    schedule.failback(),
                    schedule.guarded(), schedule.refuseSwitch(), schedule.strayWrite(), schedule.partition(),
                    schedule.partitionHeals(),
                    schedule.upgrade() ? (upgraded == null ? "not-served" : "upgraded") : "-",
                    schedule.readWrite(), forced, promoted, exposure,
                    switchRefused, wayBack == null ? "-" : wayBack.phase(), strayAcknowledged, acknowledged.size(),
                    lost, twoWritable.size(), returnedAt == null ? "-"
                            : Long.toString(returnedWritable.toMillis()),
                    status.convergence().getClass().getSimpleName(),
                    violations.size());
        }

        String describe() {
            return "acknowledged " + acknowledged.size() + ", on the promoted node "
                    + (promoted ? onNewPrimary.size() : "-")
                    + ", promotion " + promotion + ", two writable " + twoWritable + ", DNS serves " + dnsServes
                    + ", status " + status.convergence() + (returnedAt == null ? "" : ", the old primary returned at "
                            + returnedAt + ", writable beside the new one for " + returnedWritable.toMillis() + " ms")
                    + "\nresults:\n  " + String.join("\n  ", results);
        }
    }

    /**
     * The promoted primary upgraded by pg_upgrade (null when not drawn, or the move was not served): when it accepted
     * connections again, whether it takes writes at the end, and what the actuator last saw of it.
     */
    record Upgraded(Instant at, boolean writableAtEnd, String seen) {
    }

    static final String EAST_IP = "192.0.2.1";
    /** The plane's own path to the primary (its region's clients use 127.0.0.1): the one a partition cuts. */
    static final String PLANE_PATH = "127.0.0.2";
    static final String WEST_IP = "192.0.2.2";

    Outcome run(Schedule schedule) throws Exception {
        try (PostgresPair pair = PostgresPair.start(schedule.replication(), 1);
                PathCut planePath = new PathCut(PLANE_PATH, pair.primary().port())) {
            PostgresPair.Node primary = pair.primary();
            PostgresPair.Node replica = pair.replica();
            Map<String, Databases.Login> logins = new HashMap<>(
                    Map.of("app-east", new Databases.Login(PostgresPair.USER,
                            null), "app-west", new Databases.Login(PostgresPair.USER, null)));
            if (schedule.refuseFence()) {
                sql(primary.jdbcUrl(), "CREATE ROLE watcher LOGIN IN ROLE pg_monitor");
                logins.put("app-east", new Databases.Login("watcher", null));
            }
            GroupReconcilerTest.ScriptedDns dns = new GroupReconcilerTest.ScriptedDns(Routing.SINGLE);
            dns.store.write(new RecordWrite(GroupReconcilerTest.KEY, null, new OwnerMark("api", 0,
                    DesiredState.INITIAL_DECISION_ID), List.of(RecordSet.simple(1, Set.of(EAST_IP)))));
            List<String> results = new CopyOnWriteArrayList<>();
            // a TTL of 1 s, below the floor: a planned move switches at once instead of holding its lowered TTL for the
            // old one (30 s), longer than a schedule runs (the first soak's planned moves never reached the database)
            // the plane reaches the primary by a path of its own, which a partition cuts while the region's clients keep
            // theirs; a group whose faults include partitions holds beside an old primary it cannot reach (the default)
            String yaml = DatabaseStepTest
                    .topologyYaml(primary.jdbcUrl(PLANE_PATH), replica.jdbcUrl(), schedule.budget())
                    .replace("ttl: 30}", "ttl: 1}");
            Topology topology = TopologyLoader.parse(schedule.partition() ? DatabaseStepTest.holding(yaml) : yaml,
                    "nemesis");
            // the switch refused from the promotion on: the DNS write after it, in the same thread, finds it in force
            AtomicBoolean switchRefused = new AtomicBoolean();
            // and a client of the new region that writes to the promoted node directly, not through DNS (its application,
            // scaled up for the move): a row it is told committed must not be lost by a way back
            AtomicBoolean strayAcknowledged = new AtomicBoolean();
            Thread stray = new Thread(() -> {
                long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < until && !strayAcknowledged.get()) {
                    try {
                        sql(replica.jdbcUrl(), "INSERT INTO orders (id, at) VALUES (-1, now())");
                        strayAcknowledged.set(true);
                    } catch (SQLException e) {
                        sleep(10); // a replica still, or fenced: not acknowledged
                    }
                }
            }, "stray-" + schedule.seed());
            Database<PostgresRef> postgres = new RefusingFromThePromotion(
                    new PostgresDatabase(Duration.ofSeconds(1), "disable",
                            null, "postgres"),
                    () -> {
                        if (schedule.refuseSwitch() && !switchRefused.getAndSet(true)) {
                            dns.refuses = "REFUSED (the nemesis: the update policy changed after the preflight)";
                            if (schedule.strayWrite()) {
                                stray.start();
                            }
                        }
                    });
            GroupReconciler group = Reconcilers.group("api", topology, dns, TrafficPlans.of(Routing.SINGLE, 100,
                    List.of()),
                    Reconcilers.minimal(Scalers.none(), PostgresOnly.databases(postgres,
                            logins), s -> {
                            }, r -> results.add(r.step() + " " + r.status() + " " + r.details()), Clock.systemUTC(),
                            new ReconcileSettings(Duration.ofMillis(500), Duration.ofMillis(200),
                                    new Backoff(Duration
                                            .ofMillis(200), Duration.ofSeconds(1), Duration.ZERO, () -> 0.0),
                                    Duration.ZERO, null)));

            Map<String, String> urls = Map.of(EAST_IP, primary.jdbcUrl(), WEST_IP, replica.jdbcUrl());
            AtomicBoolean running = new AtomicBoolean(true);
            Thread driver = new Thread(() -> {
                while (running.get()) {
                    Duration wait = group.run();
                    sleep(Math.min(wait.toMillis(), 200));
                }
            }, "reconcile-" + schedule.seed());
            // the watch on its own thread, as the actuator's loop runs it (a second writer it finds asks for a pass)
            Thread watch = new Thread(() -> {
                while (running.get()) {
                    sleep(group.watchDataTier().map(w -> w.next().toMillis()).orElse(1_000L));
                }
            }, "watch-" + schedule.seed());
            List<String> twoWritable = new CopyOnWriteArrayList<>();
            AtomicReference<Instant> lastTwoWritable = new AtomicReference<>();
            // when the old primary was started again; two writers after it are measured (I5), not counted under I2
            AtomicReference<Instant> returned = new AtomicReference<>();
            AtomicBoolean writableAtReturn = new AtomicBoolean();
            AtomicReference<Instant> upgradedAt = new AtomicReference<>();
            Thread monitor = new Thread(() -> {
                while (running.get()) {
                    List<String> writable = new ArrayList<>();
                    for (PostgresPair.Node node : List.of(primary, replica)) {
                        if (writable(node.jdbcUrl(), schedule.readWrite())) {
                            writable.add(node.name());
                        }
                    }
                    if (writable.size() > 1) {
                        lastTwoWritable.set(Instant.now());
                        if (returned.get() == null && twoWritable.size() < 5) {
                            twoWritable.add(Instant.now() + " " + writable);
                        }
                    }
                    sleep(50);
                }
            }, "monitor-" + schedule.seed());
            sql(primary.jdbcUrl(),
                    "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, at timestamptz NOT NULL)");
            WritingClient writer = new WritingClient(() -> urls.get(served(dns)), PostgresPair.USER);
            if (schedule.readWrite()) {
                writer.askingForReadWrite();
            }
            writer.start();
            driver.start();
            watch.start();
            monitor.start();
            boolean receiverStopped = false;
            AtomicBoolean forced = new AtomicBoolean();
            AtomicBoolean forcedBesidePartitioned = new AtomicBoolean();
            try {
                // the actuator watches the pair while it serves: until it has seen the primary take writes and knows
                // what the replica would lose (observable state, not a fixed wait)
                org.awaitility.Awaitility.await("the pair watched").atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(50)).until(() -> {
                            DataTier seen = group.status().dataTier();
                            return seen.nodes().containsKey("primary") && seen.nodes().get("primary").writable()
                                    && seen.exposures().containsKey("secondary");
                        });
                if (schedule.cut()) {
                    replica.signalWalReceiver("STOP");
                    receiverStopped = true;
                    sleep(schedule.cutMillis());
                }
                if (schedule.pauseReplay()) {
                    sql(replica.jdbcUrl(), "SELECT pg_wal_replay_pause()");
                }
                if (schedule.failure() == Failure.CRASH) {
                    primary.crash();
                }
                if (schedule.partition()) {
                    planePath.drop();
                }
                long decided = System.nanoTime();
                group.offer(decision(1, schedule.failure() == Failure.PLANNED ? DecisionKind.SWITCHOVER
                        : DecisionKind.FAILOVER));
                // the link comes back after the failure; a crashed primary's link is let go on in any case (a frozen WAL
                // receiver would hold a promotion for ever, which a real cut does not: the receiver would be ended)
                if (receiverStopped && (schedule.cutHeals() || schedule.failure() == Failure.CRASH)) {
                    sleep(500);
                    replica.signalWalReceiver("CONT");
                    receiverStopped = false;
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
                while (System.nanoTime() < deadline && !(group.status().convergence() instanceof Convergence.Converged
                        && WEST_IP.equals(served(dns))) && !(group.status().convergence() instanceof Convergence.Blocked
                                && (!schedule.force() || forced.get()))) {
                    sleep(100);
                    if (schedule.partitionHeals() && planePath.isCut()
                            && System.nanoTime() - decided > Duration.ofMillis(schedule.partitionMillis()).toNanos()) {
                        planePath.heal();
                    }
                    if (schedule.force() && !forced.get()
                            && System.nanoTime() > deadline - Duration.ofSeconds(4).toNanos()) {
                        forcedBesidePartitioned.set(planePath.isCut());
                        group.offer(decision(2, DecisionKind.FORCE));
                        forced.set(true);
                    }
                }
                sleep(300); // the writer's writes to the new primary, after the switch
                if (schedule.returns() && group.status().convergence() instanceof Convergence.Converged
                        && WEST_IP.equals(served(dns))) {
                    // the crashed old primary's server starts again as the primary it was, never fenced; a failback
                    // decided as it returns (its application is healthy again) must not give it the traffic
                    if (schedule.guarded()) { // the shipped start-up guard, answered as the actuator's endpoint would
                        StartGuard.run(primary, "primary", StartCheck.judge(group.status(), "primary").orElseThrow());
                    }
                    returned.set(Instant.now());
                    primary.start();
                    writableAtReturn.set(writable(primary.jdbcUrl(), schedule.readWrite()));
                    if (schedule.failback()) {
                        group.offer(new Decision(1, "d-3", "api", 3L, DecisionKind.FAILBACK, "secondary", "primary",
                                "nemesis", List.of(), Instant.now(), DecisionMode.LIVE, "automation"));
                    }
                    // until the actuator has dealt with it (fenced, or read-only from its start; a failback refused);
                    // a schedule where it does not is for the checker to name, not a failure of this wait
                    try {
                        org.awaitility.Awaitility.await("the returned old primary dealt with")
                                .atMost(Duration.ofSeconds(8))
                                .pollInterval(Duration.ofMillis(50))
                                .until(() -> !writable(primary.jdbcUrl(), schedule.readWrite())
                                        && (!schedule.failback()
                                                || group.status().convergence() instanceof Convergence.Blocked));
                    } catch (org.awaitility.core.ConditionTimeoutException e) {
                        // I5 says what is wrong
                    }
                }
                if (schedule.upgrade() && group.status().convergence() instanceof Convergence.Converged
                        && WEST_IP.equals(served(dns)) && !isReplica(replica.jdbcUrl())) {
                    // the operator upgrades the promoted primary: stopped, pg_upgrade, started again as a new cluster
                    replica.upgrade();
                    upgradedAt.set(Instant.now());
                    int atUpgrade = writer.acknowledgedCount();
                    // until the actuator has seen the upgraded node take writes and had three watch intervals to act on
                    // it (an observation that failed on the connection the restart broke does not count), or fenced it
                    // (for the checker, I7, to name), and the client writes to it again
                    AtomicReference<Instant> writableSeen = new AtomicReference<>();
                    try {
                        org.awaitility.Awaitility.await("the upgraded primary watched").atMost(Duration.ofSeconds(15))
                                .pollInterval(Duration.ofMillis(50)).until(() -> {
                                    DataTier.Node seen = group.status().dataTier().nodes().get("secondary");
                                    if (seen == null || !seen.at().isAfter(upgradedAt.get())
                                            || !(seen.observation() instanceof Database.Observation.Observed o)) {
                                        return false;
                                    }
                                    if (o.role() == Database.Role.FENCED) {
                                        return true;
                                    }
                                    if (o.role() == Database.Role.WRITABLE) {
                                        writableSeen.compareAndSet(null, seen.at());
                                    }
                                    return writableSeen.get() != null
                                            && seen.at().isAfter(writableSeen.get().plusSeconds(3))
                                            && writer.acknowledgedCount() >= atUpgrade + 20;
                                });
                    } catch (org.awaitility.core.ConditionTimeoutException e) {
                        // I7 says what is wrong
                    }
                }
            } finally {
                writer.stop();
                planePath.heal();
                running.set(false);
                driver.join(10_000);
                if (stray.isAlive()) {
                    stray.join(10_000);
                }
                watch.join(10_000);
                monitor.join(10_000);
                if (receiverStopped) {
                    replica.signalWalReceiver("CONT");
                }
            }
            String dnsServes = served(dns);
            boolean promoted = !isReplica(replica.jdbcUrl());
            Set<Long> onNew = promoted ? WritingClient.ids(replica.jdbcUrl(), PostgresPair.USER) : Set.of();
            Set<Long> onOld = schedule.failure() == Failure.CRASH ? Set.of()
                    : WritingClient.ids(primary.jdbcUrl(), PostgresPair.USER);
            Instant returnedAt = returned.get();
            Instant lastTwo = lastTwoWritable.get();
            Duration returnedWritable = returnedAt == null || lastTwo == null || lastTwo.isBefore(returnedAt)
                    ? Duration.ZERO
                    : Duration.between(returnedAt, lastTwo);
            return new Outcome(writer.acknowledgedAt(), onNew, onOld, promoted, forced.get(), group.status().dataTier()
                    .promoted(), twoWritable, group.status(), dnsServes,
                    writable(urls.get(dnsServes), schedule.readWrite()), List.copyOf(results), returnedAt,
                    returnedWritable,
                    writableAtReturn.get(), returnedAt != null && writable(primary.jdbcUrl(), schedule.readWrite()),
                    switchRefused.get(),
                    group.latestDesired() == null ? null : group.latestDesired().promotion(), strayAcknowledged.get(),
                    forcedBesidePartitioned.get(), upgradedAt.get() == null ? null : new Upgraded(upgradedAt.get(),
                            writable(replica.jdbcUrl(), schedule.readWrite()),
                            String.valueOf(group.status().dataTier().nodes().get("secondary"))));
        }
    }

    /** The invariants; each violation said in words. */
    static List<String> check(Schedule schedule, Outcome outcome) {
        List<String> violations = new ArrayList<>();
        boolean forced = outcome.forced();
        // I1 after the way back: the promoted node abandoned, nothing it lacks counts; every commit acknowledged is on the
        // old primary (a planned move loses nothing, and its way back neither)
        if (outcome.takenBack()) {
            long missing = outcome.acknowledged().keySet().stream().filter(id -> !outcome.onOldPrimary().contains(id))
                    .count();
            if (missing > 0) {
                violations.add("I1: the way back was taken and " + missing + " acknowledged commits are not on the old"
                        + " primary");
            }
            if (outcome.strayAcknowledged()) {
                violations.add("I1: the way back was taken after the promoted node acknowledged a write (id -1): lost");
            }
            if (!EAST_IP.equals(outcome.dnsServes()) || !outcome.dnsNodeWritable()) {
                violations.add("I3: the way back was taken and DNS serves " + outcome.dnsServes() + ", writable: "
                        + outcome.dnsNodeWritable());
            }
        }
        // I4: a switch refused after the promotion is said: the way back taken, or the switch retried saying why (once a
        // write was refused: a schedule may end between the promotion and its first DNS write)
        boolean writeRefused = outcome.switchRefused() && outcome.results().stream().anyMatch(r -> r.startsWith(
                "DNS_SWITCH FAILED"));
        if (writeRefused && !(outcome.status().convergence() instanceof Convergence.Blocked b
                && (b.reason().contains("the way back taken") || b.reason().contains("refuse")))
                && !(outcome.status().convergence() instanceof Convergence.Converging c && c.lastError() != null
                        && (c.lastError().contains(
                                "refuses the switch") || c.lastError().contains("way back")))) {
            violations.add("I4: the switch was refused after the promotion, and the group is "
                    + outcome.status().convergence());
        }
        // I1: what the promoted node lacks was acknowledged inside the window the promotion recorded
        if (outcome.promoted() && !outcome.takenBack()) {
            List<Instant> lost = outcome.acknowledged().entrySet().stream().filter(a -> !outcome.onNewPrimary()
                    .contains(a.getKey())).map(Map.Entry::getValue).sorted().toList();
            LossExposure exposure = outcome.promotion() == null ? null : outcome.promotion().exposure();
            if (outcome.promotion() == null) {
                violations.add("I1: the replica was promoted and no promotion was recorded");
            } else if (exposure instanceof LossExposure.None && !lost.isEmpty()) {
                violations.add("I1: exposure None, but " + lost.size() + " acknowledged commits are missing, the first"
                        + " acknowledged at " + lost.get(0));
            } else if (exposure instanceof LossExposure.Window window && !lost.isEmpty()
                    && lost.get(0).isBefore(outcome.promotion().at().minus(window.window()))) {
                violations.add("I1: " + lost.size() + " acknowledged commits are missing, the first acknowledged at "
                        + lost.get(0) + ", before the recorded window " + window.window() + " up to "
                        + outcome.promotion().at());
            }
            // after the promotion the writer follows DNS, which only ever moves to the promoted node: a commit acknowledged
            // then and missing on it went to another node (traffic given back to an old primary), lost with it
            if (outcome.promotion() != null
                    && !(forced && (schedule.refuseFence() || outcome.forcedBesidePartitioned()))) {
                long after = lost.stream().filter(at -> at.isAfter(outcome.promotion().at())).count();
                if (after > 0) {
                    violations.add(
                            "I1: " + after + " commits acknowledged after the promotion are missing on the promoted"
                                    + " node");
                }
            }
            if (!forced && (exposure == null || exposure instanceof LossExposure.Unknown)) {
                violations.add(
                        "I1: promoted without an operator's force on an exposure that bounds nothing: " + exposure);
            }
            if (!forced && exposure instanceof LossExposure.Window window
                    && window.window().compareTo(Duration.ofSeconds(schedule.budget())) > 0) {
                violations.add("I1: promoted beyond the budget of " + schedule.budget() + " s: " + window);
            }
        }
        // I2: never two nodes taking writes, but after an operator's force past a refused fence or a cut-off old primary
        // (the force's result names that risk)
        if (!outcome.twoWritable().isEmpty()
                && !(forced && (schedule.refuseFence() || outcome.forcedBesidePartitioned()))) {
            violations.add("I2: two nodes took writes at once: " + outcome.twoWritable());
        }
        // I3: a group that says it is served has DNS on a writable node
        if (outcome.status().convergence() instanceof Convergence.Converged && !outcome.dnsNodeWritable()) {
            violations.add("I3: converged with DNS on " + outcome.dnsServes() + ", whose node takes no writes");
        }
        // I4: a fence refused without a force is a visible, blocked move with its reason (once it was tried: an old
        // primary cut off from the plane for good is never asked, and I6 judges that hold)
        boolean fenceTried = !(schedule.partition() && !schedule.partitionHeals());
        if (schedule.refuseFence() && fenceTried && !forced
                && !(outcome.status().convergence() instanceof Convergence.Blocked b
                        && (b.reason().contains("could not be fenced")
                                || b.reason().contains("and that was refused")))) {
            violations.add("I4: the fence was refused, and the group is " + outcome.status().convergence());
        }
        if (schedule.refuseFence() && !forced && outcome.promoted()) {
            violations.add("I4: the fence was refused and the replica was promoted without a force");
        }
        // I6: an old primary cut off from the plane while its clients write is not promoted beside, and the hold is said
        if (schedule.partition() && !schedule.partitionHeals() && !forced) {
            if (outcome.promoted()) {
                violations.add("I6: the old primary was cut off from the plane, its writes not shown stopped, and the"
                        + " replica was promoted beside it without a force");
            }
            if (!(outcome.status().convergence() instanceof Convergence.Converging c && c.lastError() != null
                    && c.lastError().startsWith("held: "))) {
                violations.add("I6: the old primary was cut off from the plane and the group is "
                        + outcome.status().convergence() + ", not a hold that says why");
            }
        }
        // I5: an old primary that returns never fenced is fenced, and never given traffic back
        if (outcome.returnedAt() != null) {
            if (!WEST_IP.equals(outcome.dnsServes())) {
                violations.add("I5: DNS serves " + outcome.dnsServes() + " after the old primary returned");
            }
            if (schedule.guarded() && (outcome.writableAtReturn() || !outcome.returnedWritable().isZero())) {
                violations.add("I5: the old primary started through the start-up guard and took writes (at its first"
                        + " connection: " + outcome.writableAtReturn() + "; beside the new primary for "
                        + outcome.returnedWritable().toMillis() + " ms)");
            }
            if (outcome.oldPrimaryWritableAtEnd()) {
                violations.add("I5: the old primary returned and still takes writes at the end");
            }
            // blocked either way: still writable when the move looked (a former primary), or fenced by the guard first
            if (schedule.failback() && !(outcome.status().convergence() instanceof Convergence.Blocked b
                    && (b.reason().contains("is a former primary")
                            || b.reason().contains("fenced as an old primary")))) {
                violations.add("I5: a failback to the returned old primary is " + outcome.status().convergence());
            }
        }
        // I7: a primary upgraded by pg_upgrade (a new cluster on timeline 1, a new system identifier) is not a former
        // primary of itself: never fenced, and the group stays served by it
        if (outcome.upgraded() != null) {
            if (!outcome.upgraded().writableAtEnd()) {
                violations
                        .add("I7: the promoted primary upgraded by pg_upgrade takes no writes at the end (fenced?); the"
                                + " actuator saw " + outcome.upgraded().seen());
            }
            if (!WEST_IP.equals(outcome.dnsServes())) {
                violations.add("I7: DNS serves " + outcome.dnsServes() + " after the promoted primary was upgraded");
            }
        }
        // I8: a planned move that nothing refuses (its fence, its switch) and whose replica can catch up (its replay
        // running, its link back) completes: served on the replica's node. A client asking for read-write explicitly
        // kept a soft-fenced old primary's position moving, and the move waited for it for ever
        if (schedule.failure() == Failure.PLANNED && !schedule.refuseFence() && !schedule.refuseSwitch()
                && !schedule.pauseReplay() && (!schedule.cut() || schedule.cutHeals())
                && !(outcome.status().convergence() instanceof Convergence.Converged
                        && WEST_IP.equals(outcome.dnsServes()))) {
            violations.add("I8: a planned move nothing refused is " + outcome.status().convergence() + ", DNS on "
                    + outcome.dnsServes());
        }
        return violations;
    }

    static Decision decision(long epoch, DecisionKind kind) {
        return new Decision(1, "d-" + epoch, "api", epoch, kind, "primary", "secondary", "nemesis", List.of(),
                Instant.now(),
                DecisionMode.LIVE, kind == DecisionKind.FORCE ? "operator" : "automation");
    }

    static String served(GroupReconcilerTest.ScriptedDns dns) {
        return dns.store.read(GroupReconcilerTest.KEY, Optional.empty()) instanceof ReadOutcome.Served served
                ? served.record().sets().get(0).values().iterator().next() : EAST_IP;
    }

    /**
     * Whether the application's client can write at {@code url}: it connects (a fence closes the database to new
     * sessions), the node is not a replica, and its transactions are read-write by default or, for a client that asks
     * for read-write explicitly, at all.
     */
    static boolean writable(String url, boolean askingForReadWrite) {
        try (Connection connection = DriverManager.getConnection(url + "?connectTimeout=1&socketTimeout=1",
                PostgresPair.USER, ""); Statement statement = connection.createStatement();
                ResultSet row = statement
                        .executeQuery("SELECT NOT pg_is_in_recovery() AND (" + askingForReadWrite
                                + " OR current_setting('default_transaction_read_only') = 'off')")) {
            return row.next() && row.getBoolean(1);
        } catch (SQLException e) {
            return false; // not answering: takes no writes
        }
    }

    /** Asked of the node's postgres database, which a fence leaves open. */
    static boolean isReplica(String url) throws SQLException {
        return DataLossBudgetTest.isReplica(PostgresPair.onPostgres(url));
    }

    static void sql(String url, String sql) throws SQLException {
        DataLossBudgetTest.sql(url, sql);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The real backend, and a hook run after each promotion it was asked for: the nemesis's switch refusal. */
    record RefusingFromThePromotion(Database<PostgresRef> real, Runnable afterPromotion)
            implements Database<PostgresRef> {

        @Override
        public Observation observe(PostgresRef ref) {
            return real.observe(ref);
        }

        @Override
        public WriteOutcome promote(PostgresRef ref, Move move) {
            WriteOutcome outcome = real.promote(ref, move);
            afterPromotion.run();
            return outcome;
        }

        @Override
        public WriteOutcome fence(PostgresRef ref) {
            return real.fence(ref);
        }

        @Override
        public WriteOutcome unfence(PostgresRef ref) {
            return real.unfence(ref);
        }
    }
}
