package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.testkit.db.PostgresPair;
import dev.failover.testkit.db.PostgresPair.Replication;
import dev.failover.testkit.db.Seeds;
import dev.failover.testkit.db.WritingClient;
import dev.failover.testkit.net.PathCut;
import dev.failover.testkit.topology.TestTopology;

/**
 * The data tier's invariants over seeded, randomized fault schedules against the packaged services (ADR 0020, "Loss
 * exposure"): the probes, the decision-service and the actuator as they ship, BIND9, and a real PostgreSQL pair. A
 * client writes where DNS points and records every acknowledged commit with its time; a monitor tries a write on each
 * node every 100 ms. The nemesis, drawn from the seed: the replication link cut (the replica's WAL receiver frozen by
 * SIGSTOP) for a while before the failure; the primary's region failing (its application, and its database crashed by
 * SIGQUIT or left answering and writing); the actuator killed (kill -9, then started again) or frozen (SIGSTOP, then
 * SIGCONT: a zombie that wakes late) at a random moment of the move; the fence refused (the actuator's login to the old
 * primary may read but not fence). The decisions are the decision-service's own, from the probes.
 * <p>
 * The checker states, from what the client, the monitor, the nodes, BIND and the actuator's API show:
 * <ul>
 * <li><b>I1</b> no acknowledged commit is missing on the promoted node unless it was acknowledged inside the loss window
 * the promotion recorded (GET /groups/api, {@code lastPromotionRequested}); whatever was recorded (the actuator may have
 * been killed after promoting), none acknowledged before the failure minus the budget, and none acknowledged after the
 * promoted node was seen writable;</li>
 * <li><b>I2</b> never two nodes accepting writes at once;</li>
 * <li><b>I3</b> a group the actuator reports CONVERGED has DNS on the node that takes writes;</li>
 * <li><b>I4</b> a fence refused while the old primary answers leaves the replica unpromoted, and the group BLOCKED with
 * the reason;</li>
 * <li><b>I5</b> a crashed old primary started again after the move (as the primary it was, without the start-up guard)
 * is fenced, and DNS stays on the promoted node; how long it took writes beside the new primary is measured, not
 * counted under I2.</li>
 * <li><b>I9</b> once the faults are over the move ends within 45 s: served, BLOCKED with its reason, or held by the
 * budget or a partition (not converging for ever);</li>
 * </ul>
 * Also drawn: BIND stopped for a few seconds at a random moment of the move (its zone and journal kept), the crashed
 * old primary started again once the move is served, and the switch refused for a few seconds (BIND's update policy
 * changed to refuse the actuator's key and re-read: a real REFUSED) from a random moment after the failure or from the
 * moment the replica takes writes. For the refusal the checker adds: a group whose database moved is never BLOCKED by
 * it, says REFUSED while it lasts (when the actuator was left alone), and is CONVERGED once it is lifted (I3, I4).
 * Also drawn: a second failover ({@link Second}), with a third node that still follows the original primary: it is
 * never promoted with commits it lacks beyond the recorded window (I1), the group says to re-point it (I4), and a
 * secondary that answers is not fenced for a promotion that cannot follow (I6: no node would take writes).
 * Also drawn: the plane's own path to an old primary that keeps answering its region's client cut with the failure
 * (nftables), healing after a few seconds or not: the group holds beside it, saying so, and never promotes while the cut
 * lasts (I7); healed, the old primary is fenced first as any that answers (I1, I2).
 * Also drawn: the promoted primary upgraded by an operator with the real pg_upgrade once the move is served (a new
 * cluster: timeline 1, a new system identifier): it is not taken for a former primary, never fenced, still served (I8).
 * Also drawn: the client, and the monitor's writes, asking for read-write transactions explicitly, which
 * default_transaction_read_only does not stop: the fence closes the application's database as well (ADR 0020, "A fence
 * no client passes"), and I1 and I2 hold for them too.
 * The suite runs {@link #SUITE_SEEDS}; {@code -Ddatatier.it.seeds=1-20} runs a soak (docs/benchmarks.md), one
 * {@code NEMESIS} line a schedule. A failing seed prints its schedule: run it alone with {@code -Ddatatier.it.seeds=N}.
 */
class DataTierNemesisIT {

    /** One schedule in the suite (about 70 s: a crash, the actuator killed mid-move); docs/benchmarks.md has the soak. */
    static final String SUITE_SEEDS = "5";
    static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Long> seeds() {
        return Seeds.from("datatier.it.seeds", SUITE_SEEDS);
    }

