package dev.failover.actuator.regionswitch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DryRunDnsProvider;
import dev.failover.actuator.dns.LeasedDnsProvider;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.domain.data.EvidenceStore;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.GroupReconciler;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.domain.reconcile.Waker;
import dev.failover.actuator.domain.reconcile.Wiring;
import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.topology.Topology;
import dev.failover.testkit.aws.RegionSwitchService;
import dev.failover.testkit.aws.RegionSwitchService.StepSpec;
import dev.failover.testkit.db.Seeds;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.arcregionswitch.ArcRegionSwitchClient;

/**
 * Region switch's invariants over seeded, randomized fault schedules (ADR 0028), as {@code DataTierFaultsTest} checks
 * the data tier's: the real reconciler, the real AWS SDK and {@link AwsRegionSwitch}, and one Region switch data plane
 * per region ({@link RegionSwitchService}: each refuses a call not signed for it, runs one execution of the plan at a
 * time, its steps in wall time). Two actuators, one per region, each with its own credentials and lease, drive the group
 * on their own threads as the service does. A nemesis drawn from the seed issues decisions both ways (failover,
 * failback, an operator's force, a switchover), moves the lease to the other actuator (the old one goes on running its
 * passes, a zombie whose writes the lease refuses), restarts the owner (a new reconciler restoring the stored desired
 * state, as after kill -9), pauses the owner past its lease and wakes it late, closes a region's endpoint (connections
 * refused) and opens it again, starts a person's drill outside the plane, and answers approval steps (approve or
 * decline). The plan's workflows are drawn too: steps, an approval step, a step that fails. Then the faults stop, every
 * approval is given, and the checker states, from the data planes' own records:
 * <ul>
 * <li><b>R1</b> one execution per decision: never two accepted starts naming one decision, in any region, and no start
 * tried for a decision once one was accepted (a failed adoption);</li>
 * <li><b>R2</b> a cut-off actuator writes nothing: no start, cancel or approval signed by an actuator reaches Region
 * switch after the other took the lease over (the lease's margin covers a check made just before);</li>
 * <li><b>R3</b> DNS follows the plan: every DNS write serving a decision's target comes after an execution activating the
 * target's region completed, the decision's own, or one started outside the plane with nothing else of the plan run
 * beside or after it (in any region) up to the write; a write that does not serve its decision's target keeps the
 * record where it was;</li>
 * <li><b>R4</b> the end is said: the owner converges on the newest decision's target, or is BLOCKED while that
 * decision's execution ended without completing or paused on a failed step; never converged on an execution that did
 * not complete, never neither.</li>
 * </ul>
 * The suite runs a fixed set of seeds; {@code -Dregionswitch.seeds=1-100} runs a soak (docs/benchmarks.md). A failing
 * seed prints its schedule: run it alone with {@code -Dregionswitch.seeds=N}.
 */
class RegionSwitchFaultsTest {

