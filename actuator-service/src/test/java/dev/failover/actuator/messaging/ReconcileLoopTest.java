package dev.failover.actuator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DryRunDnsProvider;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.domain.reconcile.Reconcilers;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.topology.TestTopology;

/** The loop's own rules: a group's passes never overlap however often it is triggered, and a stopped group gets none. */
class ReconcileLoopTest {

    /** The dry run, counting how many reads of a group run at the same time. */
    static class CountingDns implements DnsProvider {
        final DryRunDnsProvider store = new DryRunDnsProvider(Routing.SINGLE);
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();
        final java.util.Map<String, AtomicInteger> readsOf = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public Routing routing() {
            return Routing.SINGLE;
        }

        @Override
        public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
            int now = running.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            reads.incrementAndGet();
            readsOf.computeIfAbsent(key.group(), g -> new AtomicInteger()).incrementAndGet();
            try {
                Thread.onSpinWait(); // widen the window a little: overlapping passes would show up here
                return store.read(key, pendingChange);
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public WriteOutcome write(RecordWrite write) {
            return store.write(write);
        }
    }

    final List<ActuationResult> results = new CopyOnWriteArrayList<>();

    static final String TWO_GROUPS = """
            version: 1
            locations: [loc-a]
            groups:
              - id: api
                dns: {zone: failover.test., name: api.failover.test., ttl: 5}
                targets:
                  - {id: primary, region: r1, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.10]}}
                  - {id: secondary, region: r2, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.20]}}
              - id: witness
                dns: {zone: failover.test., name: witness.failover.test., ttl: 5}
                targets:
                  - {id: primary, region: r1, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.10]}}
                  - {id: secondary, region: r2, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.20]}}
            """;

    Reconciler reconciler(CountingDns dns) {
        return new Reconciler(TopologyLoader.parse(TWO_GROUPS, "test"), Reconcilers.every(dns,
                TrafficPlans.of(DnsProvider.Routing.SINGLE, 100, List.of())),
                Reconcilers.minimal(Scalers.none(),
                        state -> {
                        }, results::add, Clock.systemUTC(),
                        new ReconcileSettings(Duration.ofMillis(50), Duration.ofMillis(50),
                                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ZERO, () -> 0.0),
                                Duration.ZERO, null)));
    }

    static Decision failover(long epoch) {
        return failover(TestTopology.GROUP, epoch);
    }

    static Decision failover(String group, long epoch) {
        return new Decision(1, "d-" + group + epoch, group, epoch, DecisionKind.FAILOVER, TestTopology.PRIMARY,
                TestTopology.SECONDARY, "test", List.of(), Instant.now(), DecisionMode.LIVE, Decision.AUTOMATION);
    }