    /** What happens to the actuator during the move. */
    enum ActuatorFault {
        NONE,
        /** kill -9, then the same instance started again at once. */
        KILLED,
        /** SIGSTOP for a while, then SIGCONT: it wakes unaware of the time that passed. */
        FROZEN
    }

    /** When BIND's update policy refuses the actuator's key (a real REFUSED), for a while. */
    enum DnsRefusal {
        NONE,
        /** From a random moment after the failure: it may meet the check before the database moves, or the write. */
        AFTER_FAILURE,
        /** From the moment the replica is seen taking writes: the switch refused after the promotion. */
        AFTER_PROMOTION
    }

    /**
     * The second failover: with a third node (a second replica of the original primary, in a third region, which
     * nothing re-points), the secondary's region fails once the first move is served, its database crashed or left
     * answering, and the actuator killed or frozen at a random moment of that move too.
     */
    record Second(boolean drawn, boolean crash, ActuatorFault actuatorFault, long faultAfterMillis) {
    }

    /** One schedule, drawn from its seed. */
    record Schedule(long seed, Replication replication, int budget, boolean crash, boolean cut, long cutMillis,
            ActuatorFault actuatorFault, long faultAfterMillis, long frozenMillis, boolean refuseFence,
            boolean dnsOutage,
            long dnsOutageAfterMillis, long dnsOutageMillis, boolean returns, DnsRefusal dnsRefusal,
            long refusalAfterMillis, long refusalMillis, Second second, boolean partition, boolean partitionHeals,
            long partitionMillis, boolean upgrade, boolean readWrite) {

        static Schedule draw(long seed) {
            Random random = new Random(seed);
            Replication replication = random.nextInt(3) == 0 ? Replication.SYNC : Replication.ASYNC;
            int budget = random.nextBoolean() ? 0 : 5 + random.nextInt(56);
            boolean crash = random.nextBoolean();
            boolean cut = random.nextBoolean();
            long cutMillis = 200 + random.nextInt(2_000);
            ActuatorFault fault = ActuatorFault.values()[random.nextInt(ActuatorFault.values().length)];
            long faultAfter = random.nextInt(4_000);
            long frozen = 1_000 + random.nextInt(5_000);
            boolean refuseFence = !crash && random.nextInt(3) == 0;
            // drawn last, so that the draws above stay what they were for every seed
            boolean dnsOutage = random.nextInt(3) == 0;
            long dnsOutageAfter = random.nextInt(4_000);
            long dnsOutageMillis = 1_000 + random.nextInt(4_000);
            boolean returns = crash && random.nextBoolean();
            // drawn after the above, for the same reason; never with BIND stopped (its policy is re-read by a running named)
            DnsRefusal refusal = DnsRefusal.values()[random.nextInt(DnsRefusal.values().length)];
            long refusalAfter = random.nextInt(3_000);
            long refusalMillis = 2_000 + random.nextInt(5_000);
            // drawn after the above, for the same reason: a third node, and the secondary's region failing after the move
            Second second = new Second(random.nextInt(3) == 0 && !refuseFence, random.nextBoolean(),
                    ActuatorFault.values()[random.nextInt(ActuatorFault.values().length)], random.nextInt(3_000));
            // drawn after the above, for the same reason: the plane's path to the old primary, whose database keeps
            // answering its region's client, cut with the failure (nftables), healing after a while or not
            boolean partition = !crash && !second.drawn() && random.nextBoolean();
            boolean partitionHeals = partition && random.nextBoolean();
            long partitionMillis = 2_000 + random.nextInt(6_000);
            // drawn after the above, for the same reason: the promoted primary upgraded by pg_upgrade once the move is
            // served (a new cluster on timeline 1, a new system identifier); not with a second failover, which moves on
            boolean upgrade = random.nextInt(3) == 0 && !second.drawn();
            // drawn after the above, for the same reason: the client asks for read-write transactions explicitly,
            // which default_transaction_read_only does not stop (ADR 0020, "A fence no client passes")
            boolean readWrite = random.nextInt(3) == 0;
            return new Schedule(seed, replication, budget, crash, cut, cutMillis, fault, faultAfter, frozen,
                    refuseFence,
                    dnsOutage, dnsOutageAfter, dnsOutageMillis, returns, dnsOutage ? DnsRefusal.NONE : refusal,
                    refusalAfter, refusalMillis, second, partition, partitionHeals, partitionMillis, upgrade,
                    readWrite);
        }
    }

