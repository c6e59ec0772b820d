package dev.failover.actuator.domain.reconcile;

import static dev.failover.actuator.domain.reconcile.GroupReconcilerTest.T0;
import static dev.failover.actuator.domain.reconcile.GroupReconcilerTest.decision;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Database.Role;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.database.PostgresOnly;
import dev.failover.actuator.database.PostgresRef;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.domain.data.DataTier;
import dev.failover.actuator.domain.data.DataTierEvidence;
import dev.failover.actuator.domain.data.DataTierWatch;
import dev.failover.actuator.domain.data.EvidenceStore;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;

/**
 * The database step of the reconciler (ADR 0020), pass by pass with a manual clock: the target's node is made writable
 * before DNS moves, within the group's data-loss budget, with the old primary fenced where it answers; a planned move
 * fences first and loses nothing; a force overrides the budget; a fenced old primary is never made writable again.
 */
public class DatabaseStepTest {

    static final String EAST = "jdbc:postgresql://db.us-east-1.example.test:5432/app";
    static final String WEST = "jdbc:postgresql://db.us-west-2.example.test:5432/app";
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    static final Topology TOPOLOGY = topology(EAST, WEST, 30);

    /** A group "api" of two targets, each with a PostgreSQL node (logins app-east, app-west), and its data-loss budget. */
    public static Topology topology(String eastUrl, String westUrl, int maxDataLossSeconds) {
        return TopologyLoader.parse(topologyYaml(eastUrl, westUrl, maxDataLossSeconds), "test");
    }

    /**
     * The group of {@link #topology}: its faults are crashes (a node that does not answer has stopped), so an unreachable
     * old primary is promoted beside within the budget ({@code unreachablePrimary: promote-within-budget}); the tests of
     * a partition use {@link #holding}.
     */
    public static String topologyYaml(String eastUrl, String westUrl, int maxDataLossSeconds) {
        return """
                version: 1
                locations: [loc-a]
                groups:
                  - id: api
                    dns: {zone: example.test., name: api.example.test., ttl: 30}
                    targets:
                      - id: primary
                        region: us-east-1
                        probe: {type: tcp, host: 192.0.2.1, port: 443}
                        dns: {values: [192.0.2.1]}
                        database: {kind: postgres, url: "%s", credentials: app-east}
                      - id: secondary
                        region: us-west-2
                        probe: {type: tcp, host: 192.0.2.2, port: 443}
                        dns: {values: [192.0.2.2]}
                        database: {kind: postgres, url: "%s", credentials: app-west}
                    safety: {maxDataLossSeconds: %d, unreachablePrimary: promote-within-budget}
                """.formatted(eastUrl, westUrl, maxDataLossSeconds);
    }

    /**
     * PostgreSQL nodes by URL whose role and lag the test sets; every call is logged. A node in {@code cutOff} answers
     * nothing: each call to it takes the call timeout (the clock moves) and ends Unavailable, as in a region whose
     * packets are dropped.
     */
    public final class FakeNodes implements Database<PostgresRef> {
        final Map<String, Observation> nodes = new HashMap<>();
        public final List<String> calls = new ArrayList<>();
        final Set<String> cutOff = new java.util.HashSet<>();
        final Set<String> refuseFence = new java.util.HashSet<>();
        final Set<String> refusePromotion = new java.util.HashSet<>();
        final List<Move> moves = new ArrayList<>();
        /** Whether a planned promotion is one atomic switchover, as Aurora's. */
        boolean atomic;
        /**
         * Whether a fence closes the application's database as PostgreSQL's does: a catalog change, which the replica
         * promoted after it has too, until it is opened (unfenced).
         */
        boolean catalogFence;
        /** Nodes whose observation depends on the time it is made (a lag read from a minute's datapoint). */
        final Map<String, java.util.function.Function<java.time.Instant, Observation>> byTime = new HashMap<>();

        @Override
        public boolean switchesOverItself() {
            return atomic;
        }

        private Observation.Unavailable timedOut(String url) {
            calls.add("timed out " + url);
            clock.advance(CALL_TIMEOUT);
            return new Observation.Unavailable("connect timed out after " + CALL_TIMEOUT);
        }

        public FakeNodes set(String url, Observation observation) {
            nodes.put(url, observation);
            return this;
        }

        @Override
        public Observation observe(PostgresRef ref) {
            if (cutOff.contains(ref.jdbcUrl())) {
                return timedOut(ref.jdbcUrl());
            }
            return byTime.containsKey(ref.jdbcUrl()) ? byTime.get(ref.jdbcUrl()).apply(clock.instant())
                    : nodes.get(ref.jdbcUrl());
        }

        @Override
        public WriteOutcome promote(PostgresRef ref, Move move) {
            calls.add("promote " + ref.jdbcUrl());
            moves.add(move);
            if (refusePromotion.contains(ref.jdbcUrl())) {
                return new WriteOutcome.Rejected("AccessDenied (HTTP 403): not authorized to promote");
            }
            byTime.remove(ref.jdbcUrl()); // a primary now: no lag read any more
            if (atomic && move == Move.PLANNED) { // the switchover demotes the old writer, as Aurora's does
                nodes.replaceAll((url, node) -> node instanceof Observation.Observed o && o.role() == Role.WRITABLE
                        ? Observation.Observed.replicaByLag(0, null) : node);
            }
            if (nodes.get(ref.jdbcUrl()) instanceof Observation.Observed o && o.role() == Role.REPLICA) {
                // a node that reports its WAL begins the next timeline, its transaction ids where its replay left them
                boolean closed = catalogFence && nodes.values().stream()
                        .anyMatch(n -> n instanceof Observation.Observed other && other.closed());
                nodes.put(ref.jdbcUrl(), new Observation.Observed(Role.WRITABLE, 0, 0, false, o.wal() == null ? null
                        : new Database.Wal(o.wal().timeline() + 1, o.wal().lsn(), false, List.of(), null, null,
                                o.wal().nextXid(), 0),
                        null, closed));
                return new WriteOutcome.Requested("promotion of " + ref.jdbcUrl() + " requested");
            }
            return new WriteOutcome.Requested(ref.jdbcUrl() + " is not a replica: nothing to promote");
        }

        @Override
        public WriteOutcome fence(PostgresRef ref) {
            calls.add("fence " + ref.jdbcUrl());
            if (atomic) { // Aurora has no fence: the writer stays the writer until a switchover or failover moves it
                return new WriteOutcome.Rejected("a global cluster's writer cannot be fenced");
            }
            if (refuseFence.contains(ref.jdbcUrl())) {
                return new WriteOutcome.Rejected("InvalidDBInstanceState (HTTP 400): it has read replicas");
            }
            nodes.put(ref.jdbcUrl(), new Observation.Observed(Role.FENCED, 0, 0, false, wal(ref), null, catalogFence));
            return new WriteOutcome.Requested(ref.jdbcUrl() + " fenced");
        }

        @Override
        public WriteOutcome unfence(PostgresRef ref) {
            calls.add("unfence " + ref.jdbcUrl());
            nodes.put(ref.jdbcUrl(), Observation.Observed.withWal(Role.WRITABLE, wal(ref)));
            return new WriteOutcome.Requested(ref.jdbcUrl() + " unfenced");
        }

        private Database.Wal wal(PostgresRef ref) {
            return nodes.get(ref.jdbcUrl()) instanceof Observation.Observed o ? o.wal() : null;
        }
    }

    public static Database.Observation writable() {
        return Database.Observation.Observed.writable();
    }

    public static Database.Observation replica(double lagSeconds, long bytes) {
        return new Database.Observation.Observed(Database.Role.REPLICA, bytes, lagSeconds, false, null, null, false);
    }

