package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.net.FreePorts;
import dev.failover.testkit.topology.TestProbeResults;
import dev.failover.testkit.topology.TestTopology;

/**
 * Two decision-service instances share the groups by partition: each group is decided by exactly one of them (one
 * decision per switch, never two). When one instance stops, the other takes its groups over, restores their state from
 * Kafka and carries their epochs on. On the way, failoverctl's exit 5 is caused for real: an operator command sent through
 * one instance while the group's owner is frozen is accepted but not confirmed, and applied once the owner runs again.
 * Then a group moves to the other instance and back (SIGSTOP, SIGCONT, SIGKILL of the interim owner) while its first
 * owner holds a decision it counted and never published (held through JDWP, {@link BeforeSendingDecision#hold}): the
 * held decision is dropped, a pause set through the interim owner stays, nothing is decided for the group while it is
 * paused, and the pause's Idempotency-Key still names the pause at the new owner.
 */
class DecisionOwnershipIT {

    static final int GROUPS = 6;
    static final EventCodec CODEC = EventCodec.instance();
    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * How long a write waits for the owner's outcome before answering 202 (failover.command-timeout, 10 s by default):
     * short, so that the owner is frozen (failoverctl's start and this) for well under the consumer session timeout (20 s
     * here) and keeps its partitions.
     */
    static final String COMMAND_TIMEOUT = "2s";

    /** The test topology's group, repeated under six ids, each on its own record. */
    static String topology() {
        return TestTopology.yaml(ALL_GROUPS);
    }

    static void round(TopicClient client, ProbeOutcome primary) {
        Instant now = Instant.now();
        for (int g = 0; g < GROUPS; g++) {
            round(client, "group-" + g, primary, now);
        }
    }

    /** One group's results of one round: the primary's outcome and a healthy secondary, from every location. */
    static void round(TopicClient client, String group, ProbeOutcome primary, Instant now) {
        for (String location : TestTopology.LOCATIONS) {
            client.send(Topics.PROBE_RESULTS, group,
                    CODEC.encode(TestProbeResults.up(group, TestTopology.SECONDARY, location, now)));
            client.send(Topics.PROBE_RESULTS, group,
                    CODEC.encode(ProbeResult.of(group, TestTopology.PRIMARY, "r", location,
                            now, primary).durationMillis(1L)
                            .failureReason(primary == ProbeOutcome.DOWN ? FailureReason.TIMEOUT : null)
                            .build()));
        }
    }

    static List<Decision> decisions(List<ConsumerRecord<String, String>> records, DecisionKind kind) {
        return records.stream().map(r -> CODEC.decode(r.value(), Decision.class)).filter(d -> d.kind() == kind)
                .toList();
    }

    static final List<String> ALL_GROUPS = IntStream.range(0, GROUPS).mapToObj(g -> "group-" + g).toList();