    /** What a schedule's run left for the checker. */
    record Outcome(Map<Long, Instant> acknowledged, Set<Long> onPromoted, boolean promoted, Instant failedAt,
            Instant promotedSeenAt, JsonNode promotion, List<String> twoWritable, String status, String detail,
            Set<String> dnsAnswers, boolean servedNodeWritable, Instant returnedAt, Duration returnedWritable,
            boolean oldPrimaryWritableAtEnd, Refused refused, SecondOutcome second, Upgraded upgraded,
            boolean settled) {

        long lost() {
            return promoted ? acknowledged.keySet().stream().filter(id -> !onPromoted.contains(id)).count() : 0;
        }
    }

    /**
     * The promoted primary upgraded by pg_upgrade (null when not drawn, or the move was not served): when it accepted
     * connections again, whether it takes writes at the end, and the actuator's view of the nodes then.
     */
    record Upgraded(Instant at, boolean writableAtEnd, String seen) {
    }

    /**
     * What the switch refusal met: whether it was in force (none when not drawn), whether DNS already answered with the
     * promoted node when it began, and whether the actuator's API named the refusal while it lasted.
     */
    record Refused(boolean happened, boolean switchedBefore, boolean promotedBefore, boolean saidWhileRefused) {
        static final Refused NONE = new Refused(false, false, false, false);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theInvariantsHoldAgainstThePackagedServices(long seed) throws Exception {
        Schedule schedule = Schedule.draw(seed);
        Outcome outcome = run(schedule);
        List<String> violations = check(schedule, outcome);
        System.out.printf("NEMESIS seed=%d %s budget=%d crash=%s cut=%s actuator=%s after=%dms refuse=%s dnsOutage=%s"
                + " returns=%s dnsRefused=%s/%s second=%s partition=%s upgrade=%s readWrite=%s | promoted=%s exposure=%s acknowledged=%d lost=%d twoWritable=%d returnedWritableMs=%s"
                + " status=%s violations=%d%n", seed, schedule.replication(), schedule.budget(), schedule.crash(),
                schedule.cut(), schedule.actuatorFault(), schedule.faultAfterMillis(), schedule.refuseFence(),
                schedule.dnsOutage(), schedule.returns(), schedule.dnsRefusal(), !outcome.refused().happened() ? "-"
                        : outcome.refused().switchedBefore() ? "after-switch" : outcome.refused().promotedBefore()
                                ? "after-promotion" : "before-promotion",
                !outcome.second().happened() ? "-"
                        : (schedule.second().crash() ? "crash" : "answers") + "/" + schedule.second().actuatorFault()
                                + "/"
                                + (outcome.second().thirdPromoted() ? "promoted" : outcome.second().status()
                                        + (outcome.second().secondaryWritable() ? "+secondaryWritable" : "")),
                !schedule.partition() ? "-" : schedule.partitionHeals() ? "heals" : "stays", !schedule.upgrade() ? "-"
                        : outcome.upgraded() == null ? "not-served" : "upgraded",
                schedule.readWrite(), outcome.promoted(), outcome.promotion() == null ? "-"
                        : outcome.promotion().path("lossExposureSeconds").asText("unknown"),
                outcome.acknowledged().size(),
                outcome.lost(), outcome.twoWritable().size(), outcome.returnedAt() == null ? "-"
                        : Long.toString(outcome.returnedWritable().toMillis()),
                outcome.status(), violations.size());
        assertThat(violations).as("seed " + seed + ": " + schedule + "\nstatus " + outcome.status() + ": "
                + outcome.detail() + "\npromotion " + outcome.promotion()).isEmpty();
    }

    Outcome run(Schedule schedule) throws Exception {
        try (PostgresPair pair = PostgresPair.start(schedule.replication(), schedule.second().drawn() ? 2 : 1)) {
            String eastUser = PostgresPair.USER;
            if (schedule.refuseFence()) { // may read the primary's state, may not ALTER SYSTEM (the fence)
                DataTierIT.sql(pair.primary().jdbcUrl(), "CREATE ROLE watcher LOGIN IN ROLE pg_monitor");
                eastUser = "watcher";
            }
            String name = "nemesis-" + schedule.seed();
            // a schedule with a partition: the plane reaches the primary by a path of its own, and the group holds beside
            // an old primary it cannot reach (the default)
            try (TestStack stack = schedule.second().drawn()
                    ? DataTierIT.threeNodeStack(name, pair, schedule.budget(), eastUser)
                    : DataTierIT.stack(name, pair, schedule.budget(), eastUser, schedule.partition()
                            ? DataTierPartitionIT.cutOffAble(pair, null) : yaml -> yaml);
                    PathCut planePath = new PathCut(DataTierPartitionIT.PLANE_PATH, pair.primary().port())) {
                return run(schedule, pair, stack, planePath);
            }
        }
    }