    final ManualClock clock = new ManualClock(T0);
    final List<ActuationResult> results = new ArrayList<>();
    final ReconcileSettings settings = new ReconcileSettings(Duration.ofSeconds(30), Duration.ofSeconds(2),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ZERO, () -> 0.0),
            Duration.ofSeconds(60),
            Duration.ofMinutes(5));
    final GroupReconcilerTest.ScriptedDns dns = new GroupReconcilerTest.ScriptedDns(Routing.SINGLE);
    final FakeNodes nodes = new FakeNodes();

    GroupReconciler reconciler() {
        return reconciler(TOPOLOGY);
    }

    GroupReconciler reconciler(Topology topology) {
        return reconciler(topology, watch);
    }

    /** @param watch the instance's watch of the group: another instance has its own */
    GroupReconciler reconciler(Topology topology, dev.failover.actuator.domain.data.GroupWatch watch) {
        Databases databases = PostgresOnly.databases(nodes,
                Map.of("app-east", new Databases.Login("failover", "p1"), "app-west",
                        new Databases.Login("failover", "p2")));
        return new GroupReconciler("api", topology, GroupDns.oneLane(dns, TrafficPlans.of(Routing.SINGLE, 100,
                List.of())),
                new Wiring(Scalers.none(), databases, dev.failover.actuator.regionswitch.RegionSwitch.NONE, s -> {
                }, EvidenceStore.NONE, results::add, lane -> {}, Waker.NONE, clock, settings), watch);
    }

    /** The group's data-tier watch, as the instance's {@code start-check} endpoint feeds it. */
    final dev.failover.actuator.domain.data.GroupWatch watch = new dev.failover.actuator.domain.data.GroupWatch("api",
            dev.failover.actuator.domain.data.EvidenceStore.NONE);

    /** Runs passes as the loop would, moving the clock by what each asks, until converged or blocked, or after
     * {@code maxPasses}. */
    GroupReconciler run(GroupReconciler group, int maxPasses) {
        for (int i = 0; i < maxPasses; i++) {
            Duration wait = group.run();
            Convergence now = group.status().convergence();
            if (now instanceof Convergence.Converged || now instanceof Convergence.Blocked) {
                return group;
            }
            clock.advance(wait);
        }
        return group;
    }

    List<String> database() {
        return results.stream().filter(r -> r.step() == ActuationStep.DATABASE).map(r -> r.status() + " " + r.details())
                .toList();
    }

    /** The record serves {@code ip}, written by an earlier decision of epoch 1. */
    void servedByEpoch1(String ip) {
        dns.store.write(new RecordWrite(GroupReconcilerTest.KEY, null, new OwnerMark("api", 1, "d-1"),
                List.of(RecordSet.simple(60, Set.of(ip))))); // a TTL of 60: its hold is not the 30 s resync
    }

    String servedIp() {
        return dns.served().sets().get(0).values().iterator().next();
    }

    /**
     * The nodes are watched off the passes, whatever the group's convergence (no pass has run here), and a node that
     * does not answer, whose every call costs the call timeout, is left for a growing while.
     */
    @Test
    void theWatchObservesEveryNodeOffThePassesAndLeavesANodeThatDoesNotAnswer() {
        nodes.set(EAST, writable()).set(WEST, replica(0, 0));
        nodes.cutOff.add(EAST);
        GroupReconciler group = reconciler();

        assertThat(group.watchDataTier()).as("watched again after the interval").map(Watched::next)
                .contains(Duration.ofSeconds(1));
        assertThat(nodes.calls).containsExactly("timed out " + EAST);
        assertThat(group.status().dataTier().nodes()).containsOnlyKeys("primary", "secondary");
        assertThat(group.status().dataTier().nodes().get("primary").answered()).isFalse();

        nodes.calls.clear();
        clock.advance(Duration.ofMillis(500));
        group.watchDataTier();
        assertThat(nodes.calls).as("left for a second after its first miss").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        group.watchDataTier();
        assertThat(nodes.calls).as("then tried again").containsExactly("timed out " + EAST);

        nodes.cutOff.clear();
        clock.advance(Duration.ofSeconds(2));
        group.watchDataTier();
        assertThat(group.status().dataTier().nodes().get("primary").writable()).as("answered again").isTrue();
    }

    /**
     * Found by DataTierNemesisIT (seed 9): a crashed old primary whose server started again took writes for 3.5 s
     * beside the new primary before it was fenced, because the watch had left it for a growing while (up to 30 s) after
     * its misses. That while is for a node whose every call costs the call timeout (a region whose packets are
     * dropped); a node that refuses at once (a server down on a host that answers) costs nothing and is looked at again
     * after the interval, so that it is seen, and fenced, within a second of its return.
     */
    @Test
    void aNodeThatRefusesAtOnceIsLookedAtEveryIntervalNotLeftForAGrowingWhile() {
        nodes.set(EAST, new Database.Observation.Unavailable("Connection refused")).set(WEST, replica(0, 0));
        GroupReconciler group = reconciler();
        for (int i = 0; i < 5; i++) { // five misses in a row, none of which took any time
            group.watchDataTier();
            clock.advance(Duration.ofSeconds(1));
        }
        nodes.calls.clear();
        nodes.set(EAST, writable()); // its server is back
        group.watchDataTier();
        assertThat(group.status().dataTier().nodes().get("primary").writable()).as("seen at the next interval")
                .isTrue();
    }

    /**
     * Once the database has moved, a DNS write that is then refused (an RFC 2136 REFUSED, a Route 53 AccessDenied) must
     * not leave the group quietly BLOCKED, traffic on the old region's application whose database is now read-only: an
     * outage the plane made. It keeps trying, says why in the group's status, and raises the data tier's "switch
     * refused after the database moved" for the critical alert; once the write is taken, it is served.
     */
    @Test
    void aSwitchRefusedAfterThePromotionKeepsTryingAndSaysSoInsteadOfBlocking() {
        nodes.set(EAST, writable()).set(WEST, replica(0, 0));
        dns.store.write(new RecordWrite(GroupReconcilerTest.KEY, null, new OwnerMark("api", 0,
                DesiredState.INITIAL_DECISION_ID), List.of(RecordSet.simple(30, Set.of("192.0.2.1")))));
        GroupReconciler group = reconciler();
        run(group, 3);
        for (int refusals = 0; refusals < 50; refusals++) {
            dns.writeFailures.add(new DnsProvider.WriteOutcome.Rejected("REFUSED"));
        }
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 12);

        assertThat(nodes.calls).as("the database moved").contains("promote " + WEST);
        assertThat(group.status().convergence()).as("not quietly blocked").isInstanceOfSatisfying(
                Convergence.Converging.class, c -> assertThat(c.lastError()).contains("DNS refuses the switch")
                        .contains("REFUSED").contains("secondary's database was promoted"));
        assertThat(group.status().dataTier().switchRefusedSince()).as("for the critical alert").isNotNull();

        dns.writeFailures.clear(); // the update policy fixed
        run(group, 20);
        assertThat(servedIp()).as("taken once the provider accepts it").isEqualTo("192.0.2.2");
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(group.status().dataTier().switchRefusedSince()).isNull();
    }

    static final String EU = "jdbc:postgresql://db.eu-west-1.example.test:5432/app";

    /** The group with a third target, "tertiary" in eu-west-1, whose node is a replica too (login app-east). */
    static final Topology THREE = three(EAST, WEST, EU, 30);

    /** The group with a third target, "tertiary" in eu-west-1 (192.0.2.3), its node at {@code euUrl} (login app-east). */
    static Topology three(String eastUrl, String westUrl, String euUrl, int maxDataLossSeconds) {
        return TopologyLoader.parse(topologyYaml(eastUrl, westUrl, maxDataLossSeconds).replace("\n    safety:",
                "\n      - id: tertiary\n        region: eu-west-1\n        probe: {type: tcp, host: 192.0.2.3, port: 443}\n"
                        + "        dns: {values: [192.0.2.3]}\n        database: {kind: postgres, url: \"" + euUrl
                        + "\", credentials: app-east}\n    safety:"),
                "test");
    }

    /**
     * After a decision that was blocked, the next decision's {@code fromTarget} is not the node that writes. Here the
     * first failover, to the secondary, is blocked (its node was fenced as an old primary), so the primary still
     * writes; the next failover, "from" the secondary to the tertiary, must fence the primary's node, the one last seen
     * writable, before it promotes: before, it looked at the secondary, found nothing to fence, and promoted the
     * tertiary beside a writable primary.
     */
    @Test
    void aMoveAfterABlockedDecisionFencesTheNodeThatWritesNotTheDecisionsFromTarget() {
        nodes.set(EAST, writable()).set(WEST, Database.Observation.Observed.fenced())
                .set(EU, replica(0, 0));
        GroupReconciler group = servedByTheInitialState(THREE); // the primary's node seen writing
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 5);
        assertThat(group.status().convergence()).as("the first failover blocked")
                .isInstanceOf(Convergence.Blocked.class);

        nodes.calls.clear();
        group.offer(decision(2, DecisionKind.FAILOVER, "secondary", "tertiary"));
        run(group, 20);
        assertThat(nodes.calls).as("the node that writes fenced before the promotion")
                .containsSubsequence("fence " + EAST,
                        "promote " + EU)
                .doesNotContain("fence " + WEST);
        assertThat(servedIp()).isEqualTo("192.0.2.3");
    }

    /** A primary that reports its WAL: writable on {@code timeline} (a promotion starts a new one). */
    static Database.Observation primaryOn(long timeline) {
        return primaryOn(timeline, 0);
    }

    /** ... of the cluster whose {@code pg_control_system().system_identifier} is {@code system} (0: unknown). */
    static Database.Observation primaryOn(long timeline, long system) {
        return Database.Observation.Observed.withWal(Database.Role.WRITABLE, new Database.Wal(timeline, 1_000,
                false, List.of(), null, null, 0, system));
    }

    /** A failover to the secondary while the primary's region is cut off: converged, the secondary writes timeline 2. */
    GroupReconciler failedOverWithThePrimaryCutOff(Topology topology) {
        nodes.set(EAST, new Database.Observation.Unavailable("region cut off")).set(WEST, replica(0, 0));
        if (topology == THREE) {
            nodes.set(EU, replica(0, 0));
        }
        GroupReconciler group = reconciler(topology);
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        nodes.set(WEST, primaryOn(2));
        group.run(); // the converged group sees its new primary write timeline 2
        return group;
    }

    /**
     * An instance that takes a group over (its owner lost with the primary's region, ADR 0005) must know what a
     * promotion may lose. Every instance watches every group's nodes, driven or not, so the new owner saw the primary's
     * positions and the replica receive them before the loss: the failover is promoted within the budget. Before, only
     * the owner watched: the new owner had seen no primary, found the exposure unknown and held the failover until an
     * operator forced it.
     */
    /** A primary writing at 5,000 and its replica streaming, having received all of it. */
    void aStreamingPair() {
        Database.Wal primaryWal = new Database.Wal(1, 5_000, false, List.of(new Database.Standby("replica", "async",
                5_000)), null, null, 0, 0);
        nodes.set(EAST, Database.Observation.Observed.withWal(Database.Role.WRITABLE, primaryWal))
                .set(WEST,
                        Database.Observation.Observed.withWal(Database.Role.REPLICA, new Database.Wal(1, 5_000,
                                false, List.of(), "replica",
                                new Database.Receiver(true, "db.us-east-1.example.test:5432", T0), 0, 0)));
    }

    /** An actuator instance over the test's nodes and DNS, keeping its evidence in {@code evidence}. */
    Reconciler instance(EvidenceStore evidence) {
        Databases databases = PostgresOnly.databases(nodes,
                Map.of("app-east", new Databases.Login("failover", "p1"), "app-west",
                        new Databases.Login("failover", "p2")));
        return new Reconciler(TOPOLOGY, g -> GroupDns.oneLane(dns, TrafficPlans.of(Routing.SINGLE, 100, List.of())),
                new Wiring(Scalers.none(), databases, RegionSwitch.NONE, s -> {
                }, evidence, results::add, lane -> {}, Waker.NONE, clock, settings));
    }

    /** {@code instance} takes the group and a failover to the secondary, and runs its passes until converged (20 at most). */
    void failOverWith(Reconciler instance) {
        instance.drive(List.of("api"));
        instance.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        for (int pass = 0; pass < 20 && !(instance.status("api").convergence() instanceof Convergence.Converged);
                pass++) {
            clock.advance(instance.run("api").compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1)
                    : Duration.ofMillis(200));
        }
    }

    @Test
    void anInstanceThatTakesTheGroupOverKnowsWhatThePromotionMayLose() {
        aStreamingPair();
        Reconciler instance = instance(EvidenceStore.NONE);
        assertThat(instance.watchedGroups()).containsExactly("api");
        for (int i = 0; i < 3; i++) { // the group is driven elsewhere; this instance watches it all the same
            assertThat(instance.watch("api")).isPresent();
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(instance.drives("api")).isFalse();

        nodes.set(EAST, new Database.Observation.Unavailable("region lost")); // the owner is lost with the primary
        failOverWith(instance);

        assertThat(nodes.calls).as(database().toString()).contains("promote " + WEST);
        assertThat(instance.status("api").dataTier().promoted().exposure()).isInstanceOfSatisfying(
                LossExposure.Window.class, w -> assertThat(w.window()).isLessThan(Duration.ofSeconds(30)));
        assertThat(servedIp()).isEqualTo("192.0.2.2");

        instance.forget(List.of("api")); // its partition moves on: the promotion is the next owner's to say
        assertThat(instance.status("api").dataTier().promoted()).as("kept by a former owner, the unfenced-since-"
                + "promotion gauge would count on after a later owner took it back").isNull();
    }

    /**
     * An instance started after the primary was lost (every actuator restarted at once, or the only one) saw no
     * primary; it found the exposure unknown and held the failover until an operator forced it. The evidence the watch
     * of an earlier instance kept is restored, and measured against as if this instance had watched the primary itself,
     * once the replica is seen to still hold what it says.
     */
    @Test
    void anInstanceStartedAfterThePrimaryWasLostMeasuresAgainstTheEvidenceKept() {
        aStreamingPair();
        Map<String, DataTierEvidence> kept = new HashMap<>();
        Reconciler earlier = instance(kept::put);
        for (int i = 0; i < 3; i++) {
            earlier.watch("api");
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(kept).containsKey("api");

        nodes.set(EAST, new Database.Observation.Unavailable("region lost")); // and every actuator restarted
        clock.advance(Duration.ofSeconds(5));
        Reconciler restarted = instance(EvidenceStore.NONE);
        kept.forEach(restarted::restoreEvidence);
        failOverWith(restarted);

        assertThat(nodes.calls).as(database().toString()).contains("promote " + WEST);
        assertThat(restarted.status("api").dataTier().promoted().exposure()).isInstanceOfSatisfying(
                LossExposure.Window.class, w -> assertThat(w.window()).isBetween(Duration.ofSeconds(5),
                        Duration.ofSeconds(30)));
        assertThat(servedIp()).isEqualTo("192.0.2.2");
    }

    /**
     * A promotion taken back makes its timeline count for nothing, until the node is rebuilt: a replica again, the next
     * timeline it writes (numbered as the abandoned one, as PostgreSQL may) is a new primary's, and the old one a former.
     */
    @Test
    void aTimelineTakenBackCountsForNothingUntilItsNodeIsRebuilt() {
        DataTierWatch watch = new DataTierWatch();
        watch.seen("primary", node(Role.FENCED, 800, 500), T0);
        watch.seen("secondary",
                Database.Observation.Observed.withWal(Role.WRITABLE, new Database.Wal(2, 800, false,
                        List.of(), null, null, 500, 0)),
                T0.plusSeconds(1));
        watch.seen("secondary",
                Database.Observation.Observed.withWal(Role.FENCED, new Database.Wal(2, 800, false,
                        List.of(), null, null, 500, 0)),
                T0.plusSeconds(2));
        watch.takenBack("secondary", 2, "primary", 1);
        watch.seen("primary", node(Role.WRITABLE, 900, 510), T0.plusSeconds(3));
        assertThat(watch.formerPrimary("primary")).as("the old primary, unfenced by the way back").isEmpty();
        assertThat(watch.unfencedByHand("primary")).as("not by a hand").isFalse();

        watch.seen("secondary", node(Role.REPLICA, 900, 510), T0.plusSeconds(4)); // rebuilt
        watch.takenBack("secondary", 2, "primary", 1); // a pass of a desired state that still carries it
        watch.seen("secondary",
                Database.Observation.Observed.withWal(Role.WRITABLE, new Database.Wal(2, 950, false,
                        List.of(), null, null, 520, 0)),
                T0.plusSeconds(5)); // promoted again, timeline 2 once more
        assertThat(watch.formerPrimary("primary")).as("writing timeline 1 beside a new primary's timeline 2")
                .isPresent();
    }

    /** Kept evidence the replica no longer bears out (it was rebuilt, its position began again) is not measured against. */
    @Test
    void keptEvidenceAReplicaNoLongerBearsOutCountsForNothing() {
        DataTierWatch watch = new DataTierWatch();
        watch.restore(new DataTierEvidence(new DataTierEvidence.Point("primary", T0, 1, 5_000, List.of()), Map.of(
                "secondary", new DataTierEvidence.Point("primary", T0, 1, 5_000, List.of()))));
        Database.Observation.Observed rebuilt = Database.Observation.Observed.withWal(Database.Role.REPLICA,
                new Database.Wal(1, 4_000, false, List.of(), "replica", null, 0, 0));
        assertThat(watch.exposure("secondary", rebuilt, T0.plusSeconds(3))).isInstanceOf(LossExposure.Unknown.class);

        Database.Observation.Observed holds = Database.Observation.Observed.withWal(Database.Role.REPLICA,
                new Database.Wal(1, 5_200, false, List.of(), "replica", null, 0, 0));
        assertThat(watch.exposure("secondary", holds, T0.plusSeconds(3))).isEqualTo(new LossExposure.Window(
                Duration.ofSeconds(3), watch.exposure("secondary", holds, T0.plusSeconds(3)).describe().replaceFirst(
                        "^up to 3.0 s of acknowledged commits may be missing: ", "")));

        DataTierWatch sync = new DataTierWatch(); // a sole synchronous standby, kept: nothing lost, if it holds the sample
        sync.restore(new DataTierEvidence(new DataTierEvidence.Point("primary", T0, 1, 5_000, List.of("replica")),
                Map.of()));
        assertThat(sync.exposure("secondary", holds, T0.plusSeconds(60))).isInstanceOf(LossExposure.None.class);
        assertThat(sync.exposure("secondary", rebuilt, T0.plusSeconds(60))).isInstanceOf(LossExposure.Unknown.class);
    }

    /**
     * A failover held by the budget while the old primary does not answer says each once, not both on every pass
     * (before, the two results of the same step took turns as "the last said" and were both said again on every pass: a
     * result every 2.5 s on the timeline for as long as the hold lasted).
     */
    @Test
    void aHeldFailoverWithAnOldPrimaryThatDoesNotAnswerSaysEachOnce() {
        nodes.set(EAST, new Database.Observation.Unavailable("region cut off")).set(WEST, replica(60, 0));
        GroupReconciler group = reconciler();
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        for (int pass = 0; pass < 10; pass++) {
            clock.advance(group.run());
        }
        assertThat(group.status().dataTier().heldSince()).as("held").isNotNull();
        assertThat(database()).filteredOn(d -> d.startsWith("SKIPPED old primary")).hasSize(1);
        assertThat(database()).filteredOn(d -> d.startsWith("FAILED held")).hasSize(1);
    }

    /**
     * An old primary that was never fenced (its region was cut off during the failover) comes back writable on its old
     * timeline, and a failback decision to it arrives before the guard fenced it. Before, the database step took
     * "writable" for "already the primary": DNS moved to the old primary and the next pass fenced the new one, so every
     * write since the failover was left on a fenced node. A node that writes an older timeline than another writable
     * node is a former primary: never given traffic, fenced, the move blocked.
     */
    @Test
    void aFailbackToAnOldPrimaryBackWritableOnAnOlderTimelineNeverGetsTheTraffic() {
        GroupReconciler group = failedOverWithThePrimaryCutOff(TOPOLOGY);
        nodes.calls.clear();

        nodes.set(EAST, primaryOn(1)); // the old primary's server is back, as the primary it was
        group.offer(decision(2, DecisionKind.FAILBACK, "secondary", "primary"));
        run(group, 20);
        group.run(); // the blocked group's guard pass

        assertThat(servedIp()).as("traffic stays on the node that writes the newer timeline").isEqualTo("192.0.2.2");
        assertThat(nodes.calls).as("the former primary fenced, the new one never").contains("fence " + EAST)
                .doesNotContain("fence " + WEST);
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> assertThat(
                b.reason()).contains("former primary").contains("timeline 1").contains("timeline 2"));
    }

    /**
     * Found by DataTierNemesisIT (seeds 26 and 29): a second failover whose old primary (the secondary, promoted by the
     * first) still answers, to a tertiary whose replica follows the original primary's timeline. That replica can never
     * receive what the secondary wrote, so the fence is not made: fencing the only node that takes writes for a
     * promotion that cannot follow left no writable node and a wait that never ended ("waiting for tertiary's replica
     * to receive everything"). The move is held, saying to re-point the replica.
     */
    @Test
    void aReplicaOfAnOlderTimelineIsNotWaitedForAndTheWritingOldPrimaryIsNotFenced() {
        GroupReconciler group = failedOverWithThePrimaryCutOff(THREE);
        nodes.set(EU, Database.Observation.Observed.withWal(Database.Role.REPLICA, new Database.Wal(1, 900,
                false, List.of(), "tertiary", null, 0, 0)));
        secondFailoverHeld(group, "follows timeline 1", "writes timeline 2");
        assertThat(servedIp()).isEqualTo("192.0.2.2");

        nodes.calls.clear();
        group.offer(decision(3, DecisionKind.FORCE, "secondary", "tertiary"));
        run(group, 20);
        assertThat(nodes.calls).as("an operator's force moves all the same").containsSubsequence("fence " + WEST,
                "promote " + EU);
    }

    /**
     * The same with the tertiary's WAL receiver down, as when the original primary crashed: it reports no timeline, and
     * the one it was last seen to have received (the original primary's, timeline 1) stands in. Found by
     * DataTierNemesisIT's seed 5 after the fix above, which only looked at the timeline the replica reports.
     */
    @Test
    void aReplicaWhoseReceiverIsDownIsJudgedByTheTimelineItWasLastSeenToReceive() {
        Database.Wal primaryWal = new Database.Wal(1, 5_000, false, List.of(), null, null, 0, 0);
        nodes.set(EAST, Database.Observation.Observed.withWal(Database.Role.WRITABLE, primaryWal))
                .set(WEST,
                        Database.Observation.Observed.withWal(Database.Role.REPLICA, new Database.Wal(1, 5_000,
                                false, List.of(), "replica", null, 0, 0)))
                .set(EU, Database.Observation.Observed.withWal(Database.Role.REPLICA,
                        new Database.Wal(1, 5_000,
                                false, List.of(), "tertiary", null, 0, 0)));
        GroupReconciler group = reconciler(THREE);
        for (int i = 0; i < 3; i++) {
            group.watchDataTier();
            clock.advance(Duration.ofSeconds(1));
        }
        nodes.set(EAST, new Database.Observation.Unavailable("region lost"));
        nodes.set(EU, Database.Observation.Observed.withWal(Database.Role.REPLICA, new Database.Wal(0, 5_000,
                false, List.of(), "tertiary", null, 0, 0))); // its primary gone: the receiver is down
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        nodes.set(WEST, primaryOn(2));
        group.watchDataTier();
        secondFailoverHeld(group, "follows timeline 1");
    }

    /**
     * A failover from the secondary (writing) to the tertiary is held before anything is fenced or promoted, saying to
     * re-point the tertiary, and {@code mentions}.
     */
    void secondFailoverHeld(GroupReconciler group, String... mentions) {
        nodes.calls.clear();
        group.offer(decision(2, DecisionKind.FAILOVER, "secondary", "tertiary"));
        run(group, 20);

        assertThat(nodes.calls).as("the secondary, the only writer, not fenced; nothing promoted")
                .noneMatch(c -> c.startsWith("fence ") || c.startsWith("promote "));
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class, c -> assertThat(
                c.lastError()).contains("Re-point it at secondary's node").contains(mentions));
    }

    /** A group whose record the initial state wrote (epoch 0), serving the primary, watched once. */
    GroupReconciler servedByTheInitialState(Topology topology) {
        dns.store.write(new RecordWrite(GroupReconcilerTest.KEY, null, new OwnerMark("api", 0,
                DesiredState.INITIAL_DECISION_ID), List.of(RecordSet.simple(30, Set.of("192.0.2.1")))));
        GroupReconciler group = reconciler(topology);
        run(group, 3);
        return group;
    }

    /** A replica that names the node it replicates, as RDS does ({@code ReadReplicaSourceDBInstanceIdentifier}). */
    static Database.Observation replicaOf(String source, double lagSeconds) {
        return Database.Observation.Observed.replicaByLag(lagSeconds, source);
    }

    /**
     * RDS lineage (ADR 0020, "Lineage of a backend without timelines"): after a failover to the secondary, the tertiary
     * still replicates the old, fenced primary (RDS keeps a read replica replicating a source fenced by its parameter
     * group), with a lag of 0, for nothing is written there. A second failover to it must not fence the secondary, the
     * one writer, and promote it: everything written since the first failover would be lost. Before, it was promoted
     * within the budget by its lag alone.
     */
    @Test
    void aSecondFailoverHoldsAReplicaThatStillReplicatesTheFirstFencedPrimary() {
        nodes.set(EAST, writable()).set(WEST, replicaOf(EAST, 0)).set(EU, replicaOf(EAST, 0));
        GroupReconciler group = servedByTheInitialState(THREE);
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);
        assertThat(nodes.calls).containsSubsequence("fence " + EAST, "promote " + WEST);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
        group.run(); // the converged group sees the secondary write

        secondFailoverHeld(group, "replicates " + EAST, "not the old primary");
        assertThat(database()).anyMatch(r -> r.startsWith("FAILED held: tertiary's replica replicates " + EAST));
    }

    /** The same tertiary re-pointed at the secondary is promoted within the budget. */
    @Test
    void aReplicaOfTheNodeThatWritesIsPromotedOnItsLag() {
        nodes.set(EAST, writable()).set(WEST, replicaOf(EAST, 0)).set(EU, replicaOf(EAST, 0));
        GroupReconciler group = servedByTheInitialState(THREE);
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);
        group.run();
        nodes.set(EU, replicaOf(WEST, 2));
        nodes.calls.clear();
        group.offer(decision(2, DecisionKind.FAILOVER, "secondary", "tertiary"));
        run(group, 20);
        assertThat(nodes.calls).containsSubsequence("fence " + WEST, "promote " + EU);
        assertThat(servedIp()).isEqualTo("192.0.2.3");
    }

    /**
     * The guard against a second writer runs whatever the group's convergence. Here a later decision (to the tertiary,
     * whose login is refused) blocked the group; the old primary then comes back writable on its old timeline. Before,
     * a blocked group ran no pass until a retry or a new decision, and the old primary took writes for as long as that
     * lasted.
     */
    @Test
    void anOldPrimaryBackWritableIsFencedWhileTheGroupIsBlocked() {
        GroupReconciler group = failedOverWithThePrimaryCutOff(THREE);
        nodes.set(EU, new Database.Observation.Rejected("password authentication failed (SQLSTATE 28P01)"));
        group.offer(decision(2, DecisionKind.FAILOVER, "secondary", "tertiary"));
        run(group, 20);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Blocked.class);
        nodes.calls.clear();

        nodes.set(EAST, primaryOn(1));
        clock.advance(Duration.ofSeconds(31)); // past the watch's wait for a node that did not answer
        assertThat(group.watchDataTier()).as("a pass now").map(Watched::passNow).contains(true);
        group.run();

        assertThat(nodes.calls).containsExactly("fence " + EAST);
        assertThat(group.status().convergence()).as("still blocked on its own reason").isInstanceOf(
                Convergence.Blocked.class);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
    }

    /**
     * A region's failover keeps Route 53's turns busy with other groups' switches, and a settled group's resync read
     * stands aside then (ADR 0022). An old primary of a settled group back writable is a second writer: the pass that
     * fences it reads the record first at a switch's priority, so it is not deferred for as long as the switches last.
     */
    @Test
    void anOldPrimaryBackWritableIsFencedWhileOtherGroupsSwitch() {
        GroupReconciler group = failedOverWithThePrimaryCutOff(TOPOLOGY);
        nodes.calls.clear();
        dns.switchesWaiting = true;

        nodes.set(EAST, primaryOn(1)); // the old primary's server is back, as the primary it was
        clock.advance(Duration.ofSeconds(31)); // past the watch's wait for a node that did not answer
        assertThat(group.watchDataTier()).as("a pass now").map(Watched::passNow).contains(true);
        group.run();

        assertThat(nodes.calls).containsExactly("fence " + EAST);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
    }

    /**
     * Under {@code drift: report} the plane undoes nothing someone else did. An old primary that comes back never
     * fenced is the plane's own fence still owed: fenced under either policy. Made writable again by hand after the
     * plane fenced it, it is someone's change: said (the result, and the FailoverTwoWritableDatabases alert from the
     * writable gauges), not fenced again, under {@code drift: report}; fenced again under {@code correct}.
     */
    @Test
    void underDriftReportANodeUnfencedByHandIsSaidNotFencedAgain() {
        Topology report = withDrift("report");
        GroupReconciler group = failedOverWithThePrimaryCutOff(report);
        nodes.calls.clear();

        nodes.set(EAST, primaryOn(1)); // back, never fenced: the fence is owed
        group.run();
        assertThat(nodes.calls).containsExactly("fence " + EAST);
        group.run(); // seen fenced

        nodes.set(EAST, primaryOn(1)); // someone reset default_transaction_read_only on it
        group.run();
        group.run();
        assertThat(nodes.calls).as("not fenced again").containsExactly("fence " + EAST);
        assertThat(database()).as("said once").filteredOn(d -> d.contains("not fenced again (drift: report)"))
                .hasSize(1);
    }

    /**
     * pg_upgrade starts the upgraded primary on timeline 1 (a new cluster, a new system identifier): the group's primary
     * is not a former primary of itself, and it is neither fenced nor kept from traffic, under drift: correct too.
     */
    @Test
    void thePrimaryUpgradedByPgUpgradeOnTimelineOneIsNotAFormerPrimary() {
        Topology correct = withDrift("correct");
        GroupReconciler group = failedOverWithThePrimaryCutOff(correct);
        nodes.set(EAST, replica(0, 0)); // the old primary rebuilt as a replica
        nodes.set(WEST, primaryOn(2, 7_000_000_000_000_000_001L)); // its system identifier, once it reports one
        group.run();
        nodes.calls.clear();

        nodes.set(WEST, primaryOn(1, 7_000_000_000_000_000_002L)); // upgraded: timeline 1, a new system identifier
        for (int i = 0; i < 3; i++) {
            group.run();
        }
        assertThat(nodes.calls).as("the upgraded primary is left writing").isEmpty();
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(servedIp()).isEqualTo("192.0.2.2");

        // the old cluster's node, writable again on a timeline above the upgraded one's: of another system, not newer
        nodes.set(EAST, primaryOn(3, 7_000_000_000_000_000_001L));
        group.run();
        assertThat(nodes.calls).containsExactly("fence " + EAST);
        assertThat(database()).anySatisfy(d -> assertThat(d).contains("takes writes as a former primary")
                .contains("system identifier 7000000000000000001"));
    }

    @Test
    void underDriftCorrectANodeUnfencedByHandIsFencedAgain() {
        Topology correct = withDrift("correct");
        GroupReconciler group = failedOverWithThePrimaryCutOff(correct);
        nodes.calls.clear();
        nodes.set(EAST, primaryOn(1));
        group.run();
        group.run();
        nodes.set(EAST, primaryOn(1));
        group.run();
        assertThat(nodes.calls).containsExactly("fence " + EAST, "fence " + EAST);
    }

    @Test
    void anUnplannedFailoverPromotesAReplicaWithinTheBudgetBeforeDnsMovesAndFencesAnOldPrimaryThatAnswers() {
        nodes.set(EAST, writable()).set(WEST, replica(4.0, 1_000));
        GroupReconciler group = reconciler();
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);

        assertThat(nodes.calls).as("the old primary fenced before the replica is promoted")
                .containsExactly("fence " + EAST, "promote " + WEST);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
        assertThat(results.stream().map(r -> r.step().name()).toList()).as("database before DNS")
                .containsSubsequence("DATABASE", "DNS_SWITCH");
        assertThat(database()).anySatisfy(d -> assertThat(d).startsWith("SUCCEEDED promotion of " + WEST)
                .contains("FAILOVER, replica lag 4.0 s"));
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
    }

    /**
     * A promotion refused for good after the move fenced the old primary (ADR 0020, "A promotion refused after the
     * fence"): the old primary, the one complete copy, is unfenced, and the move is BLOCKED saying so. Before, it stayed
     * fenced beside an unpromoted replica: no node took writes until a person stepped in.
     */
    @Test
    void aPromotionRefusedAfterTheFenceUnfencesTheOldPrimaryInsteadOfLeavingNoWriter() {
        nodes.set(EAST, writable()).set(WEST, replica(0, 0));
        nodes.refusePromotion.add(WEST);
        GroupReconciler group = reconciler(withDrift("correct"));
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);

        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST, "unfence " + EAST);
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> assertThat(
                b.reason()).contains("promotion of secondary's database refused").contains("primary's database, fenced"
                        + " for this move, unfenced"));
        clock.advance(Duration.ofSeconds(5));
        group.run(); // the watch sees it writable: neither a former primary nor unfenced by hand, so not fenced again
        assertThat(nodes.calls).as("not fenced again").containsExactly("fence " + EAST, "promote " + WEST,
                "unfence " + EAST);
        assertThat(group.latestDesired().lastPromoted()).as("a refused promotion is no promotion of the plane's")
                .isEmpty();
    }

    /** A node fenced before this move (an old primary of an earlier one) is not unfenced when a promotion is refused. */
    @Test
    void aPromotionRefusedUnfencesNothingThisMoveDidNotFence() {
        nodes.set(EAST, Database.Observation.Observed.fenced()).set(WEST, replica(0, 0));
        nodes.refusePromotion.add(WEST);
        GroupReconciler group = reconciler();
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);

        assertThat(nodes.calls).containsExactly("promote " + WEST);
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> assertThat(
                b.reason()).contains("promotion of secondary's database refused").doesNotContain("unfenced"));
    }

    /** The group of {@link #TOPOLOGY} under the drift policy {@code drift}. */
    static Topology withDrift(String drift) {
        return TopologyLoader.parse(topologyYaml(EAST, WEST, 30).replace("ttl: 30}", "ttl: 30, drift: " + drift + "}"),
                "test");
    }

    /** {@code yaml} of {@link #topologyYaml} with the default for an unreachable old primary (hold). */
    static String holding(String yaml) {
        return yaml.replace(", unreachablePrimary: promote-within-budget", "");
    }

    /**
     * The group of {@link #topology} with the default for an unreachable old primary (hold), the primary's node with a
     * fence agent of {@code selfFenceSeconds} (null: none).
     */
    static Topology holding(Integer selfFenceSeconds) {
        return TopologyLoader.parse(holding(topologyYaml(EAST, WEST, 30))
                .replace("credentials: app-east}", "credentials: app-east" + (selfFenceSeconds == null ? ""
                        : ", selfFenceSeconds: " + selfFenceSeconds) + "}"),
                "test");
    }

    /**
     * The primary's node cut off (it does not answer), the secondary's replica caught up, the group of
     * {@link #holding(Integer)} served and offered a move of {@code kind} to the secondary.
     */
    GroupReconciler cutOff(Integer selfFenceSeconds, DecisionKind kind) {
        nodes.set(EAST, new Database.Observation.Unavailable("connect timed out")).set(WEST, replica(0, 0));
        GroupReconciler group = run(reconciler(holding(selfFenceSeconds)), 20);
        group.offer(decision(1, kind, "primary", "secondary"));
        return group;
    }

    /**
     * A partition (ADR 0020, "A promotion beside an unreachable old primary"): the old primary cannot be reached from the
     * plane, but nothing shows that its own clients stopped writing to it. Without a fence agent the failover holds, said
     * once, until the node answers: then it is fenced, and the move goes on as with any old primary that answers. Before,
     * it promoted beside it at once and every write the old primary took from then on was lost.
     */
    @Test
    void anOldPrimaryThatCannotBeReachedHoldsTheFailoverUntilItAnswers() {
        GroupReconciler group = run(cutOff(null, DecisionKind.FAILOVER), 40);

        assertThat(nodes.calls).as("nothing promoted beside it").isEmpty();
        assertThat(database()).as("said once").filteredOn(d -> d.startsWith("FAILED")).singleElement()
                .satisfies(d -> assertThat(d).startsWith("FAILED held: the old primary "
                        + EAST + " cannot be reached (connect timed out) and nothing shows that its writes stopped")
                        .contains("force").contains("selfFenceSeconds").contains("promote-within-budget"));
        assertThat(group.status().dataTier().heldSince()).isNotNull();

        nodes.set(EAST, writable()); // the partition heals
        run(group, 40);
        assertThat(nodes.calls).as("fenced, then promoted").containsExactly("fence " + EAST, "promote " + WEST);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
    }

    /**
     * With a fence agent beside the old primary, the promotion waits until the agent's lease has run out (counted from
     * when this instance first found the node unreachable under the move, plus a margin): by then the agent has stopped
     * the server. A replica still streaming from the old primary shows it alive: held.
     */
    @Test
    void aPromotionBesideAnUnreachableOldPrimaryWaitsForItsFenceAgentsLease() {
        GroupReconciler group = cutOff(10, DecisionKind.FAILOVER);
        watch.facts().askedToWrite("primary", clock.instant()); // its agent asked, before the cut
        java.time.Instant first = null;
        java.time.Instant promoted = null;
        for (int i = 0; i < 200 && promoted == null; i++) {
            Duration wait = group.run();
            if (first == null && group.status().convergence() instanceof Convergence.Converging) {
                first = clock.instant();
            }
            if (nodes.calls.contains("promote " + WEST)) {
                promoted = clock.instant();
            }
            clock.advance(wait);
        }
        assertThat(promoted).as("promoted once the lease ran out").isNotNull();
        assertThat(Duration.between(first, promoted)).isBetween(Duration.ofSeconds(12), Duration.ofSeconds(15));
        assertThat(database())
                .anySatisfy(d -> assertThat(d).startsWith("SKIPPED old primary " + EAST + " not reachable")
                        .contains("its fence agent stopped it"));
    }

    /** selfFenceSeconds says an agent runs beside the node; without a question from it, nothing shows one does. */
    @Test
    void aFenceAgentThatNeverAskedIsNotTrustedToHaveStoppedTheOldPrimary() {
        GroupReconciler group = run(cutOff(10, DecisionKind.FAILOVER), 200);

        assertThat(nodes.calls).isEmpty();
        assertThat(database()).filteredOn(d -> d.startsWith("FAILED")).singleElement().satisfies(d -> assertThat(d)
                .contains("no fence agent beside it has asked this actuator whether it may write since this actuator"
                        + " started"));
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converging.class);
    }

    @Test
    void aReplicaStillStreamingFromTheUnreachableOldPrimaryHoldsTheFailover() {
        nodes.set(EAST, new Database.Observation.Unavailable("connect timed out")).set(WEST,
                Database.Observation.Observed.withWal(Database.Role.REPLICA,
                        new Database.Wal(1, 5_000, false, List.of(), "replica",
                                new Database.Receiver(true, "db.us-east-1.example.test:5432", T0), 0, 0)));
        GroupReconciler group = run(reconciler(holding(10)), 20);
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 60);

        assertThat(nodes.calls).isEmpty();
        assertThat(database()).filteredOn(d -> d.startsWith("FAILED")).singleElement()
                .satisfies(d -> assertThat(d).contains("still streams from"
                        + " db.us-east-1.example.test:5432").contains("it is alive"));
    }

    /** An operator's force promotes beside an unreachable old primary, and the result names the risk it takes. */
    @Test
    void anOperatorsForcePromotesBesideAnUnreachableOldPrimaryNamingTheRisk() {
        GroupReconciler group = run(cutOff(null, DecisionKind.FORCE), 20);

        assertThat(nodes.calls).containsExactly("promote " + WEST);
        assertThat(database())
                .anySatisfy(d -> assertThat(d).startsWith("SKIPPED old primary " + EAST + " not reachable")
                        .contains("operator's force, which takes the risk that it still takes writes"));
    }

    @Test
    void anOldPrimaryThatDoesNotAnswerIsLeftAndSaidSo() {
        nodes.set(EAST, new Database.Observation.Unavailable("connect timed out")).set(WEST, replica(0, 0));
        GroupReconciler group = run(reconciler(), 20);
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);

        assertThat(nodes.calls).containsExactly("promote " + WEST);
        assertThat(database())
                .anySatisfy(d -> assertThat(d).startsWith("SKIPPED old primary " + EAST + " not reachable"));
        assertThat(servedIp()).isEqualTo("192.0.2.2");
    }

    @Test
    void anOldPrimaryThatComesBackWritableIsFencedOnTheNextPassOfTheConvergedGroup() {
        nodes.set(EAST, new Database.Observation.Unavailable("region cut off")).set(WEST, replica(0, 0));
        GroupReconciler group = reconciler();
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(nodes.calls).containsExactly("promote " + WEST);

        nodes.set(EAST, writable()); // the region is back, its server restarted as the primary it was
        group.run();
        assertThat(nodes.calls).containsExactly("promote " + WEST, "fence " + EAST);
        assertThat(database()).anySatisfy(d -> assertThat(d).startsWith("SUCCEEDED primary's database " + EAST
                + " takes writes as a former primary (the plane promoted secondary's node"));
        assertThat(group.status().convergence()).as("still converged").isInstanceOf(Convergence.Converged.class);

        group.run();
        assertThat(nodes.calls).as("a fenced node is left as it is").hasSize(2);
    }

    /**
     * ADR 0020, "Lineage of a backend without timelines": a node without timelines (RDS) shows itself a former primary
     * only by which node the plane promoted. That was the promoting instance's memory: after a takeover, a failback to
     * the old primary, back writable, sent it the traffic and fenced the node every write since the failover went to.
     * The promotion is kept in the signed desired state, so a new owner knows it.
     */
    @Test
    void aNewOwnerKnowsWhichNodeThePlanePromotedForABackendWithoutTimelines() {
        nodes.set(EAST, new Database.Observation.Unavailable("region cut off")).set(WEST, replica(0, 0));
        GroupReconciler first = reconciler();
        first.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(first, 20);
        assertThat(nodes.calls).containsExactly("promote " + WEST);

        GroupReconciler next = reconciler(TOPOLOGY, new dev.failover.actuator.domain.data.GroupWatch("api",
                EvidenceStore.NONE)); // another instance, which did not see the promotion
        next.restore(first.latestDesired()); // the group moves to it
        clock.advance(Duration.ofMinutes(3));
        next.run();
        assertThat(next.status().dataTier().unfencedSincePromotion("primary", clock.instant())).as("what the alert"
                + " FailoverOldPrimaryNotFenced reads, on the new owner").hasValueSatisfying(
                        d -> assertThat(d)
                                .isGreaterThanOrEqualTo(Duration.ofMinutes(3)));
        nodes.set(EAST, writable()); // the old primary's region is back, its server restarted as the primary it was
        next.watchDataTier();
        next.offer(decision(2, DecisionKind.FAILBACK, "secondary", "primary"));
        run(next, 20);

        assertThat(servedIp()).as("traffic stays on the node the plane promoted").isEqualTo("192.0.2.2");
        assertThat(nodes.calls).as("the former primary fenced; the promoted node, the one every write since went to,"
                + " never").contains("fence " + EAST).doesNotContain("fence " + WEST);
        assertThat(database())
                .anySatisfy(d -> assertThat(d).contains("former primary (the plane promoted secondary's"));
        assertThat(next.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> assertThat(
                b.reason()).contains("fenced as an old primary"));
    }

    /**
     * An old primary back from a region that was cut off takes writes until it is fenced. The watch sees it within its
     * interval and asks for a pass at once (which fences it after its ownership check), instead of leaving it to the
     * next resync; once, not every second while it stays writable.
     */
    @Test
    void theWatchAsksForAPassAtOnceWhenASecondWriterAppears() {
        nodes.set(EAST, new Database.Observation.Unavailable("region cut off")).set(WEST, replica(0, 0));
        GroupReconciler group = reconciler();
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);
        assertThat(group.watchDataTier()).map(Watched::passNow).contains(false);

        nodes.set(EAST, writable()); // the old primary's server is back, as the primary it was
        clock.advance(Duration.ofSeconds(31)); // past the watch's wait for a node that did not answer
        assertThat(group.watchDataTier()).as("a pass now").map(Watched::passNow).contains(true);
        assertThat(group.watchDataTier()).as("once").map(Watched::passNow).contains(false);
        group.run();
        assertThat(nodes.calls).contains("fence " + EAST);
    }

    /**
     * A fence that keeps failing on an old primary that came back is said once while it fails, not on every pass of the
     * converged group (a flood of results and timeline entries); it is tried on every pass.
     */
    @Test
    void aFenceOfAReturningOldPrimaryThatKeepsFailingIsSaidOnce() {
        nodes.set(EAST, new Database.Observation.Unavailable("region cut off")).set(WEST, replica(0, 0));
        GroupReconciler group = reconciler();
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);

        nodes.set(EAST, writable());
        nodes.refuseFence.add(EAST);
        for (int pass = 0; pass < 5; pass++) {
            clock.advance(group.run());
        }
        assertThat(nodes.calls).as("tried on every pass").filteredOn(c -> c.equals("fence " + EAST)).hasSize(5);
        assertThat(database()).as("said once").filteredOn(d -> d.startsWith("FAILED primary's database")).hasSize(1);
    }

    /**
     * A region cut off drops packets: every call to its node takes the call timeout. The failover tries the old primary
     * once, before the promotion; nothing after it waits on that node again before DNS is switched.
     */
    @Test
    void anOldPrimaryInACutOffRegionCostsOneCallTimeoutBeforeTheDnsWriteNotOnePerStep() {
        nodes.set(EAST, writable()).set(WEST, replica(0, 0));
        nodes.cutOff.add(EAST);
        List<java.time.Instant> writtenAt = new ArrayList<>();
        dns.beforeWrite = () -> writtenAt.add(clock.instant());
        GroupReconciler group = reconciler();
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);

        assertThat(servedIp()).isEqualTo("192.0.2.2");
        assertThat(writtenAt).as("one DNS write").hasSize(1);
        assertThat(Duration.between(T0, writtenAt.get(0)))
                .as("decision to DNS write: one timeout on the old primary and "
                        + "the first backoff after the promotion (" + nodes.calls + ")")
                .isLessThanOrEqualTo(CALL_TIMEOUT.plus(
                        settings.backoff().after(1)));
    }

    @Test
    void aReplicaLaggingBeyondTheBudgetHoldsTheFailoverUntilItCatchesUp() {
        nodes.set(EAST, new Database.Observation.Unavailable("region lost")).set(WEST, replica(45.0, 9_000));
        GroupReconciler group = reconciler();
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 10);

        assertThat(nodes.calls).as("nothing promoted").isEmpty();
        assertThat(dns.successfulWrites).as("DNS not switched").isZero();
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class, c -> assertThat(
                c.lastError()).contains("held by the data-loss budget").contains("up to 45.0 s of acknowledged commits")
                .contains("safety.maxDataLossSeconds 30"));
        assertThat(database()).anySatisfy(d -> assertThat(d).startsWith("FAILED held:"));
        assertThat(group.status().dataTier().heldSince()).as("held since the first pass").isEqualTo(T0);
        assertThat(group.status().dataTier().nodes().get("secondary").lagSeconds()).isEqualTo(45.0);

        nodes.set(WEST, replica(12.0, 100));
        run(group, 20);
        assertThat(nodes.calls).containsExactly("promote " + WEST);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
        assertThat(group.status().dataTier().heldSince()).as("the hold is over").isNull();
        assertThat(group.status().dataTier().lastPromotion()).as("requested, seen writable after the first backoff, not"
                + " the scaling poll").isEqualTo(settings.backoff().after(1)).isLessThan(settings.capacityPoll());
        assertThat(database()).anySatisfy(d -> assertThat(d).isEqualTo("SUCCEEDED secondary's database " + WEST
                + " is writable, 0.2 s after its promotion was requested"));
    }

    @Test
    void theStandbysLagIsWatchedBeforeAnyDecisionAndNothingIsFencedThen() {
        nodes.set(EAST, writable()).set(WEST, replica(4.0, 1_000));
        dns.store.write(new RecordWrite(GroupReconcilerTest.KEY, null, new OwnerMark("api", 0,
                DesiredState.INITIAL_DECISION_ID), List.of(RecordSet.simple(30, Set.of("192.0.2.1")))));
        GroupReconciler group = run(reconciler(), 20);

        assertThat(group.status().convergence()).as("the initial state, served")
                .isInstanceOf(Convergence.Converged.class);
        DataTier seen = group.status().dataTier();
        assertThat(seen.nodes().get("primary").writable()).isTrue();
        assertThat(seen.nodes().get("secondary").lagSeconds()).isEqualTo(4.0);
        assertThat(seen.nodes().get("secondary").writable()).isFalse();

        nodes.set(WEST, writable()); // promoted by hand: before any decision, said by the metrics, not fenced here
        nodes.set(EAST, new Database.Observation.Unavailable("region cut off"));
        clock.advance(settings.resync());
        group.run();
        assertThat(nodes.calls).isEmpty();
        assertThat(group.status().dataTier().nodes().get("secondary").writable()).isTrue();
        assertThat(group.status().dataTier().nodes().get("primary").answered()).isFalse();
        assertThat(group.status().dataTier().nodes().get("primary").lagSeconds()).isNaN();
    }

    @Test
    void anOperatorsForcePromotesWhateverTheLag() {
        nodes.set(EAST, new Database.Observation.Unavailable("region lost")).set(WEST, replica(600.0, 90_000));
        GroupReconciler group = reconciler();
        group.offer(decision(1, DecisionKind.FORCE, "primary", "secondary"));
        run(group, 20);

        assertThat(nodes.calls).containsExactly("promote " + WEST);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
    }

    /** A node on timeline 1 at {@code lsn}, whose next transaction id is {@code nextXid}. */
    static Database.Observation node(Role role, long lsn, long nextXid) {
        return Database.Observation.Observed.withWal(role, new Database.Wal(1, lsn, false, List.of(),
                role == Role.REPLICA ? "replica" : null, null, nextXid, 0));
    }

    /** A planned switchover fenced the primary and promoted the secondary; then every DNS write is refused. */
    GroupReconciler switchoverRefusedAfterThePromotion() {
        nodes.set(EAST, node(Role.WRITABLE, 800, 500)).set(WEST, node(Role.REPLICA, 800, 500));
        servedByEpoch1("192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.SWITCHOVER, "primary", "secondary"));
        for (int pass = 0; pass < 20 && !nodes.calls.contains("fence " + EAST); pass++) {
            clock.advance(group.run()); // the first step, which lowers the TTL, is written; then the fence
        }
        for (int refusals = 0; refusals < 50; refusals++) {
            dns.writeFailures.add(new DnsProvider.WriteOutcome.Rejected("REFUSED"));
        }
        for (int pass = 0; pass < 10 && !nodes.calls.contains("promote " + WEST); pass++) {
            clock.advance(group.run());
        }
        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST);
        return group;
    }

    /**
     * A fence that closes the application's database (ADR 0020, "A fence no client passes") closes it on the replica too,
     * with the WAL the promotion waits for: the promoted node is opened once the switch is served, after the DNS write,
     * and not before (opening is a transaction there, which would spoil the way back's proof). Before, nothing opened
     * it: the group converged on a database that took no session.
     */
    @Test
    void aPromotedNodeThatArrivedClosedIsOpenedOnceTheSwitchIsServed() {
        nodes.catalogFence = true;
        nodes.set(EAST, node(Role.WRITABLE, 800, 500)).set(WEST, node(Role.REPLICA, 800, 500));
        servedByEpoch1("192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.SWITCHOVER, "primary", "secondary"));
        run(group, 40);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST, "unfence " + WEST);
        assertThat(nodes.nodes.get(WEST)).isInstanceOfSatisfying(Observation.Observed.class, o -> {
            assertThat(o.role()).isEqualTo(Role.WRITABLE);
            assertThat(o.closed()).as("open to new sessions").isFalse();
        });
        List<String> steps = results.stream().map(r -> r.step() + " " + r.status() + " " + r.details()).toList();
        int switched = steps.stream().filter(r -> r.startsWith("DNS_SWITCH SUCCEEDED")).map(steps::indexOf).findFirst()
                .orElseThrow();
        assertThat(steps.stream().filter(r -> r.contains("opened now that the switch is served")).findFirst()
                .map(steps::indexOf)).as("opened after the switch was written").hasValueSatisfying(
                        opened -> assertThat(opened).isGreaterThan(switched));
    }

    /**
     * The way back with a fence that closes the application's database: the promoted node, never opened (the switch
     * was refused), shows its next transaction id unchanged, and the move is taken back.
     */
    @Test
    void theWayBackOfAPromotedNodeThatArrivedClosedLeavesItClosed() {
        nodes.catalogFence = true;
        GroupReconciler group = switchoverRefusedAfterThePromotion();
        run(group, 20);

        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST, "fence " + WEST, "unfence " + EAST);
        assertThat(group.latestDesired().promotion().phase()).isEqualTo(DesiredState.Phase.TAKEN_BACK);
    }

    /**
     * The way back, performed (ADR 0020): a planned move's switch refused after the promotion, with no write on the
     * promoted node, is undone: the promoted node fenced, its next transaction id shown unchanged, the old primary
     * unfenced. The served application has its database back; the abandoned timeline does not make the old primary a
     * former primary to fence (before: the group kept retrying with the old region's application on a read-only
     * database until someone fixed the DNS provider or took the way back by hand).
     */
    @Test
    void aPlannedMoveWhoseSwitchIsRefusedAfterThePromotionIsTakenBackWhenNoWriteReachedIt() {
        GroupReconciler group = switchoverRefusedAfterThePromotion();
        run(group, 20);

        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST, "fence " + WEST, "unfence " + EAST);
        assertThat(nodes.nodes.get(EAST)).isInstanceOfSatisfying(Observation.Observed.class,
                o -> assertThat(o.role()).as("the old primary").isEqualTo(Role.WRITABLE));
        assertThat(nodes.nodes.get(WEST)).isInstanceOfSatisfying(Observation.Observed.class,
                o -> assertThat(o.role()).as("the promoted node").isEqualTo(Role.FENCED));
        assertThat(servedIp()).isEqualTo("192.0.2.1");
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> assertThat(
                b.reason()).contains("the way back taken").contains("next transaction id 500, unchanged")
                .contains("rebuild it as a replica of primary's"));
        assertThat(group.latestDesired().promotion().phase()).isEqualTo(DesiredState.Phase.TAKEN_BACK);
        for (int pass = 0; pass < 5; pass++) { // the blocked group's guard
            clock.advance(group.run());
        }
        assertThat(nodes.calls).as("the old primary, writing the older timeline again, not fenced as a former primary")
                .containsExactly("fence " + EAST, "promote " + WEST, "fence " + WEST, "unfence " + EAST);
    }

    /**
     * Another instance watched the promoted node write its new timeline, and takes the group over only after a later
     * decision replaced the desired state of the way back: that state carries the promotion taken back, so the old
     * primary, writing the older timeline again, is not fenced as a former primary. Once the promoted node is rebuilt
     * (a replica again), a timeline it begins is a new primary's whatever its number.
     */
    @Test
    void aLaterOwnerThatSawThePromotedNodeWritingLearnsTheWayBackFromTheNewestDesiredState() {
        GroupReconciler group = switchoverRefusedAfterThePromotion();
        GroupReconciler other = reconciler(TopologyLoader.parse(topologyYaml(EAST, WEST, 30).replace( // drift: correct,
                "dns: {zone: example.test., name: api.example.test., ttl: 30}", // so a former primary would be fenced
                "dns: {zone: example.test., name: api.example.test., ttl: 30, drift: correct}"), "test"));
        other.watchDataTier(); // another instance, watching the group without driving it, sees timeline 2 written
        run(group, 20);
        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST, "fence " + WEST, "unfence " + EAST);

        group.offer(decision(3, DecisionKind.SWITCHOVER, "primary", "secondary")); // a later decision
        assertThat(group.latestDesired().promotion()).as("carried").satisfies(p -> {
            assertThat(p.phase()).isEqualTo(DesiredState.Phase.TAKEN_BACK);
            assertThat(p.epoch()).isEqualTo(2);
        });
        other.restore(group.latestDesired()); // the group moves to the other instance
        dns.writeFailures.clear(); // the policy fixed: the new decision's first step is written, then it reaches the node
        for (int pass = 0; pass < 10; pass++) {
            other.watchDataTier(); // its watch sees the old primary writing timeline 1 again
            clock.advance(other.run());
        }
        assertThat(nodes.calls).as("the old primary not fenced by the new owner")
                .containsExactly("fence " + EAST, "promote " + WEST, "fence " + WEST, "unfence " + EAST);
        assertThat(other.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class,
                b -> assertThat(b.reason()).contains("the way back taken"));
    }

    /** The old primary does not answer: the promoted node is not fenced (no node would take writes) until it does. */
    @Test
    void theWayBackWaitsForTheOldPrimaryBeforeItFencesThePromotedNode() {
        GroupReconciler group = switchoverRefusedAfterThePromotion();
        Observation fencedPrimary = nodes.nodes.get(EAST);
        nodes.set(EAST, new Observation.Unavailable("region cut off"));
        for (int pass = 0; pass < 10; pass++) {
            clock.advance(group.run());
        }
        assertThat(nodes.calls).as("nothing fenced while the old primary does not answer")
                .containsExactly("fence " + EAST, "promote " + WEST);
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class,
                c -> assertThat(c.lastError()).contains("the way back waits for primary's database"));

        nodes.set(EAST, fencedPrimary); // it answers again
        run(group, 20);
        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST, "fence " + WEST, "unfence " + EAST);
    }

    /** A write reached the promoted node before the way back began: it holds what the old primary lacks; kept. */
    @Test
    void aPromotedNodeThatTookAWriteIsKeptAndTheSwitchRetried() {
        GroupReconciler group = switchoverRefusedAfterThePromotion();
        nodes.set(WEST, Observation.Observed.withWal(Role.WRITABLE, new Database.Wal(2, 900, false, List.of(),
                null, null, 501, 0)));
        run(group, 20);

        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST);
        assertThat(group.latestDesired().promotion().phase()).isEqualTo(DesiredState.Phase.KEPT);
        assertThat(database()).anySatisfy(d -> assertThat(d).contains("no way back").contains("next transaction id 501,"
                + " 500 before it"));
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class,
                c -> assertThat(c.lastError()).contains("DNS refuses the switch"));
    }

    /** A write raced the fence of the promoted node: seen after it, the node is unfenced again and the move kept. */
    @Test
    void aWriteThatRacedTheFenceOfThePromotedNodeKeepsTheMove() {
        GroupReconciler group = switchoverRefusedAfterThePromotion();
        for (int pass = 0; pass < 10 && !nodes.calls.contains("fence " + WEST); pass++) {
            clock.advance(group.run());
        }
        nodes.set(WEST, Observation.Observed.withWal(Role.FENCED, new Database.Wal(2, 900, false, List.of(),
                null, null, 501, 0)));
        run(group, 20);

        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST, "fence " + WEST, "unfence " + WEST);
        assertThat(group.latestDesired().promotion().phase()).isEqualTo(DesiredState.Phase.KEPT);
    }

    @Test
    void aPlannedSwitchoverFencesFirstAndWaitsUntilTheReplicaAppliedEverything() {
        nodes.set(EAST, writable()).set(WEST, replica(0.5, 2_000));
        servedByEpoch1("192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.SWITCHOVER, "primary", "secondary"));
        run(group, 30);

        assertThat(nodes.calls).as("fenced, not yet promoted").containsExactly("fence " + EAST);
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class, c -> assertThat(
                c.lastError()).contains("a planned move loses nothing"));
        assertThat(servedIp()).as("traffic still on the primary").isEqualTo("192.0.2.1");

        nodes.set(WEST, replica(0, 0)); // it applied the last writes the old primary took before its fence
        run(group, 30);
        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
    }

    /**
     * A caught-up replica's lag as a backend of one-minute datapoints reports it (RDS, {@code LatestDatapoint}): the
     * sample of the latest complete minute (published once it ends), aged from that minute's start.
     */
    static Database.Observation fromAMinutesDatapoint(java.time.Instant now, double sample) {
        long minuteStart = now.getEpochSecond() / 60 * 60 - 60;
        return replica(sample + (now.toEpochMilli() - minuteStart * 1000) / 1000.0, 0);
    }

    /**
     * Fence before promote, for a backend without WAL positions whose lag is a one-minute datapoint (RDS): a caught-up
     * replica's lag, aged by the datapoint's age, never reads 0 (the planned move waited for ever), and a small lag
     * read just after the fence may be a datapoint of the minute before it (promoting then could lose the last writes).
     * The move promotes once a reading reaches back to after the time by which the fence was certainly in force.
     */
    @Test
    void aPlannedMoveOfABackendWithMinuteDatapointsPromotesOnceALagReadingPostdatesTheFence() {
        nodes.set(EAST, writable()).set(WEST, replica(0.5, 0));
        nodes.byTime.put(WEST, now -> fromAMinutesDatapoint(now, 0.5)); // caught up, as its datapoints say
        servedByEpoch1("192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.SWITCHOVER, "primary", "secondary"));
        run(group, 5);
        assertThat(nodes.calls).as("fenced; a reading that may describe a moment before the fence promotes nothing")
                .containsExactly("fence " + EAST);
        java.time.Instant fenced = clock.instant();

        run(group, 400);
        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST);
        assertThat(clock.instant()).as("promoted only once a reading's minute began after the fence")
                .isAfter(fenced.plusSeconds(60));
        assertThat(servedIp()).isEqualTo("192.0.2.2");
    }

    /**
     * An unplanned move whose old primary answers, for a backend of one-minute datapoints (RDS): fenced, then promoted
     * losing nothing once a lag reading postdates the fence, as a planned move is, whatever the budget. Before, it went
     * to the budget gate at once, where a datapoint's age (a minute or more) is beyond a budget of 0 for ever: held with
     * a lossless promotion at hand (found by ManagedDataTierFaultsTest, A4).
     */
    @Test
    void anUnplannedMoveWhoseFencedOldPrimaryAnsweredPromotesOnceALagReadingPostdatesTheFence() {
        nodes.set(EAST, writable()).set(WEST, replica(0.5, 0));
        nodes.byTime.put(WEST, now -> fromAMinutesDatapoint(now, 0.5));
        servedByEpoch1("192.0.2.1");
        GroupReconciler group = reconciler(topology(EAST, WEST, 0));
        group.offer(decision(2, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 5);
        assertThat(nodes.calls).as("fenced first").containsExactly("fence " + EAST);
        java.time.Instant fenced = clock.instant();

        run(group, 400);
        assertThat(nodes.calls).containsExactly("fence " + EAST, "promote " + WEST);
        assertThat(clock.instant()).isAfter(fenced.plusSeconds(60));
        assertThat(group.status().dataTier().promoted().exposure()).isInstanceOf(
                dev.failover.actuator.domain.data.LossExposure.None.class);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
    }

    /**
     * A fence whose effect is not seen yet (RDS shows its parameter group "applying" for a while) is asked for again at
     * the polling interval, not once a pass: before, one request every 200 ms for as long as it lasted.
     */
    @Test
    void aFenceWhoseEffectIsNotSeenYetIsAskedForAgainAtThePollingInterval() {
        nodes.set(EAST, writable()).set(WEST, replica(0.5, 0));
        nodes.byTime.put(EAST, now -> writable()); // the fence is accepted and not yet in force
        servedByEpoch1("192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.SWITCHOVER, "primary", "secondary"));
        java.time.Instant start = clock.instant();
        for (int pass = 0; pass < 400 && clock.instant().isBefore(start.plusSeconds(60)); pass++) {
            clock.advance(group.run());
        }
        assertThat(nodes.calls.stream().filter(c -> c.startsWith("fence ")).count()).as("fences asked for in a minute")
                .isBetween(2L, 60 / settings.capacityPoll().toSeconds() + 1);
    }

    /**
     * The switch a move must end with is asked for before anything irreversible. A provider that would refuse it (here:
     * access denied) blocks the move while the old primary still takes writes and the replica is a replica; before, the
     * move fenced and promoted, and the refused write then left the old region's application on a read-only database.
     */
    @Test
    void aSwitchTheProviderWouldRefuseBlocksTheMoveBeforeAnythingIsFencedOrPromoted() {
        nodes.set(EAST, writable()).set(WEST, replica(0, 0));
        servedByEpoch1("192.0.2.1");
        dns.refuses = "AccessDenied (HTTP 403): not authorized to perform route53:ChangeResourceRecordSets";
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 30);

        assertThat(nodes.calls).as("nothing fenced or promoted").noneMatch(c -> c.startsWith("fence ")
                || c.startsWith("promote "));
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> assertThat(
                b.reason()).contains("would refuse the switch to secondary").contains("AccessDenied")
                .contains("nothing was fenced or promoted"));
        assertThat(nodes.nodes.get(EAST)).as("the old primary still takes writes").isEqualTo(writable());
    }

    /** RDS will not stop an instance that still has its read replica: a planned move cannot fence first, it blocks. */
    @Test
    void aPlannedSwitchoverWhoseFenceIsRefusedIsBlockedNotRetriedForEver() {
        nodes.set(EAST, writable()).set(WEST, replica(0, 0));
        nodes.refuseFence.add(EAST);
        servedByEpoch1("192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.SWITCHOVER, "primary", "secondary"));
        run(group, 30);

        assertThat(nodes.calls).as("fenced once, nothing promoted").containsExactly("fence " + EAST);
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> assertThat(
                b.reason()).contains("a planned move fences the old primary " + EAST + " first, and that was refused")
                .contains("it has read replicas").contains("force"));
        assertThat(servedIp()).as("traffic still on the primary").isEqualTo("192.0.2.1");
    }

    @Test
    void anUnplannedFailoverAsksForAnUnplannedPromotion() {
        nodes.set(EAST, new Database.Observation.Unavailable("region lost")).set(WEST, replica(1.0, 10));
        GroupReconciler group = reconciler();
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 20);
        assertThat(nodes.moves).containsExactly(Database.Move.UNPLANNED);
    }

    /** Aurora's switchover waits for the secondary and demotes the old writer itself: neither a fence nor a wait first. */
    @Test
    void aBackendThatSwitchesOverItselfIsAskedForAPlannedPromotionAtOnce() {
        nodes.atomic = true;
        nodes.set(EAST, writable()).set(WEST, replica(0.4, 0)); // a global database always lags a little
        servedByEpoch1("192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.SWITCHOVER, "primary", "secondary"));
        run(group, 30);

        assertThat(nodes.calls).as("no fence first, no wait for a lag of zero").containsExactly("promote " + WEST);
        assertThat(nodes.moves).containsExactly(Database.Move.PLANNED);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
    }

    /**
     * The common Aurora case: the application tier of a region fails, its writer answers. An unplanned failover, and an
     * operator's force, take the switchover (nothing lost, the writer demoted by Aurora) instead of fencing a writer that
     * cannot be fenced and waiting for ever for it to stop writing.
     */
    @ParameterizedTest
    @EnumSource(value = DecisionKind.class, names = { "FAILOVER", "FORCE" })
    void anUnplannedMoveOfABackendThatSwitchesOverItselfTakesTheSwitchoverWhileTheWriterAnswers(DecisionKind kind) {
        nodes.atomic = true;
        nodes.set(EAST, writable()).set(WEST, replica(0.4, 0));
        servedByEpoch1("192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, kind, "primary", "secondary"));
        run(group, 60);

        assertThat(nodes.calls).as("no fence, one switchover").containsExactly("promote " + WEST);
        assertThat(nodes.moves).containsExactly(Database.Move.PLANNED);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(database()).as("the switchover's request and the writable node, not a loop").hasSizeLessThan(4);
    }

    /** A writer that does not answer: the failover that may lose data, behind the budget. */
    @Test
    void anUnplannedMoveOfABackendThatSwitchesOverItselfFailsOverWhenTheWriterDoesNotAnswer() {
        nodes.atomic = true;
        nodes.set(EAST, new Database.Observation.Unavailable("region lost")).set(WEST, replica(0.4, 0));
        servedByEpoch1("192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 60);

        assertThat(nodes.calls).containsExactly("promote " + WEST);
        assertThat(nodes.moves).containsExactly(Database.Move.UNPLANNED);
        assertThat(servedIp()).isEqualTo("192.0.2.2");
    }

    @Test
    void aPlannedSwitchoverWhoseOldPrimaryCannotBeReadWaits() {
        nodes.set(EAST, new Database.Observation.Unavailable("connect timed out")).set(WEST, replica(0, 0));
        servedByEpoch1("192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.SWITCHOVER, "primary", "secondary"));
        run(group, 30);

        assertThat(nodes.calls).isEmpty();
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class, c -> assertThat(
                c.lastError()).contains("fences the old primary " + EAST + " first"));
    }

    @Test
    void aFailbackToAFencedOldPrimaryIsBlockedNeverMadeWritable() {
        nodes.set(EAST, Database.Observation.Observed.fenced()).set(WEST, writable());
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.FAILBACK, "secondary", "primary"));
        run(group, 20);

        assertThat(nodes.calls).isEmpty();
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> assertThat(
                b.reason()).contains("was fenced as an old primary").contains("rebuilt as a replica"));
        assertThat(dns.successfulWrites).isZero();
    }

    @Test
    void aNodeThatCannotBeReadIsRetriedAndARefusedLoginBlocks() {
        nodes.set(EAST, writable()).set(WEST, new Database.Observation.Unavailable("connection refused"));
        GroupReconciler group = reconciler();
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        run(group, 5);
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class, c -> assertThat(
                c.lastError()).contains("secondary's database unavailable: connection refused"));
        assertThat(dns.successfulWrites).isZero();

        nodes.set(WEST, new Database.Observation.Rejected("password authentication failed (SQLSTATE 28P01)"));
        run(group, 5);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Blocked.class);
        assertThat(results).anySatisfy(r -> assertThat(r.status()).isEqualTo(ActuationStatus.BLOCKED));
    }
}