    @Test
    void eachGroupHasOneDeciderAndASurvivorTakesOver() throws Exception {
        // the frozen owner (a few seconds, more on a busy machine) must keep its membership, so that the command waits for
        // it and is not taken by the other instance; the take-over below is by a clean stop
        // decider-1 opens a debug port: the move back holds one of its decisions through it
        int debugPort = FreePorts.next();
        try (TestStack stack = TestStack.named("ownership").topology(s -> topology()).deciders(2)
                .env(TestStack.DECISION,
                        "FAILOVER_COMMAND_TIMEOUT", COMMAND_TIMEOUT,
                        "MP_MESSAGING_INCOMING_DECISION_INPUTS_SESSION_TIMEOUT_MS", "20000")
                .deciderEnv(1, BeforeSendingDecision.env(debugPort)).start()) {
            StandaloneKafka kafka = stack.kafka();
            List<ServiceProcess> deciders = new ArrayList<>(stack.deciders());
            try (TopicClient client = TopicClient.of(kafka.bootstrapServers());
                    TopicClient.Reader reader = client.reader(Topics.DECISIONS)) {
                // both joined: every group is decided by exactly one of them, and each decides some
                await("the groups shared between both deciders").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                            List<List<String>> owned = List.of(DeciderViews.owned(deciders.get(0)),
                                    DeciderViews.owned(deciders.get(1)));
                            assertThat(owned).as("groups owned by decider-1 and decider-2")
                                    .allSatisfy(o -> assertThat(o).isNotEmpty());
                            assertThat(owned.stream().flatMap(List::stream).toList())
                                    .as("every group has exactly one owner")
                                    .containsExactlyInAnyOrderElementsOf(ALL_GROUPS);
                        });

                List<Decision> failovers = reportUntilEachGroupHas(client, reader, ProbeOutcome.DOWN,
                        DecisionKind.FAILOVER);
                assertThat(failovers).as("FAILOVERs seen, each a group's first decision")
                        .allSatisfy(d -> assertThat(d.epoch()).isPositive());
                java.util.Map<String, Long> failoverEpochs = failovers.stream()
                        .collect(java.util.stream.Collectors.toMap(Decision::group, Decision::epoch, Math::max));

                aWriteWhileTheOwnerIsFrozenIsPendingWithExit5AndAppliedWhenItRunsAgain(deciders.get(0),
                        deciders.get(1));

                // a group moves to the other instance and back with a decision of its first owner held unsent: the
                // decision is dropped, a pause set meanwhile stays, and so does its key's meaning; the interim owner is
                // killed on the way, the first instance takes every group over
                ServiceProcess survivor = deciders.get(0);
                String paused = aDecisionHeldUnsentAtTheRevokeIsDroppedAndThePauseOfTheInterimOwnerStays(survivor,
                        debugPort,
                        deciders.get(1), client, reader);
                deciders.remove(1);
                List<String> running = ALL_GROUPS.stream().filter(g -> !g.equals(paused)).toList();
                List<Decision> failbacks = reportUntilEachGroupHas(client, reader, ProbeOutcome.UP,
                        DecisionKind.FAILBACK, running);
                // the paused group saw the same healthy primary in the same rounds as those that failed back
                assertThat(reader.poll().stream().map(r -> CODEC.decode(r.value(), Decision.class))
                        .filter(d -> d.group().equals(paused)).toList()).as("decisions of " + paused + " while paused")
                        .extracting(Decision::kind).containsExactly(DecisionKind.FAILOVER);
                HttpResponse<String> resume = answered(survivor, paused, "resume",
                        "{\"reason\":\"move back test over\"}",
                        Map.of("Idempotency-Key", "resume-" + UUID.randomUUID()));
                assertThat(resume.statusCode())
                        .as("resume " + paused + " through " + survivor.name + ": " + resume.body())
                        .isEqualTo(200);
                failbacks = reportUntilEachGroupHas(client, reader, ProbeOutcome.UP, DecisionKind.FAILBACK, ALL_GROUPS);
                // each owner decides under the term of its assignment (ADR 0002): above the group's FAILOVER
                assertThat(failbacks).as("FAILBACKs seen, each above its group's FAILOVER: the epoch carried on")
                        .allSatisfy(
                                d -> assertThat(d.epoch()).as(d.group()).isGreaterThan(failoverEpochs.get(d.group())));

                // Every decision of a group comes before its FAILBACK on the decisions topic, so by now any duplicate
                // (two instances deciding one group) would have been read.
                List<Decision> all = reader.poll().stream().map(r -> CODEC.decode(r.value(), Decision.class)).toList();
                assertThat(all).as("every decision: one FAILOVER and one FAILBACK per group, no duplicates")
                        .extracting(d -> d.group() + " " + d.kind())
                        .containsExactlyInAnyOrderElementsOf(ALL_GROUPS.stream()
                                .flatMap(g -> Stream.of(g + " " + DecisionKind.FAILOVER,
                                        g + " " + DecisionKind.FAILBACK))
                                .toList());
            } finally {
                deciders.forEach(ServiceProcess::close);
            }
        }
    }

    /**
     * failoverctl's exit 5 against the running deciders: the owner of a group is frozen (SIGSTOP, by PID) and an operator
     * pauses the group with the packaged failoverctl through the other instance. That instance sends the command to
     * Kafka and, with no outcome from the owner within the command timeout, answers 202: failoverctl exits 5 and says the
     * command is pending. Nothing is applied while the owner is frozen; once it runs again (SIGCONT) the pause is applied,
     * exactly once, under the command id the idempotency key names. The group is resumed afterwards, for the failback.
     * <p>
     * First, with the owner running, a command on the same path (through the other instance, to the owner) is confirmed
     * within the timeout: the control that shows the 202 comes from the freeze. It also makes the path warm: the first
     * command of a fresh instance took about a second (the other instance's first send, the owner's first read of the
     * partition), which a short timeout would answer with 202 even with the owner running.
     */
    static void aWriteWhileTheOwnerIsFrozenIsPendingWithExit5AndAppliedWhenItRunsAgain(ServiceProcess owner,
            ServiceProcess other) throws Exception {
        long start = System.nanoTime();
        String group = DeciderViews.owned(owner).get(0);
        String key = "exit5-" + UUID.randomUUID();
        // the command id the decision-service derives from the key, the caller (scripts/token.sh's "system-test") and group
        String commandId = UUID
                .nameUUIDFromBytes(("system-test\n" + group + "\n" + key).getBytes(StandardCharsets.UTF_8))
                .toString();
        String operator = ServiceProcess.token("operator");
        String otherUrl = "http://" + other.host + ":" + other.port;
        HttpResponse<String> control = other.post("/groups/" + group + "/release", "operator",
                "{\"reason\":\"exit 5 control\"}");
        assertThat(control.statusCode())
                .as("a command through " + other.name + " with the owner running: " + control.body())
                .isEqualTo(200);
        Failoverctl.Run pause;
        String automationWhileFrozen;
        long frozenAt = System.nanoTime();
        owner.suspend();
        try {
            pause = Failoverctl.at(otherUrl, operator, "pause", group, "--url", otherUrl, "--reason", "exit 5 test",
                    "--idempotency-key", key);
            automationWhileFrozen = automation(other, group);
        } finally {
            owner.resume(); // always: a frozen process would not end on SIGTERM
        }
        System.out.printf("%s frozen for %d ms while failoverctl pause %s ran through %s%n", owner.name,
                Duration.ofNanos(System.nanoTime() - frozenAt).toMillis(), group, other.name);

        assertThat(pause.exit()).as("failoverctl pause with the owner frozen: " + pause).isEqualTo(5);
        // failoverctl wraps its text at 120 columns: compared word for word
        assertThat(pause.out().strip().replaceAll("\\s+", " ")).as(pause.toString())
                .isEqualTo("pending: sent; the owning instance has not reported the outcome within "
                        + Duration.parse("PT" + COMMAND_TIMEOUT) + " (idempotency key " + key
                        + "; check with: failoverctl status " + group + ")");
        assertThat(pause.err()).as(pause.toString()).isEmpty();
        assertThat(automationWhileFrozen)
                .as("automation of " + group + " as " + other.name + " saw it while the owner was frozen")
                .isEqualTo("RUNNING");

        await("the pending pause of " + group + " applied after SIGCONT").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(automation(other, group))
                        .as("automation of " + group + " as " + other.name + " sees it").isEqualTo("PAUSED"));
        // the command id of a keyed request: <key id>:<TYPE>:<digest of its arguments>
        Pattern accepted = Pattern.compile("command " + commandId + ":PAUSE:[0-9a-f]{16} PAUSE on " + group
                + " by system-test, issued at \\S+: ACCEPTED");
        assertThat(Stream.of(owner, other).mapToLong(d -> accepted.matcher(d.output()).results().count()).sum())
                .as("log lines of both deciders applying command " + commandId
                        + ": once, by the owner or its successor")
                .isEqualTo(1L);
        List<String> pauses = new ArrayList<>();
        JSON.readTree(other.get("/groups/" + group + "/history", "viewer")).path("actions").forEach(a -> {
            if (a.path("action").asText().equals("pause")) {
                pauses.add(a.path("principal").asText() + ": " + a.path("reason").asText());
            }
        });
        assertThat(pauses).as("pauses in the audit trail of " + group).containsExactly("system-test: exit 5 test");

        other.post("/groups/" + group + "/resume", "operator", "{\"reason\":\"exit 5 test over\"}");
        await("automation of " + group + " running again").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(automation(other, group)).isEqualTo("RUNNING"));
        System.out.printf("exit 5 of failoverctl caused and its pause applied and lifted in %d ms%n",
                Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    /**
     * Nothing kept from a lost ownership, with real signals. The instance that decides a group ({@code first}) counts a
     * decision it never publishes: the group's primary is reported healthy again, {@code first} decides the failback (a
     * new epoch, the primary active) and the thread about to send it is held at the publisher through JDWP
     * ({@link BeforeSendingDecision#hold}), so the decision stays queued. {@code first} is then frozen (SIGSTOP) until
     * the other instance ({@code interim}) has taken the group over from the stored state (the failover before it), and
     * an operator pauses the group through the interim owner, with an Idempotency-Key. {@code first} runs again
     * (SIGCONT), finds its ownership lease lapsed, its held thread is let go and its partitions are revoked with the
     * decision still queued; the interim owner is killed (SIGKILL) and the group moves back to {@code first}. It must
     * hold the interim owner's state: PAUSED, the epoch and the active target stored, never the held decision's, and
     * that decision never on failover.decisions. Before the fix (dc58c55) the revoke dropped only the queued decision:
     * the instance kept its epoch, active target and switch time, and skipped the interim owner's records of a lower
     * epoch when the group came back, the pause among them.
     * <p>
     * The held thread is let go once the lapse is seen, not after the revoke: it may be the consumer's event loop
     * (a decision made on a probe result), which the consumer's rebalance callback waits on. Either way the lapsed lease
     * keeps the publisher from sending until the revoke drops the decision. The results that led to the decision are read
     * again by the interim owner more than the session timeout after they were sent: stale, they decide nothing there.
     * <p>
     * Then the key: the same key with a pin is refused (422 naming the header and the pause), the same pause again answers
     * the first outcome, under the first command id.
     *
     * @return the group left paused at {@code first}
     */
    static String aDecisionHeldUnsentAtTheRevokeIsDroppedAndThePauseOfTheInterimOwnerStays(ServiceProcess first,
            int debugPort, ServiceProcess interim, TopicClient client, TopicClient.Reader decisions) throws Exception {
        long start = System.nanoTime();
        List<String> ofFirst = DeciderViews.owned(first);
        String group = ofFirst.get(ofFirst.size() - 1); // the exit 5 test took the first
        List<Decision> ofGroup = decisions.poll().stream().map(r -> CODEC.decode(r.value(), Decision.class))
                .filter(d -> d.group().equals(group)).toList();
        assertThat(ofGroup).as("decisions of " + group + " published so far").isNotEmpty();
        Decision published = ofGroup.get(ofGroup.size() - 1);
        Map<String, String> key = Map.of("Idempotency-Key", "move-back-" + UUID.randomUUID());
        String pauseBody = "{\"reason\":\"paused at the interim owner\"}";
        HttpResponse<String> pause;
        BeforeSendingDecision.HeldDecision held;
        long stored;
        try (BeforeSendingDecision fault = BeforeSendingDecision.hold(debugPort, group);
                TopicClient.Reader states = client.reader(Topics.DECISION_STATE)) {
            await("a decision of " + group + " held at " + first.name + " before it is sent")
                    .atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).pollInSameThread().until(() -> {
                        if (fault.failure() != null) {
                            throw fault.failure();
                        }
                        if (fault.held().isPresent()) {
                            return true; // no more results: those sent are stale by the time the interim owner reads them
                        }
                        round(client, group, ProbeOutcome.UP, Instant.now());
                        return false;
                    });
            held = fault.held().orElseThrow();
            System.out.printf("%s holds %s on thread %s%n", first.name, held, held.thread());
            // what makes the case: the held decision counted another target and a higher epoch than those stored
            assertThat(held.toTarget()).as("target of the held " + held).isNotEqualTo(published.toTarget());
            assertThat(held.epoch()).as("epoch of the held " + held).isGreaterThan(published.epoch());

            String lapse = "this process stalled longer than the ownership lease";
            long lapsesBefore = occurrences(first.output(), lapse);
            first.suspend();
            try {
                await(interim.name + " taking " + group + " over from the frozen " + first.name)
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(DeciderViews.owned(interim))
                                .as("groups of " + interim.name).contains(group));
                pause = answered(interim, group, "pause", pauseBody, key);
            } finally {
                first.resume(); // always: a frozen process would not end on SIGTERM
            }
            assertThat(pause.statusCode()).as("pause of " + group + " through its interim owner " + interim.name + ": "
                    + pause.body()).isEqualTo(200);
            stored = epochOf(states.await(r -> r.key().equals(group)
                    && "paused at the interim owner".equals(stateOf(r).path("pause").path("reason").asText(null)),
                    Duration.ofSeconds(30)));
            await(first.name + " finding its ownership lease lapsed after SIGCONT").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> occurrences(first.output(), lapse) > lapsesBefore);
            fault.release();
            String discarded = "discarding 1 unpublished decisions of " + group + ":";
            await(first.name + " dropping the held decision of " + group + " when its partition is revoked")
                    .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> first.output().contains(discarded));
            assertThat(fault.failure()).as("the fault, run through " + first.name + "'s debug port").isNull();
        }
        JsonNode applied = JSON.readTree(pause.body());
        assertThat(applied.path("group").path("automation").asText())
                .as("automation of " + group + " at " + interim.name)
                .isEqualTo("PAUSED");
        assertThat(stored).as("epoch of the interim owner's record of " + group + ": the published one")
                .isEqualTo(published.epoch());

        await("the consumer group settled with " + first.name + " back").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    List<String> owned = new ArrayList<>(DeciderViews.owned(first));
                    assertThat(owned).as("groups of " + first.name + ", joined again").isNotEmpty();
                    owned.addAll(DeciderViews.owned(interim));
                    assertThat(owned).as("every group owned by exactly one decider")
                            .containsExactlyInAnyOrderElementsOf(ALL_GROUPS);
                });
        interim.kill();
        await(first.name + " owning every group once " + interim.name + " was killed").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(DeciderViews.owned(first))
                        .as("groups of " + first.name).containsExactlyInAnyOrderElementsOf(ALL_GROUPS));

        // nothing kept from a lost ownership: the instance that held the decision holds the interim owner's state,
        // nothing of its own
        JsonNode after = DeciderViews.view(first, group);
        assertThat(after.path("automation").asText())
                .as("automation of " + group + " back at " + first.name + ": " + after)
                .isEqualTo("PAUSED");
        assertThat(after.path("pause").path("reason").asText()).as("pause of " + group + " at " + first.name)
                .isEqualTo("paused at the interim owner");
        assertThat(after.path("epoch").asLong())
                .as("epoch of " + group + " at " + first.name + ": the stored one, not the "
                        + "held decision's " + held.epoch())
                .isEqualTo(stored);
        assertThat(after.path("activeTarget").asText()).as("active target of " + group + " at " + first.name
                + ": the one published, not the held decision's " + held.toTarget()).isEqualTo(published.toTarget());
        List<String> recent = new ArrayList<>();
        after.path("recentDecisions").forEach(d -> recent.add(d.path("decisionId").asText()));
        assertThat(recent).as("recent decisions of " + group + " at " + first.name).doesNotContain(held.decisionId());
        assertThat(decisions.poll()).as("decisions on " + Topics.DECISIONS + ": never the held " + held)
                .noneMatch(r -> CODEC.decode(r.value(), Decision.class).decisionId().equals(held.decisionId()));

        // the Idempotency-Key: it names the pause, whichever instance took it and across the owner change
        String pauseId = applied.path("commandId").asText();
        HttpResponse<String> pin = answered(first, group, "pin", "{\"target\":\"" + TestTopology.SECONDARY
                + "\",\"reason\":\"the same key for another command\"}", key);
        assertThat(pin.statusCode()).as("a pin with the pause's key through " + first.name + ": " + pin.body())
                .isEqualTo(422);
        JsonNode refused = JSON.readTree(pin.body());
        assertThat(refused.path("field").asText()).as(pin.body()).isEqualTo("Idempotency-Key");
        assertThat(refused.path("message").asText()).as(pin.body())
                .startsWith("Idempotency-Key: this key was first used for PAUSE on group " + group + ", issued at ")
                .contains("(command " + pauseId + ", applied); this request is a PIN and was not applied");
        HttpResponse<String> again = answered(first, group, "pause", pauseBody, key);
        assertThat(again.statusCode()).as("the pause again with its key through " + first.name + ": " + again.body())
                .isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("commandId").asText()).as("command id of the repeated pause")
                .isEqualTo(pauseId);
        JsonNode view = DeciderViews.view(first, group);
        assertThat(view.path("pin").isNull() || view.path("pin").isMissingNode()).as("no pin on " + group + ": " + view)
                .isTrue();
        List<String> actions = new ArrayList<>();
        JSON.readTree(first.get("/groups/" + group + "/history", "viewer")).path("actions").forEach(a -> {
            if (a.path("reason").asText().equals("paused at the interim owner")
                    || a.path("reason").asText().equals("the same key for another command")) {
                actions.add(a.path("principal").asText() + " " + a.path("action").asText() + ": "
                        + a.path("reason").asText());
            }
        });
        assertThat(actions)
                .as("this test's actions in the audit trail of " + group + " at " + first.name + ": the pause, once")
                .containsExactly("system-test pause: paused at the interim owner");
        System.out.printf("%s paused through %s, moved back to %s and its key checked in %d ms%n", group, interim.name,
                first.name, Duration.ofNanos(System.nanoTime() - start).toMillis());
        return group;
    }

    /**
     * POST /groups/{group}/{action} as an operator until the answer is not 202 (the owner's outcome came later than the
     * command timeout): sent again with the same Idempotency-Key it is the same command, answered with its outcome.
     */
    static HttpResponse<String> answered(ServiceProcess decider, String group, String action, String json,
            Map<String, String> headers) {
        if (!headers.containsKey("Idempotency-Key")) {
            throw new IllegalArgumentException("without an Idempotency-Key a retry would be another command");
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        await(action + " of " + group + " through " + decider.name + " answered").atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).pollInSameThread().until(() -> {
                    answers.add(decider.post("/groups/" + group + "/" + action, "operator", json, headers));
                    return answers.get(answers.size() - 1).statusCode() != 202;
                });
        return answers.get(answers.size() - 1);
    }

    static long occurrences(String text, String part) {
        return Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
    }

    /** The snapshot of a record of failover.decision-state. */
    static JsonNode stateOf(ConsumerRecord<String, String> stateRecord) {
        try {
            return JSON.readTree(stateRecord.value()).path("snapshot");
        } catch (java.io.IOException e) {
            throw new AssertionError("unreadable state record " + stateRecord.value(), e);
        }
    }

    static long epochOf(ConsumerRecord<String, String> stateRecord) {
        return stateOf(stateRecord).path("epoch").asLong();
    }

    /** The group's automation (RUNNING, PAUSED, ...) in this decider's view. */
    static String automation(ServiceProcess decider, String group) throws java.io.IOException {
        JsonNode view = JSON.readTree(decider.get("/groups/" + group, "viewer"));
        return view.path("automation").asText();
    }

    /**
     * Reports the primary's outcome (and a healthy secondary) from every location once a second, as the probes would,
     * until each group has a decision of this kind.
     *
     * @return the decisions of this kind seen so far
     */
    static List<Decision> reportUntilEachGroupHas(TopicClient client, TopicClient.Reader reader, ProbeOutcome primary,
            DecisionKind kind) {
        return reportUntilEachGroupHas(client, reader, primary, kind, ALL_GROUPS);
    }

    /** {@link #reportUntilEachGroupHas(TopicClient, TopicClient.Reader, ProbeOutcome, DecisionKind)} until these groups have one. */
    static List<Decision> reportUntilEachGroupHas(TopicClient client, TopicClient.Reader reader, ProbeOutcome primary,
            DecisionKind kind, List<String> groups) {
        await("a " + kind + " for each group while the primary is " + primary).atMost(Duration.ofSeconds(90))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).pollInSameThread().untilAsserted(() -> {
                    round(client, primary);
                    assertThat(decisions(reader.poll(), kind)).as(kind + " decisions on " + Topics.DECISIONS)
                            .extracting(Decision::group).containsAll(groups);
                });
        return decisions(reader.poll(), kind);
    }
}