    Outcome run(Schedule schedule, PostgresPair pair, TestStack stack, PathCut planePath) throws Exception {
        WritingClient.Route route = DataTierIT.ready(stack, pair);
        AtomicReference<ServiceProcess> actuator = new AtomicReference<>(stack.actuator());
        List<String> twoWritable = new CopyOnWriteArrayList<>();
        AtomicReference<Instant> promotedSeen = new AtomicReference<>();
        // when the crashed old primary was started again: two writers after it are measured (until the actuator fences
        // it), not counted under I2
        AtomicReference<Instant> returned = new AtomicReference<>();
        AtomicReference<Instant> lastTwoWritable = new AtomicReference<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        PostgresPair.Node third = pair.replicas().size() > 1 ? pair.replicas().get(1) : null;
        Thread monitor = new Thread(() -> {
            while (watching.get()) {
                boolean replica = DataTierIT.writeError(pair.replica().jdbcUrl(), schedule.readWrite()) == null;
                boolean primary = DataTierIT.writeError(pair.primary().jdbcUrl(), schedule.readWrite()) == null;
                boolean thirdWritable = third != null
                        && DataTierIT.writeError(third.jdbcUrl(), schedule.readWrite()) == null;
                if (replica) {
                    promotedSeen.compareAndSet(null, Instant.now());
                }
                if ((replica ? 1 : 0) + (primary ? 1 : 0) + (thirdWritable ? 1 : 0) >= 2) {
                    lastTwoWritable.set(Instant.now());
                    if (returned.get() == null && twoWritable.size() < 5) {
                        twoWritable.add(Instant.now().toString());
                    }
                }
                sleep(100);
            }
        }, "two-writers");
        Instant failedAt;
        boolean receiverStopped = false;
        WritingClient client = new WritingClient(route, PostgresPair.USER);
        if (schedule.readWrite()) {
            client.askingForReadWrite();
        }
        try (WritingClient writer = client.start()) {
            monitor.start();
            await("rows written to the primary").atMost(Duration.ofSeconds(20))
                    .until(() -> writer.acknowledgedCount() >= 50);
            await("the actuator knows what the replica would lose").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200)).until(() -> DataTierIT.metrics(actuator.get()).contains(
                            DataTierIT.DATA_TIER_METRICS
                                    + "loss_exposure_known{group=\"api\",target=\"secondary\"} 1.0"));
            if (schedule.cut()) {
                pair.replica().signalWalReceiver("STOP");
                receiverStopped = true;
                sleep(schedule.cutMillis());
            }
            failedAt = Instant.now();
            stack.backend(TestTopology.PRIMARY).fail();
            if (schedule.crash()) {
                pair.primary().crash();
            }
            if (schedule.partition()) {
                planePath.drop();
            }
            Thread partition = new Thread(() -> {
                if (schedule.partitionHeals()) {
                    sleep(schedule.partitionMillis());
                    try {
                        planePath.heal();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, "partition");
            partition.start();
            Thread fault = actuatorFault(schedule.actuatorFault(), schedule.faultAfterMillis(), schedule.frozenMillis(),
                    actuator, stack, "actuator-again");
            Thread dnsFault = new Thread(() -> {
                if (schedule.dnsOutage()) { // BIND stopped for a while during the move, its zone and journal kept
                    sleep(schedule.dnsOutageAfterMillis());
                    stack.dns().stop();
                    sleep(schedule.dnsOutageMillis());
                    stack.dns().start();
                }
            }, "dns-fault");
            dnsFault.start();
            AtomicReference<Refused> refused = new AtomicReference<>(Refused.NONE);
            Thread refusal = new Thread(() -> {
                if (schedule.dnsRefusal() == DnsRefusal.NONE) {
                    return;
                }
                if (schedule.dnsRefusal() == DnsRefusal.AFTER_PROMOTION) {
                    try {
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                                .until(() -> promotedSeen.get() != null);
                    } catch (org.awaitility.core.ConditionTimeoutException e) {
                        return; // never promoted: nothing to refuse after
                    }
                } else {
                    sleep(schedule.refusalAfterMillis());
                }
                ((dev.failover.testkit.dns.BindServer) stack.dns()).refuseUpdates(true);
                boolean switchedBefore;
                try {
                    switchedBefore = DataTierIT.answers(stack).equals(Set.of(TestTopology.SECONDARY_IP));
                } catch (java.io.IOException e) {
                    switchedBefore = false;
                }
                boolean promotedBefore = promotedSeen.get() != null;
                boolean said = false;
                long until = System.nanoTime() + schedule.refusalMillis() * 1_000_000;
                while (System.nanoTime() < until) {
                    JsonNode now = status(actuator.get());
                    String detail = now.path("detail").asText();
                    said |= detail.contains("REFUSED") || detail.contains("refuses the switch");
                    sleep(200);
                }
                ((dev.failover.testkit.dns.BindServer) stack.dns()).refuseUpdates(false);
                refused.set(new Refused(true, switchedBefore, promotedBefore, said));
            }, "dns-refusal");
            refusal.start();
            if (receiverStopped) { // the link comes back after the failure (a crashed primary sends nothing more)
                sleep(500);
                pair.replica().signalWalReceiver("CONT");
                receiverStopped = false;
            }
            fault.join(120_000);
            dnsFault.join(60_000);
            partition.join(60_000);
            refusal.join(60_000);
            boolean settled = true;
            try {
                await("the move served, blocked or held").atMost(Duration.ofSeconds(45))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> {
                            String status = status(actuator.get()).path("status").asText();
                            boolean switched = DataTierIT.answers(stack).equals(Set.of(TestTopology.SECONDARY_IP));
                            return switched && status.equals("CONVERGED") || status.equals("BLOCKED")
                                    || DataTierIT.metrics(actuator.get()).contains(DataTierIT.DATA_TIER_METRICS
                                            + "held{group=\"api\"} 1.0")
                                            && Duration.between(failedAt, Instant.now())
                                                    .compareTo(Duration.ofSeconds(schedule.budget() + 12L)) > 0;
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                settled = false; // the checker says what is wrong (I9)
            }
            boolean switched = DataTierIT.answers(stack).equals(Set.of(TestTopology.SECONDARY_IP));
            if (switched) {
                int atSwitch = writer.acknowledgedCount();
                await("writes acknowledged by the promoted node").atMost(Duration.ofSeconds(20))
                        .until(() -> writer.acknowledgedCount() >= atSwitch + 20);
            }
            if (schedule.returns() && switched) {
                // the crashed old primary's server starts again as the primary it was (no start-up guard installed):
                // the actuator's watch must fence it, and DNS must stay on the promoted node
                returned.set(Instant.now());
                pair.primary().start();
                try {
                    await("the returned old primary fenced").atMost(Duration.ofSeconds(15))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> DataTierIT.writeError(pair.primary().jdbcUrl(), schedule.readWrite()) != null);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    // I5 says what is wrong
                }
            }
            Upgraded upgraded = null;
            if (schedule.upgrade() && switched && DataTierIT.isPrimary(pair.replica().jdbcUrl())) {
                // the operator upgrades the promoted primary: stopped, pg_upgrade, started again as a new cluster
                pair.replica().upgrade();
                Instant upgradedAt = Instant.now();
                int atUpgrade = writer.acknowledgedCount();
                // until the actuator has seen it take writes and had a resync interval and two seconds to act on it (a
                // lone writer is judged by the next pass, at failover.reconcile.resync-interval, 10 s, unless another
                // node also writes), or fenced it (for I8 to name); an observation that failed on the connection the
                // restart broke does not count; and the client writes to it again
                AtomicReference<Instant> writableSeen = new AtomicReference<>();
                try {
                    await("the upgraded primary watched, and written to").atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(250)).until(() -> {
                                JsonNode node = databaseNode(actuator.get(), TestTopology.SECONDARY);
                                if (node == null || !node.hasNonNull("observedAt")
                                        || !Instant.parse(node.get("observedAt").asText()).isAfter(upgradedAt)) {
                                    return false;
                                }
                                Instant at = Instant.parse(node.get("observedAt").asText());
                                String role = node.path("role").asText();
                                if (role.equals("FENCED")) {
                                    return true;
                                }
                                if (role.equals("WRITABLE")) {
                                    writableSeen.compareAndSet(null, at);
                                }
                                return writableSeen.get() != null && at.isAfter(writableSeen.get().plusSeconds(12))
                                        && writer.acknowledgedCount() >= atUpgrade + 20;
                            });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    // I8 says what is wrong
                }
                upgraded = new Upgraded(upgradedAt,
                        DataTierIT.writeError(pair.replica().jdbcUrl(), schedule.readWrite()) == null,
                        status(actuator.get()).path("databases").toString());
            }
            // the first move as it ended: what the checker's I1-I5 judge (a second failover is judged on its own)
            Map<Long, Instant> acknowledged = writer.acknowledgedAt();
            boolean promoted = DataTierIT.isPrimary(pair.replica().jdbcUrl());
            Set<Long> onPromoted = promoted ? WritingClient.ids(pair.replica().jdbcUrl(), PostgresPair.USER) : Set.of();
            Instant returnedAt = returned.get();
            JsonNode status = status(actuator.get());
            Set<String> answers = DataTierIT.answers(stack);
            boolean servedWritable = DataTierIT.writeError(served(pair, answers), schedule.readWrite()) == null;
            boolean oldPrimaryWritable = returnedAt != null
                    && DataTierIT.writeError(pair.primary().jdbcUrl(), schedule.readWrite()) == null;
            SecondOutcome second = schedule.second().drawn() && switched
                    ? secondFailover(schedule, pair, stack, actuator, writer, acknowledged.keySet())
                    : SecondOutcome.NONE;
            writer.stop();
            watching.set(false);
            monitor.join(5_000);
            Instant lastTwo = lastTwoWritable.get();
            return new Outcome(acknowledged, onPromoted, promoted, failedAt, promotedSeen.get(),
                    status.path("lastPromotionRequested").isObject() ? status.get("lastPromotionRequested") : null,
                    List.copyOf(twoWritable), status.path("status").asText(), status.path("detail").asText(), answers,
                    servedWritable, returnedAt, returnedAt == null || lastTwo == null
                            || lastTwo.isBefore(returnedAt) ? Duration.ZERO : Duration.between(returnedAt, lastTwo),
                    oldPrimaryWritable, refused.get(), second, upgraded, settled);
        } finally {
            watching.set(false);
            if (receiverStopped) {
                pair.replica().signalWalReceiver("CONT");
            }
        }
    }