    static final String PLAN = "arn:aws:arc-region-switch::111122223333:plan/api-plan:abc123";
    static final String EAST = "us-east-1";
    static final String WEST = "us-west-2";
    static final Map<String, String> REGION_OF = Map.of("primary", EAST, "secondary", WEST);
    static final Map<String, String> ADDRESS_OF = Map.of("primary", "192.0.2.10", "secondary", "192.0.2.20");
    /** The lease's margin: the next owner starts this long after the old one's lease lapsed. */
    static final Duration LEASE_MARGIN = Duration.ofMillis(150);
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ZERO, () -> 0.0,
            Duration.ofSeconds(30));
    static final String SUITE_SEEDS = "1,2,3,4,5,6,7,8";

    static Stream<Long> seeds() {
        return Seeds.from("regionswitch.seeds", SUITE_SEEDS);
    }

    /** A TTL of 1 s: a switchover's steps wait a second each. */
    static final Topology TOPOLOGY = RegionSwitchPlanTest.topology(PLAN, 1);

    /** An actuator's time with the lease: from its takeover (after the old owner's lease lapsed) until its own lapsed. */
    record Tenure(String actuator, Instant from, Instant until) {

        boolean covers(Instant at) {
            return !at.isBefore(from) && (until == null || !at.isAfter(until));
        }
    }

    /** A DNS write that reached the zone. */
    record DnsWrite(Instant at, String actuator, long epoch, String decisionId, String target) {
    }

    /** One run of a seed: the data planes, the zone, the stored desired states, both actuators, the log. */
    static final class World implements AutoCloseable {
        final long seed;
        final Random random;
        final Map<String, RegionSwitchService> planes = new HashMap<>();
        final Map<String, List<StepSpec>> workflows = new HashMap<>();
        final DryRunDnsProvider zone = new DryRunDnsProvider(DnsProvider.Routing.SINGLE);
        final List<DnsWrite> dnsWrites = new CopyOnWriteArrayList<>();
        final List<DesiredState> stored = new CopyOnWriteArrayList<>();
        final List<Decision> decisions = new CopyOnWriteArrayList<>();
        final List<String> schedule = new CopyOnWriteArrayList<>();
        final List<String> results = new CopyOnWriteArrayList<>();
        final List<ArcRegionSwitchClient> clients = new CopyOnWriteArrayList<>();
        final List<Tenure> tenures = new CopyOnWriteArrayList<>();
        final Actuator a;
        final Actuator b;
        Actuator owner;

        World(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            Duration stepTime = Duration.ofMillis(60 + random.nextInt(90));
            for (String region : List.of(EAST, WEST)) {
                List<StepSpec> steps = new ArrayList<>();
                steps.add(StepSpec.runs("capacity-" + region));
                if (random.nextInt(100) < 35) {
                    steps.add(StepSpec.approval("approve-" + region));
                }
                steps.add(random.nextInt(100) < 20
                        ? StepSpec.fails("database-" + region, "the global cluster is not in a "
                                + "valid state for failover")
                        : StepSpec.runs("database-" + region));
                workflows.put(region, steps);
                planes.put(region, RegionSwitchService.start(region, stepTime).plan(PLAN, steps));
            }
            log("step time " + stepTime.toMillis() + " ms, workflows " + workflows);
            a = new Actuator(this, "AKIDEAST");
            b = new Actuator(this, "AKIDWEST");
            owner = a;
            tenures.add(new Tenure(a.accessKey, Instant.now(), null));
            a.start(Optional.empty());
            b.start(Optional.of("not the owner"));
        }

        void log(String line) {
            schedule.add(line);
        }

        ArcRegionSwitchClient client(String region, String accessKey) {
            ArcRegionSwitchClient client = ArcRegionSwitchClient.builder().region(Region.of(region))
                    .endpointOverride(planes.get(region).endpoint()).httpClient(UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofMillis(500)).socketTimeout(Duration.ofSeconds(2)).build())
                    .credentialsProvider(
                            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "secret")))
                    .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none())
                            .addExecutionInterceptor(dev.failover.actuator.aws.WholeResponses.INSTANCE))
                    .build();
            clients.add(client);
            return client;
        }

        /** The stored desired state a new owner reads back: the newest epoch, its latest progress. */
        Optional<DesiredState> storedState() {
            return stored.stream().reduce((x, y) -> y.epoch() >= x.epoch() ? y : x);
        }

        List<RegionSwitchService.Call> calls() {
            return planes.values().stream().flatMap(p -> p.calls().stream()).toList();
        }

        List<RegionSwitchService.Execution> runs() {
            return planes.values().stream().flatMap(p -> p.runs().stream()).toList();
        }

        @Override
        public void close() {
            a.stop();
            b.stop();
            clients.forEach(ArcRegionSwitchClient::close);
            planes.values().forEach(RegionSwitchService::close);
        }
    }

    /**
     * One actuator: its credentials, its lease, and a thread that runs the group's passes and takes its messages in
     * between, as the service's reconcile loop does. A restart replaces its reconciler with a new one restoring the
     * stored desired state.
     */
    static final class Actuator {
        final World world;
        final String accessKey;
        final AtomicReference<String> lapsed = new AtomicReference<>();
        final ConcurrentLinkedQueue<Consumer<Actuator>> inbox = new ConcurrentLinkedQueue<>();
        final AtomicBoolean paused = new AtomicBoolean();
        final AtomicBoolean stopped = new AtomicBoolean();
        final Lease lease = () -> Optional.ofNullable(lapsed.get());
        volatile Reconciler reconciler;
        volatile GroupReconciler group;
        Thread thread;

        Actuator(World world, String accessKey) {
            this.world = world;
            this.accessKey = accessKey;
        }

        void start(Optional<String> lapsedReason) {
            lapsed.set(lapsedReason.orElse(null));
            fresh();
            thread = new Thread(this::loop, "actuator-" + accessKey);
            thread.setDaemon(true);
            thread.start();
        }

        /** A new reconciler, as a restarted process builds it, restoring the stored state and offered every decision. */
        void fresh() {
            AwsRegionSwitch regionSwitch = new AwsRegionSwitch(plan -> world.client(plan.region(), accessKey), lease);
            DnsProvider recording = new Recording(world, accessKey);
            reconciler = new Reconciler(TOPOLOGY, g -> GroupDns.oneLane(new LeasedDnsProvider(recording, lease),
                    TrafficPlans.of(DnsProvider.Routing.SINGLE, 100, List.of())), new Wiring(Scalers.none(),
                            Databases.none(), regionSwitch, world.stored::add, EvidenceStore.NONE,
                            r -> world.results.add(r.finishedAt() + " " + accessKey
                                    + " " + r.decisionId() + " " + r.step() + " " + r.status() + " " + r.details()),
                            lane -> {}, Waker.NONE, Clock.systemUTC(),
                            new ReconcileSettings(Duration.ofSeconds(5), Duration.ofMillis(40), BACKOFF,
                                    Duration.ZERO, null)));
            group = reconciler.group("api");
            world.storedState().ifPresent(group::restore);
            world.decisions.forEach(group::offer); // the decisions topic read again: the stale ones are refused
        }

        void send(Consumer<Actuator> message) {
            inbox.add(message);
        }

        private void loop() {
            while (!stopped.get()) {
                Duration next = Duration.ofMillis(20);
                if (!paused.get()) {
                    try {
                        for (Consumer<Actuator> m; (m = inbox.poll()) != null;) {
                            m.accept(this);
                        }
                        next = group.run();
                    } catch (RuntimeException | Error e) {
                        world.log(Instant.now() + " " + accessKey + " failed: " + e + " at " + e.getStackTrace()[0]);
                    }
                }
                try {
                    Thread.sleep(Math.max(5, Math.min(40, next.toMillis())));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() {
            stopped.set(true);
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The zone as both actuators share it, logging each write that reached it. */
    record Recording(World world, String actuator) implements DnsProvider {

        @Override
        public String name() {
            return world.zone.name();
        }

        @Override
        public Routing routing() {
            return world.zone.routing();
        }

        @Override
        public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
            return world.zone.read(key, pendingChange);
        }

        @Override
        public WriteOutcome write(RecordWrite write) {
            WriteOutcome outcome = world.zone.write(write);
            if (outcome instanceof WriteOutcome.Written) {
                String served = write.sets().stream().flatMap(s -> s.values().stream()).findFirst().orElse("");
                String target = ADDRESS_OF.entrySet().stream().filter(e -> e.getValue().equals(served))
                        .map(Map.Entry::getKey)
                        .findFirst().orElse(served);
                world.dnsWrites
                        .add(new DnsWrite(Instant.now(), actuator, write.owner().epoch(), write.owner().decisionId(),
                                target));
            }
            return outcome;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a seed takes seconds: a hang fails, named, rather than stopping a soak
    void regionSwitchKeepsItsInvariantsUnderFaults(long seed) throws Exception {
        try (World world = new World(seed)) {
            try {
                nemesis(world);
                settle(world);
                check(world);
                System.out.println(summary(world));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (run alone: -Dregionswitch.seeds=" + seed + ")\n"
                        + String.join("\n", world.schedule) + "\nexecutions " + world.runs() + "\nDNS writes "
                        + world.dnsWrites + "\nresults, the last 20:\n" + String.join("\n", world.results.subList(
                                Math.max(0, world.results.size() - 20), world.results.size()))
                        + "\nstatus "
                        + world.owner.group.status().convergence(), e);
            }
        }
    }

    /** One line a seed, for a soak's totals: what the nemesis did and how the group ended. */
    static String summary(World w) {
        java.util.function.Function<String, Long> count = what -> w.schedule.stream().filter(l -> l.contains(what))
                .count();
        return "REGIONSWITCH seed " + w.seed + ": decisions " + w.decisions.size() + ", takeovers "
                + count.apply(" lease AKID")
                + " (paused " + count.apply("(old owner paused)") + "), restarts " + count.apply(" restart ")
                + ", endpoints "
                + "closed " + count.apply(" endpoint ") + ", drills " + count.apply(" bob starts ") + ", approvals "
                + count.apply(" approves ") + ", declines " + count.apply(" declines ") + ", failing step "
                + w.workflows.values().stream()
                        .anyMatch(steps -> steps.stream().anyMatch(st -> st.kind() == StepSpec.Kind.FAILS))
                + ", executions " + w.runs().size() + ", ends "
                + w.owner.group.status().convergence().getClass().getSimpleName();
    }

    /** The seed's schedule of decisions and faults, over two to four seconds. */
    static void nemesis(World w) throws InterruptedException {
        Random r = w.random;
        int events = 8 + r.nextInt(6);
        long epoch = 0;
        for (int i = 0; i < events; i++) {
            Thread.sleep(80 + r.nextInt(320));
            int roll = r.nextInt(100);
            if (roll < 35 || epoch == 0) {
                DecisionKind kind = List.of(DecisionKind.FAILOVER, DecisionKind.FAILBACK, DecisionKind.FORCE,
                        DecisionKind.SWITCHOVER).get(r.nextInt(4));
                String to = kind == DecisionKind.FAILOVER ? "secondary" : kind == DecisionKind.FAILBACK ? "primary"
                        : r.nextBoolean() ? "primary" : "secondary";
                Decision d = new Decision(1, "d-" + (++epoch), "api", epoch, kind, to.equals("primary") ? "secondary"
                        : "primary", to, "seeded", List.of(), Instant.now(), DecisionMode.LIVE, "automation");
                w.decisions.add(d);
                w.log(Instant.now() + " decision " + d.decisionId() + " " + kind + " to " + to);
                w.owner.send(act -> act.group.offer(d));
            } else if (roll < 50) {
                Actuator from = w.owner;
                Actuator to = from == w.a ? w.b : w.a;
                boolean pause = r.nextBoolean();
                if (pause) {
                    from.paused.set(true); // SIGSTOPped past its lease: it wakes late, below
                }
                from.lapsed.set("the coordinator lease lapsed");
                Tenure ended = w.tenures.remove(w.tenures.size() - 1);
                w.tenures.add(new Tenure(ended.actuator(), ended.from(), Instant.now()));
                Thread.sleep(LEASE_MARGIN.toMillis());
                w.tenures.add(new Tenure(to.accessKey, Instant.now(), null));
                w.log(Instant.now() + " lease " + from.accessKey + " -> " + to.accessKey
                        + (pause ? " (old owner paused)" : ""));
                java.util.concurrent.CompletableFuture<Void> took = new java.util.concurrent.CompletableFuture<>();
                to.send(act -> {
                    act.fresh();
                    act.lapsed.set(null);
                    took.complete(null);
                });
                try { // the takeover is over once the new owner restored: the lease cannot move back before it holds it
                    took.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("the new owner did not take the group over within 30 s", e);
                }
                w.owner = to;
                if (pause) {
                    Thread.sleep(100 + r.nextInt(300));
                    from.paused.set(false);
                    w.log(Instant.now() + " " + from.accessKey + " wakes, its lease lapsed");
                }
            } else if (roll < 62) {
                w.log(Instant.now() + " restart " + w.owner.accessKey);
                w.owner.send(Actuator::fresh);
            } else if (roll < 77) {
                String region = r.nextBoolean() ? EAST : WEST;
                long downFor = 100 + r.nextInt(500);
                w.log(Instant.now() + " endpoint " + region + " closed for " + downFor + " ms");
                w.planes.get(region).stopListening();
                Thread.sleep(downFor);
                w.planes.get(region).listenAgain();
            } else if (roll < 85) {
                String region = r.nextBoolean() ? EAST : WEST;
                AwsRegionSwitch person = new AwsRegionSwitch(plan -> w.client(plan.region(), "AKIDBOB"), Lease.HELD);
                RegionSwitch.Outcome<String> started = person.start(new RegionSwitch.Plan(PLAN, region, null),
                        RegionSwitch.Mode.GRACEFUL, "bob: drill " + i);
                w.log(Instant.now() + " bob starts a drill activating " + region + ": " + started);
            } else {
                answerApprovals(w, r.nextInt(100) < 80);
            }
        }
    }

    /** Answers every approval step waiting, through the owner as an operator does (a person's through the console). */
    static void answerApprovals(World w, boolean approve) {
        for (RegionSwitchService.Execution e : w.runs()) {
            if (!"pendingManualApproval".equals(e.state())) {
                continue;
            }
            String step = "approve-" + e.region();
            if (e.comment() != null && e.comment().startsWith("failover-plane")) {
                w.log(Instant.now() + " operator " + (approve ? "approves " : "declines ") + step + " of " + e.id()
                        + ": "
                        + w.owner.reconciler.answerRegionSwitchStep("api", step, approve, "alice", "seeded"));
            } else {
                AwsRegionSwitch console = new AwsRegionSwitch(plan -> w.client(plan.region(), "AKIDBOB"), Lease.HELD);
                w.log(Instant.now() + " bob " + (approve ? "approves " : "declines ") + step + " of " + e.id() + ": "
                        + console.approve(new RegionSwitch.Plan(PLAN, e.region(), null), e.id(), step, approve,
                                "seeded"));
            }
        }
    }

    /** Bob cancels his drill that a failed step paused, as a person would: the plane waits for a person's execution. */
    static void endDrillsPausedByAFailedStep(World w) {
        for (RegionSwitchService.Execution e : w.runs()) {
            if ("pausedByFailedStep".equals(e.state()) && DecisionKey.in(e.comment()).isEmpty()) {
                AwsRegionSwitch console = new AwsRegionSwitch(plan -> w.client(plan.region(), "AKIDBOB"), Lease.HELD);
                w.log(Instant.now() + " bob cancels his drill " + e.id() + ": "
                        + console.cancel(new RegionSwitch.Plan(PLAN, e.region(), null), e.id(), "drill over"));
            }
        }
    }

    /** The faults stop: every endpoint answers, the owner runs, every approval waiting is given, until the group settles. */
    static void settle(World w) throws InterruptedException {
        w.planes.values().forEach(RegionSwitchService::listenAgain);
        w.log(Instant.now() + " faults stop; owner " + w.owner.accessKey);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            answerApprovals(w, true);
            endDrillsPausedByAFailedStep(w);
            if (settled(w)) {
                return;
            }
            Thread.sleep(100);
        }
    }

    static boolean settled(World w) {
        GroupReconciler g = w.owner.group;
        long newest = w.decisions.isEmpty() ? 0 : w.decisions.get(w.decisions.size() - 1).epoch();
        return g.status().desired() != null && g.status().desired().epoch() == newest
                && (g.status().convergence() instanceof Convergence.Converged
                        || g.status().convergence() instanceof Convergence.Blocked);
    }

    static void check(World w) {
        List<RegionSwitchService.Call> calls = w.calls();
        List<RegionSwitchService.Execution> runs = w.runs();

        // R1: one execution per decision
        Map<String, Long> startsPerDecision = new HashMap<>();
        calls.stream().filter(c -> "StartPlanExecution".equals(c.operation()) && c.status() == 200)
                .map(c -> DecisionKey.in((String) c.body().get("comment"))).flatMap(Optional::stream)
                .forEach(k -> startsPerDecision.merge(k.decisionId(), 1L, Long::sum));
        assertThat(startsPerDecision).as("R1: accepted starts per decision").allSatisfy((d, n) -> assertThat(n).as(d)
                .isEqualTo(1L));
        // and none tried after one was accepted: an adoption that failed shows as a refused second start
        for (RegionSwitchService.Call accepted : calls.stream().filter(c -> "StartPlanExecution".equals(c.operation())
                && c.status() == 200).toList()) {
            Optional<DecisionKey> key = DecisionKey.in((String) accepted.body().get("comment"));
            assertThat(calls).as("R1: starts tried for %s after its execution was accepted", key)
                    .filteredOn(c -> "StartPlanExecution".equals(c.operation()) && c.at().isAfter(accepted.at())
                            && key.isPresent()
                            && DecisionKey.in((String) c.body().get("comment")).equals(key))
                    .isEmpty();
        }

        // R2: nothing written by an actuator while the other holds the lease
        assertThat(calls).as("R2: writes reaching Region switch while another actuator held the lease %s", w.tenures)
                .filteredOn(c -> List.of("StartPlanExecution", "CancelPlanExecution", "ApprovePlanExecutionStep")
                        .contains(c.operation()))
                .filteredOn(c -> w.tenures.stream().anyMatch(t -> !t.actuator().equals(c.accessKeyId())
                        && !"AKIDBOB".equals(c.accessKeyId()) && t.covers(c.at())))
                .isEmpty();

        // R3: DNS moves to a decision's target only after an execution activating its region completed: the decision's
        // own, or a person's that nothing else of the plan ran beside or after (in any region) up to the write; and a
        // write that does not serve its decision's target keeps the record where it was
        String served = "primary";
        for (DnsWrite write : w.dnsWrites) {
            Optional<Decision> decision = w.decisions.stream().filter(d -> d.decisionId().equals(write.decisionId()))
                    .findFirst();
            if (decision.isEmpty() || !decision.get().toTarget().equals(write.target())) {
                assertThat(write.target())
                        .as("R3: a write of %s that is not its target's keeps the record on %s", write,
                                served)
                        .isEqualTo(served);
                continue;
            }
            String region = REGION_OF.get(write.target());
            boolean own = runs.stream().anyMatch(e -> e.region().equals(region) && e.state().startsWith("completed")
                    && e.ended() != null && !e.ended().isAfter(write.at()) && DecisionKey.in(e.comment())
                            .filter(k -> k.decisionId().equals(write.decisionId())).isPresent());
            boolean outside = runs.stream()
                    .anyMatch(p -> p.region().equals(region) && DecisionKey.in(p.comment()).isEmpty()
                            && p.state().startsWith("completed") && !p.ended().isAfter(write.at()) && runs.stream()
                                    .filter(e -> e != p && !e.started().isAfter(write.at()))
                                    .allMatch(e -> e.ended() != null && !e.ended().isAfter(p.started())));
            assertThat(own || outside).as(
                    "R3: DNS written to %s for %s at %s after an execution activating %s completed"
                            + " (its own, or a person's with nothing of the plan run beside or after it)",
                    write.target(),
                    write.decisionId(), write.at(), region).isTrue();
            served = write.target();
        }

        // R4: the end is said, and true
        GroupReconciler g = w.owner.group;
        Convergence end = g.status().convergence();
        assertThat(settled(w)).as("R4: the owner converged or blocked on the newest decision; now " + end).isTrue();
        Decision newest = w.decisions.get(w.decisions.size() - 1);
        List<RegionSwitchService.Execution> its = runs.stream().filter(e -> DecisionKey.in(e.comment())
                .filter(k -> k.decisionId().equals(newest.decisionId())).isPresent()).toList();
        if (end instanceof Convergence.Converged) {
            assertThat(g.status().served()).as("R4: served").contains(ADDRESS_OF.get(newest.toTarget()));
            assertThat(w.dnsWrites).as("R4: converged through a DNS write of the newest decision, which R3 checked")
                    .anyMatch(d -> d.decisionId().equals(newest.decisionId()) && d.target().equals(newest.toTarget()));
        } else {
            assertThat(its).as("R4: BLOCKED (%s) while the decision's execution ended without completing or paused on "
                    + "a failed step", end).singleElement().satisfies(e -> assertThat(e.state()).isIn("canceled",
                            "pausedByFailedStep", "failed"));
        }
    }
}