    @Test
    void aGroupTriggeredFromManyThreadsNeverRunsTwoPassesAtOnce() throws Exception {
        CountingDns dns = new CountingDns();
        Reconciler reconciler = reconciler(dns);
        ExecutorService triggers = Executors.newFixedThreadPool(4);
        try (ReconcileLoop loop = new ReconcileLoop(reconciler, 4,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ZERO, () -> 0.0))) {
            reconciler.offer(failover(1));
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add(triggers.submit(() -> loop.trigger(TestTopology.GROUP)));
            }
            for (var f : sent) {
                f.get();
            }
            await("the group served").atMost(Duration.ofSeconds(30))
                    .until(() -> reconciler.status(TestTopology.GROUP).convergence() instanceof Convergence.Converged);
            await("periodic passes go on").atMost(Duration.ofSeconds(30)).until(() -> dns.reads.get() > 20);
            assertThat(dns.mostAtOnce.get()).as("passes of one group running at the same time").isEqualTo(1);
        } finally {
            triggers.shutdownNow();
        }
    }

    /**
     * Passes waiting together on a provider (a region's groups on Route 53's budget) each hold a thread, so that they
     * go out in one request: the loop makes threads for them beyond the few it keeps, up to the configured most.
     */
    @Test
    void passesWaitingTogetherEachGetAThreadBeyondTheFewKept() throws Exception {
        List<String> groups = java.util.stream.IntStream.range(0, 3 * ReconcileLoop.CORE_THREADS).mapToObj(i -> "g" + i)
                .toList();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        CountingDns dns = new CountingDns() {
            @Override
            public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
                int now = running.incrementAndGet();
                mostAtOnce.accumulateAndGet(now, Math::max);
                try {
                    release.await();
                    return store.read(key, pendingChange);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new ReadOutcome.Unavailable("interrupted");
                } finally {
                    running.decrementAndGet();
                }
            }
        };
        Reconciler reconciler = new Reconciler(TopologyLoader.parse(TestTopology.yaml(groups), "test"),
                Reconcilers.every(dns, TrafficPlans.of(DnsProvider.Routing.SINGLE, 100, List.of())),
                Reconcilers.minimal(Scalers.none(), state -> {
                }, results::add, Clock.systemUTC(), new ReconcileSettings(Duration.ofSeconds(30), Duration.ofMillis(50),
                        new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ZERO, () -> 0.0),
                        Duration.ZERO, null)));
        try (ReconcileLoop loop = new ReconcileLoop(reconciler, 64,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ZERO, () -> 0.0))) {
            loop.start(groups);
            await("every group's pass waiting on the provider at once").atMost(Duration.ofSeconds(30))
                    .until(() -> dns.running.get() == groups.size());
        } finally {
            release.countDown();
        }
    }

    /** A quiet loop keeps a few threads however high its most: one per pass only while passes wait together. */
    @Test
    void aQuietLoopKeepsAFewThreads() {
        CountingDns dns = new CountingDns();
        Reconciler reconciler = reconciler(dns);
        long before = passThreads();
        try (ReconcileLoop loop = new ReconcileLoop(reconciler, 512,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ZERO, () -> 0.0))) {
            reconciler.offer(failover(1));
            loop.start(List.of(TestTopology.GROUP, "witness"));
            await("a hundred passes of two groups").atMost(Duration.ofSeconds(30)).until(() -> dns.reads.get() >= 100);

            assertThat(passThreads() - before).as("pass threads of a loop whose passes never waited together")
                    .isLessThanOrEqualTo(ReconcileLoop.CORE_THREADS);
        }
    }

    /** Live pass threads in this JVM (loops of earlier tests may still be ending theirs). */
    private static long passThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("reconcile") && t.isAlive())
                .count();
    }

    @Test
    void aStoppedGroupGetsNoMorePassesEvenWhenTriggeredLate() {
        CountingDns dns = new CountingDns();
        Reconciler reconciler = reconciler(dns);
        try (ReconcileLoop loop = new ReconcileLoop(reconciler, 2,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ZERO, () -> 0.0))) {
            reconciler.offer(failover(1));
            reconciler.offer(failover("witness", 1));
            loop.start(List.of(TestTopology.GROUP, "witness"));
            await("periodic passes of both groups").atMost(Duration.ofSeconds(30))
                    .until(() -> reads(dns, TestTopology.GROUP) >= 3 && reads(dns, "witness") >= 3);

            loop.stop(List.of(TestTopology.GROUP));
            loop.trigger(TestTopology.GROUP); // a decision in flight when the partition moved away
            int stoppedAt = reads(dns, TestTopology.GROUP);
            int witnessAt = reads(dns, "witness");
            // the witness group, still driven, proves the loop went on for many periods meanwhile
            await("ten more passes of the witness group").atMost(Duration.ofSeconds(30))
                    .until(() -> reads(dns, "witness") >= witnessAt + 10);
            assertThat(reads(dns, TestTopology.GROUP)).as("reads of the stopped group (at most the pass under way)")
                    .isLessThanOrEqualTo(stoppedAt + 1);
            assertThat(reconciler.drives(TestTopology.GROUP)).as("forgotten by the reconciler").isFalse();
        }
    }

    @Test
    void aGroupOfAnAssignedPartitionIsObservedBeforeItsFirstDecision() {
        CountingDns dns = new CountingDns();
        Reconciler reconciler = reconciler(dns);
        try (ReconcileLoop loop = new ReconcileLoop(reconciler, 2,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ZERO, () -> 0.0))) {
            loop.start(List.of(TestTopology.GROUP)); // its partition assigned; no decision, none restored

            await("the record read and judged against the initial state").atMost(Duration.ofSeconds(10))
                    .until(() -> reads(dns, TestTopology.GROUP) >= 2);
            assertThat(reconciler.drives(TestTopology.GROUP)).isTrue();
            assertThat(reconciler.status(TestTopology.GROUP).convergence()).isNotInstanceOf(Convergence.Idle.class);
        }
    }

    /**
     * A pass that throws an Error (a class that fails to load, an assertion, a stack overflow in a provider) must not
     * leave the group's lane dead: it is run again with backoff like any failed pass.
     */
    @Test
    void aPassThatThrowsAnErrorIsRunAgain() {
        AtomicInteger errorsLeft = new AtomicInteger(2);
        CountingDns dns = new CountingDns() {
            @Override
            public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
                if (errorsLeft.getAndDecrement() > 0) {
                    throw new NoClassDefFoundError("a provider class that failed to load");
                }
                return super.read(key, pendingChange);
            }
        };
        Reconciler reconciler = reconciler(dns);
        try (ReconcileLoop loop = new ReconcileLoop(reconciler, 2,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ZERO, () -> 0.0))) {
            reconciler.offer(failover(1));
            loop.start(List.of(TestTopology.GROUP));
            await("the group served after two passes that threw").atMost(Duration.ofSeconds(10))
                    .until(() -> reconciler.status(TestTopology.GROUP).convergence() instanceof Convergence.Converged);
            assertThat(errorsLeft.get()).as("both errors thrown").isNegative();
        }
    }

    static int reads(CountingDns dns, String group) {
        AtomicInteger count = dns.readsOf.get(group);
        return count == null ? 0 : count.get();
    }

    /**
     * What a pass logs (its provider's lines, its ERROR when it fails) carries the group and the decision and epoch it
     * drives in the MDC, as JSON logs' fields; the pool's threads keep none of it after the pass.
     */
    @Test
    void aPassLogsWithItsGroupAndDecisionInTheMdc() {
        AtomicInteger errorsLeft = new AtomicInteger(1);
        List<java.util.Map<String, Object>> mdcOfReads = new CopyOnWriteArrayList<>();
        CountingDns dns = new CountingDns() {
            @Override
            public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
                mdcOfReads.add(java.util.Map.copyOf(org.jboss.logging.MDC.getMap()));
                if (key.group().equals(TestTopology.GROUP) && errorsLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("a provider fault");
                }
                return super.read(key, pendingChange);
            }
        };
        List<java.util.Map<String, Object>> mdcOfErrors = new CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                    mdcOfErrors.add(java.util.Map.copyOf(org.jboss.logging.MDC.getMap()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        Reconciler reconciler = reconciler(dns);
        try (ReconcileLoop loop = new ReconcileLoop(reconciler, 1,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ZERO, () -> 0.0))) {
            loop.start(List.of("witness")); // no decision: the group alone
            await("a pass of the witness group").atMost(Duration.ofSeconds(10)).until(() -> reads(dns, "witness") >= 1);
            reconciler.offer(failover(3));
            loop.start(List.of(TestTopology.GROUP));
            await("the group served after a pass that failed").atMost(Duration.ofSeconds(10))
                    .until(() -> reconciler.status(TestTopology.GROUP).convergence() instanceof Convergence.Converged);
            await("a pass of the witness group after the group's").atMost(Duration.ofSeconds(10))
                    .until(() -> reads(dns, "witness") >= 3);
        } finally {
            root.removeHandler(capture);
        }
        var decided = java.util.Map.<String, Object>of("group", TestTopology.GROUP, "decisionId",
                "d-" + TestTopology.GROUP + 3,
                "epoch", 3L);
        assertThat(mdcOfErrors).as("MDC of the ERROR of the failed pass").contains(decided);
        assertThat(mdcOfReads).as("MDC while passes read the record")
                .contains(decided, java.util.Map.of("group", "witness"))
                .allSatisfy(mdc -> assertThat(mdc).as("a pass's MDC, never another group's").satisfiesAnyOf(
                        m -> assertThat(m).isEqualTo(decided),
                        m -> assertThat(m).isEqualTo(java.util.Map.of("group", "witness"))));
    }
}