    /** The node whose address DNS answers with. */
    static String served(PostgresPair pair, Set<String> answers) {
        return answers.equals(Set.of(DataTierIT.THIRD_IP)) ? pair.replicas().get(1).jdbcUrl()
                : answers.equals(Set.of(TestTopology.SECONDARY_IP)) ? pair.replica().jdbcUrl()
                        : pair.primary().jdbcUrl();
    }

    /**
     * What the second failover left: whether the third node was promoted, the commits acknowledged before the
     * secondary's region failed that it lacks (with when each was acknowledged), the promotion the actuator recorded,
     * the group's state and DNS, and whether the secondary's node still takes writes.
     */
    record SecondOutcome(boolean happened, Instant failedAt, boolean thirdPromoted, List<Instant> lostOnThird,
            JsonNode promotion, String status, String detail, Set<String> answers, boolean servedWritable,
            boolean secondaryWritable) {
        static final SecondOutcome NONE = new SecondOutcome(false, null, false, List.of(), null, "-", "", Set.of(),
                false,
                false);
    }

    /**
     * The secondary's region fails once the first move is served (its backend, and its database crashed or left
     * answering), the actuator faulted as drawn; waits until the move to the third target is served, blocked or held.
     */
    SecondOutcome secondFailover(Schedule schedule, PostgresPair pair, TestStack stack,
            AtomicReference<ServiceProcess> actuator, WritingClient writer, Set<Long> before) throws Exception {
        PostgresPair.Node third = pair.replicas().get(1);
        int atStart = writer.acknowledgedCount();
        await("writes acknowledged by the secondary").atMost(Duration.ofSeconds(20))
                .until(() -> writer.acknowledgedCount() >= atStart + 50);
        Map<Long, Instant> acknowledged = writer.acknowledgedAt();
        Instant failedAt = Instant.now();
        stack.backend(TestTopology.SECONDARY).fail();
        if (schedule.second().crash()) {
            pair.replica().crash();
        }
        Thread fault = actuatorFault(schedule.second().actuatorFault(), schedule.second().faultAfterMillis(),
                schedule.frozenMillis(), actuator, stack, "actuator-second");
        fault.join(120_000);
        try {
            await("the second move served, blocked or held").atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        JsonNode now = status(actuator.get());
                        String status = now.path("status").asText();
                        return now.path("desiredTarget").asText().equals(DataTierIT.THIRD) && (status.equals("BLOCKED")
                                || status.equals("CONVERGED") || now.path("detail").asText().contains("held by"));
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the checker says what is wrong
        }
        boolean thirdPromoted = DataTierIT.isPrimary(third.jdbcUrl());
        Set<Long> onThird = thirdPromoted ? WritingClient.ids(third.jdbcUrl(), PostgresPair.USER) : Set.of();
        List<Instant> lost = thirdPromoted ? acknowledged.entrySet().stream().filter(a -> !onThird.contains(a.getKey()))
                .map(Map.Entry::getValue).sorted().toList() : List.of();
        JsonNode status = status(actuator.get());
        Set<String> answers = DataTierIT.answers(stack);
        return new SecondOutcome(true, failedAt, thirdPromoted, lost,
                status.path("lastPromotionRequested").isObject() ? status.get("lastPromotionRequested") : null,
                status.path("status").asText(), status.path("detail").asText(), answers,
                DataTierIT.writeError(served(pair, answers), schedule.readWrite()) == null,
                !schedule.second().crash()
                        && DataTierIT.writeError(pair.replica().jdbcUrl(), schedule.readWrite()) == null);
    }

