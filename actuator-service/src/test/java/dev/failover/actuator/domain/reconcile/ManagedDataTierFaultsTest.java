package dev.failover.actuator.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.database.AuroraGlobalDatabase;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.database.ManagedDatabaseModel;
import dev.failover.actuator.database.RdsDatabase;
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
import dev.failover.actuator.scaling.AwsScalersTest;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.db.Seeds;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The data tier's invariants over seeded, randomized fault schedules for the managed backends (ADR 0020): the
 * reconciler with the real RDS and Aurora adapters and the real AWS SDK, calling {@link ManagedDatabaseModel}, which
 * behaves as AWS documents (replicas that keep replicating a fenced source, a ReplicaLag sample a minute published late,
 * a promotion that takes minutes, StopDBInstance refused beside a replica, Aurora's switchover and its failover with data
 * loss), on a clock the test moves pass by pass. A client writes where DNS points and every commit acknowledged is kept.
 * The nemesis, drawn from the seed: the backend (RDS with a fence parameter group or without one, Aurora), how the
 * primary's side fails (its region down, API and writes; its application only; a planned move), the replica's lag and
 * a replication that breaks, when CloudWatch publishes, the budget, an operator's force, the old region coming back,
 * and for RDS a third instance, a replica of the first primary, then failed over to from the second (its lineage). The
 * checker states:
 * <ul>
 * <li><b>A1</b> every acknowledged commit is on the node the group ends on, except commits acknowledged inside the loss
 * window the promotion recorded (or after an operator's force);</li>
 * <li><b>A2</b> never two nodes take writes at once (an old region back, never given traffic, is measured apart and
 * must end fenced or rejoined: A5);</li>
 * <li><b>A3</b> a group that says it is served has DNS on the node that takes writes;</li>
 * <li><b>A4</b> a move that nothing forbids completes (a writer that answers and can be fenced, or Aurora's switchover):
 * a no-op fence is never taken for progress, and the writes it asks for are few (no request loop);</li>
 * <li><b>A5</b> an old primary whose region comes back takes no writes at the end.</li>
 * </ul>
 * The suite runs {@link #SUITE_SEEDS}; {@code -Dmanaged.seeds=1-200} runs a soak (docs/benchmarks.md).
 */
class ManagedDataTierFaultsTest {

    static final String SUITE_SEEDS = "1-8";
    static final Instant T0 = Instant.parse("2026-11-25T03:00:00Z");

    static Stream<Long> seeds() {
        return Seeds.from("managed.seeds", SUITE_SEEDS);
    }

    enum Backend { RDS_FENCE_GROUP, RDS_STOP, AURORA }

    enum Failure {
        /** The primary's region is down: its API answers 503, its node takes no writes. */
        REGION,
        /** The primary's application fails; its database answers. */
        APP,
        /** A planned switchover. */
        PLANNED
    }

    record Schedule(long seed, Backend backend, Failure failure, double lagSeconds, int budget, int publishDelay,
            int promotionSeconds, boolean breaks, boolean force, boolean returns, boolean third, int applySeconds) {

        static Schedule draw(long seed) {
            Random random = new Random(seed);
            Backend backend = Backend.values()[random.nextInt(Backend.values().length)];
            Failure failure = Failure.values()[random.nextInt(Failure.values().length)];
            double lag = 0.2 + random.nextInt(60) / 10.0;
            int budget = List.of(0, 5, 30, 120, 600).get(random.nextInt(5));
            int publishDelay = 5 + random.nextInt(90);
            int promotion = 20 + random.nextInt(120);
            boolean breaks = random.nextInt(5) == 0;
            boolean force = random.nextInt(4) == 0;
            boolean returns = failure == Failure.REGION && random.nextBoolean();
            boolean third = backend != Backend.AURORA && random.nextInt(3) == 0;
            // drawn last, so that the draws above stay what they were for every seed: how long RDS shows a fence
            // group's change "applying" before it takes effect
            int applySeconds = random.nextInt(31);
            return new Schedule(seed, backend, failure, lag, budget, publishDelay, promotion, breaks, force, returns,
                    third,
                    applySeconds);
        }

        boolean aurora() {
            return backend == Backend.AURORA;
        }
    }

    static final String EAST_IP = "192.0.2.1";
    static final String WEST_IP = "192.0.2.2";
    static final String THIRD_IP = "192.0.2.3";

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theInvariantsHoldUnderTheSchedule(long seed) {
        Schedule schedule = Schedule.draw(seed);
        List<String> violations = new ArrayList<>();
        String summary;
        try (ManagedDatabaseModel aws = new ManagedDatabaseModel(new ManualClock(T0), schedule.aurora(),
                schedule.publishDelay(), schedule.promotionSeconds(), schedule.applySeconds())) {
            summary = run(schedule, aws, violations);
        }
        System.out.println(summary.lines().findFirst().orElse("") + " violations=" + violations.size()); // the soak's figures
        assertThat(violations).as("seed " + seed + ": " + schedule + "\n" + summary).isEmpty();
    }

    String run(Schedule schedule, ManagedDatabaseModel aws, List<String> violations) {
        ManualClock clock = (ManualClock) aws.clock();
        boolean fenceGroup = schedule.backend() == Backend.RDS_FENCE_GROUP;
        aws.add("orders-east", "us-east-1", null, fenceGroup ? "orders-east-fence" : null, 0);
        ManagedDatabaseModel.Node west = aws.add("orders-west", "us-west-2", "orders-east",
                fenceGroup ? "orders-west-fence" : null, schedule.lagSeconds());
        if (schedule.third()) {
            aws.add("orders-eu", "eu-west-1", "orders-east", fenceGroup ? "orders-eu-fence" : null,
                    schedule.lagSeconds());
        }
        Map<String, RdsClient> rds = new HashMap<>();
        Map<String, CloudWatchClient> cloudWatch = new HashMap<>();
        java.util.function.Function<String, RdsClient> rdsIn = region -> rds.computeIfAbsent(region, r -> AwsScalersTest
                .client(RdsClient.builder(), aws.endpoint()).region(Region.of(r)).build());
        java.util.function.Function<String, CloudWatchClient> cwIn = region -> cloudWatch.computeIfAbsent(region,
                r -> AwsScalersTest.client(CloudWatchClient.builder(), aws.endpoint()).region(Region.of(r)).build());
        Databases databases = new Databases(null, new RdsDatabase(ref -> rdsIn.apply(ref.region()),
                ref -> cwIn.apply(ref.region()), clock),
                new AuroraGlobalDatabase(ref -> rdsIn.apply(ref.region()),
                        ref -> cwIn.apply(ref.region()), clock),
                Map.of());
        GroupReconcilerTest.ScriptedDns dns = new GroupReconcilerTest.ScriptedDns(Routing.SINGLE);
        dns.store.write(new RecordWrite(GroupReconcilerTest.KEY, null, new OwnerMark("api", 0,
                DesiredState.INITIAL_DECISION_ID), List.of(RecordSet.simple(1, Set.of(EAST_IP)))));
        List<String> results = new ArrayList<>();
        GroupReconciler group = Reconcilers.group("api", topology(schedule), dns,
                TrafficPlans.of(Routing.SINGLE, 100, List.of()), Reconcilers.minimal(Scalers.none(), databases, s -> {
                }, r -> results.add(r.step() + " " + r.status() + " " + r.details()), clock,
                        // the actuator's defaults: resync 30 s, scaling poll 5 s, retry 200 ms doubling to 1 s
                        new ReconcileSettings(Duration.ofSeconds(30), Duration.ofSeconds(5),
                                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ZERO, () -> 0.0),
                                Duration.ZERO, null)));
        Map<String, String> nodeByIp = Map.of(EAST_IP, "orders-east", WEST_IP, "orders-west", THIRD_IP, "orders-eu");
        Stepper step = new Stepper(aws, group, dns, clock, nodeByIp, violations);

        step.until(Duration.ofMinutes(3), () -> false); // served, watched: the lag's datapoints published
        if (schedule.breaks()) {
            west.brokenAt(clock.instant());
        }
        Instant failedAt = clock.instant();
        if (schedule.failure() == Failure.REGION) {
            aws.down.add("us-east-1");
        }
        group.offer(decision(1, schedule.failure() == Failure.PLANNED ? DecisionKind.SWITCHOVER : DecisionKind.FAILOVER,
                "primary", "secondary", clock.instant()));
        step.until(Duration.ofMinutes(schedule.force() ? 10 : 20), () -> served(group, dns, WEST_IP));
        boolean forced = false;
        if (schedule.force() && !served(group, dns, WEST_IP)) {
            group.offer(decision(2, DecisionKind.FORCE, "primary", "secondary", clock.instant()));
            forced = true;
            // a force past an old primary that was not fenced names that risk: two writers until it is, not counted
            step.countTwoWriters = false;
            step.until(Duration.ofMinutes(20), () -> served(group, dns, WEST_IP));
        }
        boolean firstServed = served(group, dns, WEST_IP);
        DataTier.Promotion promotion = group.status().dataTier().promoted();
        // A4: a move that nothing forbids completes, with few writes asked for
        boolean writerAnswers = schedule.failure() != Failure.REGION;
        boolean fenceable = schedule.aurora() || fenceGroup;
        if (writerAnswers && fenceable && !schedule.breaks() && !firstServed) {
            violations.add(
                    "A4: a move whose writer answers and can be " + (schedule.aurora() ? "switched over" : "fenced")
                            + " did not complete: " + group.status().convergence());
        }
        int moves = aws.calls("SwitchoverGlobalCluster") + aws.calls("FailoverGlobalCluster")
                + aws.calls("PromoteReadReplica");
        int fences = aws.calls("ModifyDBParameterGroup") + aws.calls("StopDBInstance");
        if (moves > 6 || fences > 12) {
            violations.add("A4: " + moves + " promotions and " + fences + " fences asked for: a loop");
        }
        if (schedule.returns() && firstServed) {
            // back as the primary it was (RDS) or rejoined (Aurora); two writers until the plane fences it, measured
            // apart as for PostgreSQL: nothing sends it traffic
            aws.regionBack("us-east-1");
            step.countTwoWriters = false;
            step.until(Duration.ofMinutes(5), () -> false);
            boolean refusedForItsReplica = schedule.backend() == Backend.RDS_STOP && schedule.third()
                    && results.stream().anyMatch(r -> r.contains("read replicas"));
            if (aws.node("orders-east").takesWrites(clock.instant()) && !refusedForItsReplica) {
                violations.add("A5: the old primary's region came back and it takes writes at the end");
            }
            step.countTwoWriters = !aws.node("orders-east").takesWrites(clock.instant());
        }
        boolean secondServed = false;
        if (schedule.third() && firstServed) {
            // the second failover, to a replica of the first primary: it lacks everything written since the first
            aws.down.add("us-west-2");
            group.offer(new Decision(1, "d-3", "api", 3L, DecisionKind.FAILOVER, "secondary", "third", "nemesis",
                    List.of(), clock.instant(), DecisionMode.LIVE, "automation"));
            step.until(Duration.ofMinutes(10), () -> served(group, dns, THIRD_IP));
            secondServed = served(group, dns, THIRD_IP);
            promotion = group.status().dataTier().promoted();
        }
        step.until(Duration.ofSeconds(10), () -> false);

        // A1: what the node the group ends on lacks
        String endsOn = nodeByIp.get(DataTierFaultsTest.served(dns));
        Set<Long> held = aws.node(endsOn).holdings(clock.instant()).stream().map(ManagedDatabaseModel.Commit::id)
                .collect(Collectors.toSet());
        List<ManagedDatabaseModel.Commit> lost = aws.acknowledged().stream().filter(c -> !held.contains(c.id()))
                .toList();
        if (!lost.isEmpty() && !forced) {
            LossExposure exposure = promotion == null ? null : promotion.exposure();
            if (exposure instanceof LossExposure.Window window) {
                Instant from = promotion.at().minus(window.window());
                Instant to = promotion.at();
                List<ManagedDatabaseModel.Commit> outside = lost.stream().filter(c -> c.at().isBefore(from)
                        || c.at().isAfter(to)).toList();
                if (!outside.isEmpty()) {
                    violations.add("A1: " + outside.size() + " acknowledged commits missing on " + endsOn
                            + " outside the recorded window " + window.window() + " before " + promotion.at()
                            + " (first at " + outside.get(0).at() + ")");
                }
                if (window.window().compareTo(Duration.ofSeconds(schedule.budget())) > 0) {
                    violations.add("A1: promoted on a window of " + window.window() + " beyond the budget of "
                            + schedule.budget() + " s");
                }
            } else {
                violations.add("A1: " + lost.size() + " acknowledged commits missing on " + endsOn + " (first at "
                        + lost.get(0).at() + "), the promotion recorded " + exposure);
            }
        }
        // A3: served means DNS on the node that takes writes
        if (group.status().convergence() instanceof Convergence.Converged
                && !aws.node(endsOn).takesWrites(clock.instant())) {
            violations.add("A3: converged with DNS on " + endsOn + ", which takes no writes");
        }
        return String.format(java.util.Locale.ROOT,
                "MANAGED seed=%d %s %s lag=%.1fs budget=%d publish=%ds promotion=%ds"
                        + " apply=%ds"
                        + " breaks=%s force=%s returns=%s third=%s | served=%s forced=%s second=%s exposure=%s acknowledged=%d"
                        + " lost=%d moves=%d fences=%d failedToServedS=%s status=%s",
                schedule.seed(), schedule.backend(),
                schedule.failure(), schedule.lagSeconds(), schedule.budget(), schedule.publishDelay(),
                schedule.promotionSeconds(), schedule.applySeconds(), schedule.breaks(), schedule.force(),
                schedule.returns(), schedule.third(),
                firstServed, forced, schedule.third() ? secondServed : "-", promotion == null ? "-"
                        : promotion.exposure() instanceof LossExposure.Window w
                                ? "window=" + w.window().toMillis() / 1000.0
                                        + "s"
                                : String.valueOf(promotion.exposure()),
                aws.acknowledged().size(), lost.size(),
                moves, fences, step.servedAt == null ? "-" : Duration.between(failedAt, step.servedAt).toSeconds(),
                group.status().convergence().getClass().getSimpleName())
                + (violations.isEmpty() ? ""
                        : "\n" + group.status().convergence() + "\nresults (distinct, last 12):\n  "
                                + String.join("\n  ",
                                        tail(results.stream().distinct().toList(), 12)));
    }

    static List<String> tail(List<String> all, int n) {
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    /** Passes as the actuator's loop runs them, the client writing and the writers counted between them. */
    static final class Stepper {
        final ManagedDatabaseModel aws;
        final GroupReconciler group;
        final GroupReconcilerTest.ScriptedDns dns;
        final ManualClock clock;
        final Map<String, String> nodeByIp;
        final List<String> violations;
        Instant servedAt;
        boolean countTwoWriters = true;

        Stepper(ManagedDatabaseModel aws, GroupReconciler group, GroupReconcilerTest.ScriptedDns dns, ManualClock clock,
                Map<String, String> nodeByIp, List<String> violations) {
            this.aws = aws;
            this.group = group;
            this.dns = dns;
            this.clock = clock;
            this.nodeByIp = nodeByIp;
            this.violations = violations;
        }

        void until(Duration atMost, java.util.function.BooleanSupplier done) {
            Instant deadline = clock.instant().plus(atMost);
            Instant nextWatch = clock.instant();
            while (clock.instant().isBefore(deadline) && !done.getAsBoolean()) {
                aws.writeUntil(clock.instant(), nodeByIp.get(DataTierFaultsTest.served(dns)));
                List<String> writers = aws.writers(clock.instant()).stream()
                        .filter(n -> !aws.down.contains(aws.node(n).region())).toList();
                if (countTwoWriters && writers.size() > 1 && violations.stream().noneMatch(v -> v.startsWith("A2"))) {
                    violations.add("A2: two nodes take writes at " + clock.instant() + ": " + writers);
                }
                if (!clock.instant().isBefore(nextWatch)) {
                    nextWatch = clock.instant()
                            .plus(group.watchDataTier().map(w -> w.next()).orElse(Duration.ofSeconds(1)));
                }
                Duration wait = group.run();
                if (servedAt == null && group.status().convergence() instanceof Convergence.Converged
                        && group.latestDesired() != null && group.latestDesired().epoch() > 0) {
                    servedAt = clock.instant();
                }
                clock.advance(wait.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                        : wait.isZero() ? Duration.ofMillis(50) : wait);
            }
        }
    }

    static boolean served(GroupReconciler group, GroupReconcilerTest.ScriptedDns dns, String ip) {
        return group.status().convergence() instanceof Convergence.Converged
                && ip.equals(DataTierFaultsTest.served(dns));
    }

    static Decision decision(long epoch, DecisionKind kind, String from, String to, Instant at) {
        return new Decision(1, "d-" + epoch, "api", epoch, kind, from, to, "nemesis", List.of(), at, DecisionMode.LIVE,
                kind == DecisionKind.FORCE ? "operator" : "automation");
    }

    static Topology topology(Schedule schedule) {
        String east;
        String west;
        String third;
        if (schedule.aurora()) {
            east = "{kind: aurora-global, globalCluster: orders, clusterArn: \"arn:aws:rds:us-east-1:111111111111:cluster:orders-east\"}";
            west = "{kind: aurora-global, globalCluster: orders, clusterArn: \"arn:aws:rds:us-west-2:111111111111:cluster:orders-west\"}";
            third = null;
        } else {
            boolean group = schedule.backend() == Backend.RDS_FENCE_GROUP;
            east = "{kind: rds, instance: orders-east, region: us-east-1"
                    + (group ? ", fenceParameterGroup: orders-east-fence" : "") + "}";
            west = "{kind: rds, instance: orders-west, region: us-west-2"
                    + (group ? ", fenceParameterGroup: orders-west-fence" : "") + "}";
            third = schedule.third() ? "{kind: rds, instance: orders-eu, region: eu-west-1" + (group
                    ? ", fenceParameterGroup: orders-eu-fence" : "") + "}" : null;
        }
        String yaml = """
                version: 1
                locations: [loc-a]
                groups:
                  - id: api
                    dns: {zone: example.test., name: api.example.test., ttl: 1}
                    targets:
                      - id: primary
                        region: us-east-1
                        probe: {type: tcp, host: 192.0.2.1, port: 443}
                        dns: {values: [192.0.2.1]}
                        database: %s
                      - id: secondary
                        region: us-west-2
                        probe: {type: tcp, host: 192.0.2.2, port: 443}
                        dns: {values: [192.0.2.2]}
                        database: %s
                """.formatted(east, west) + (third == null ? "" : """
                      - id: third
                        region: eu-west-1
                        probe: {type: tcp, host: 192.0.2.3, port: 443}
                        dns: {values: [192.0.2.3]}
                        database: %s
                """.formatted(third)) + """
                    safety: {maxDataLossSeconds: %d, unreachablePrimary: promote-within-budget}
                """.formatted(schedule.budget());
        return TopologyLoader.parse(yaml, "managed-nemesis");
    }
}