    /** The actuator killed (kill -9, started again as {@code name}) or frozen after {@code afterMillis}, on a thread. */
    static Thread actuatorFault(ActuatorFault fault, long afterMillis, long frozenMillis,
            AtomicReference<ServiceProcess> actuator, TestStack stack, String name) {
        Thread thread = new Thread(() -> {
            sleep(afterMillis);
            if (fault == ActuatorFault.KILLED) {
                actuator.get().kill();
                ServiceProcess again = stack.start(TestStack.ACTUATOR, name, Map.of());
                actuator.set(again);
                again.awaitReady(Duration.ofSeconds(90));
            } else if (fault == ActuatorFault.FROZEN) {
                actuator.get().suspend();
                sleep(frozenMillis);
                actuator.get().resume();
            }
        }, "actuator-fault");
        thread.start();
        return thread;
    }

    /** The invariants; each violation said in words. */
    static List<String> check(Schedule schedule, Outcome outcome) {
        List<String> violations = new ArrayList<>();
        // I9: once the faults are over, the move ends: served, blocked saying why, or held by the budget or a partition.
        // A soft-fenced old primary written to by a client asking for read-write kept it converging for ever
        if (!outcome.settled()) {
            violations.add("I9: 45 s after the faults ended the move is " + outcome.status() + " (" + outcome.detail()
                    + "): neither served, blocked nor held");
        }
        if (outcome.promoted()) {
            List<Instant> lost = outcome.acknowledged().entrySet().stream().filter(a -> !outcome.onPromoted()
                    .contains(a.getKey())).map(Map.Entry::getValue).sorted().toList();
            Instant floor = outcome.failedAt().minusSeconds(schedule.budget());
            if (!lost.isEmpty() && lost.get(0).isBefore(floor)) {
                violations.add(
                        "I1: " + lost.size() + " acknowledged commits missing, the first acknowledged at " + lost.get(0)
                                + ", before the failure minus the budget (" + floor + ")");
            }
            JsonNode promotion = outcome.promotion();
            if (promotion != null && promotion.path("lossExposureSeconds").isNumber() && !lost.isEmpty()) {
                Instant windowStart = Instant.parse(promotion.get("at").asText()).minusMillis(
                        (long) (promotion.get("lossExposureSeconds").asDouble() * 1000));
                if (lost.get(0).isBefore(windowStart)) {
                    violations.add("I1: " + lost.size() + " acknowledged commits missing, the first acknowledged at "
                            + lost.get(0) + ", before the recorded window from " + windowStart);
                }
            }
            if (outcome.promotedSeenAt() != null) {
                long after = lost.stream().filter(at -> at.isAfter(outcome.promotedSeenAt())).count();
                if (after > 0) {
                    violations.add(
                            "I1: " + after + " commits acknowledged after the promoted node took writes are missing");
                }
            }
        }
        if (!outcome.twoWritable().isEmpty()) {
            violations.add("I2: two nodes took writes at once: " + outcome.twoWritable());
        }
        if (outcome.status().equals("CONVERGED") && !outcome.servedNodeWritable()) {
            violations.add("I3: CONVERGED with DNS answering " + outcome.dnsAnswers() + ", whose node takes no writes");
        }
        if (schedule.refuseFence() && outcome.promoted()) {
            violations.add("I4: the fence was refused and the replica was promoted");
        }
        if (outcome.returnedAt() != null && !outcome.dnsAnswers().equals(Set.of(TestTopology.SECONDARY_IP))) {
            violations.add("I5: DNS answers " + outcome.dnsAnswers() + " after the old primary returned");
        }
        if (outcome.oldPrimaryWritableAtEnd()) {
            violations.add("I5: the old primary returned and still takes writes at the end");
        }
        Refused refused = outcome.refused();
        if (refused.happened() && outcome.status().equals("BLOCKED") && outcome.promoted()) {
            violations
                    .add("I4: the switch was refused after the database moved, and the group went BLOCKED (it must keep"
                            + " trying and say why): " + outcome.detail());
        }
        if (refused.happened() && outcome.promoted() && !refused.switchedBefore() && refused.promotedBefore()
                && schedule.actuatorFault() == ActuatorFault.NONE && !refused.saidWhileRefused()) {
            violations.add("I4: the switch was refused after the promotion and GET /groups/api never said REFUSED");
        }
        if (refused.happened() && outcome.promoted() && !schedule.refuseFence()
                && !outcome.status().equals("CONVERGED")) {
            violations.add("I3: the database moved, the refusal was lifted, and the group is " + outcome.status() + ": "
                    + outcome.detail());
        }
        SecondOutcome second = outcome.second();
        if (second.happened()) {
            if (second.thirdPromoted() && !second.lostOnThird().isEmpty()) {
                JsonNode promotion = second.promotion();
                Instant windowStart = promotion == null || !promotion.path("lossExposureSeconds").isNumber() ? null
                        : Instant.parse(promotion.get("at").asText()).minusMillis((long) (promotion.get(
                                "lossExposureSeconds").asDouble() * 1000));
                Instant first = second.lostOnThird().get(0);
                if (windowStart == null || first.isBefore(windowStart)
                        || first.isBefore(second.failedAt().minusSeconds(schedule.budget()))) {
                    violations.add("I1: the second failover promoted the third node, which lacks "
                            + second.lostOnThird().size() + " acknowledged commits, the first acknowledged at " + first
                            + " (recorded promotion " + promotion + ")");
                }
            }
            if (!second.thirdPromoted() && !second.detail().contains("Re-point")) {
                violations.add("I4: the second failover was not made and GET /groups/api does not say why (to re-point"
                        + " the third node): " + second.status() + ": " + second.detail());
            }
            if (!schedule.second().crash() && !second.thirdPromoted() && !second.secondaryWritable()) {
                violations
                        .add("I6: the second failover fenced the secondary's node, which answered and took the writes,"
                                + " for a promotion that was not made: no node takes writes");
            }
            if (second.status().equals("CONVERGED") && !second.servedWritable()) {
                violations.add("I3: CONVERGED after the second failover with DNS answering " + second.answers()
                        + ", whose node takes no writes");
            }
        }
        // a DNS refusal drawn before any move blocks the decision first (the switch's preflight), saying so, with nothing
        // fenced or promoted: a reason given, and the operator's retry then meets what comes next (a hold, a fence)
        boolean blockedByRefusal = refused.happened() && outcome.status().equals("BLOCKED")
                && outcome.detail().contains("nothing was fenced or promoted");
        // I7: an old primary cut off from the plane while its client writes (no fence agent) is not promoted beside, and
        // the hold is said
        if (schedule.partition() && !schedule.partitionHeals()) {
            if (outcome.promoted()) {
                violations.add("I7: the old primary was cut off from the plane, its writes not shown stopped, and the"
                        + " replica was promoted beside it");
            }
            if (!outcome.detail().contains("held") && !blockedByRefusal) {
                violations.add("I7: the old primary was cut off from the plane and the group says " + outcome.status()
                        + ": " + outcome.detail());
            }
        }
        // I8: a primary upgraded by pg_upgrade (a new cluster on timeline 1, a new system identifier) is not a former
        // primary of itself: never fenced, and DNS stays on it
        if (outcome.upgraded() != null) {
            if (!outcome.upgraded().writableAtEnd()) {
                violations
                        .add("I8: the promoted primary upgraded by pg_upgrade takes no writes at the end (fenced?); the"
                                + " actuator saw " + outcome.upgraded().seen());
            }
            if (!outcome.dnsAnswers().equals(Set.of(TestTopology.SECONDARY_IP))) {
                violations.add("I8: DNS answers " + outcome.dnsAnswers() + " after the promoted primary was upgraded");
            }
        }
        // I4 once the fence was tried: an old primary cut off from the plane for good is never asked, and I7 judges that
        // hold (as DataTierFaultsTest's I4 and I6); a decision the DNS preflight blocked never reached the fence
        boolean fenceTried = !(schedule.partition() && !schedule.partitionHeals()) && !blockedByRefusal;
        if (schedule.refuseFence() && fenceTried && !(outcome.status().equals("BLOCKED") && outcome.detail().contains(
                "could not be fenced"))) {
            violations.add("I4: the fence was refused, and the group is " + outcome.status() + ": " + outcome.detail());
        }
        return violations;
    }

    /** {@code target}'s database node as the actuator's GET /groups/api shows it; null when it shows none. */
    static JsonNode databaseNode(ServiceProcess actuator, String target) {
        for (JsonNode node : status(actuator).path("databases")) {
            if (node.path("target").asText().equals(target)) {
                return node;
            }
        }
        return null;
    }

    static JsonNode status(ServiceProcess actuator) {
        try {
            return JSON.readTree(actuator.get("/groups/api", "viewer"));
        } catch (RuntimeException | java.io.IOException e) {
            return JSON.createObjectNode().put("status", "UNREACHABLE").put("detail", String.valueOf(e.getMessage()));
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
