package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * A zombie cannot decide. Two packaged decision-services share the groups; the owner of a group is frozen with SIGSTOP
 * while it waits out a failback hold-down, the other instance takes the group over and fails it back itself, and the
 * frozen one is let run again (SIGCONT). Its ticker then finds the hold-down long over, on evidence still fresh by its
 * clock (probe interval 40 s), and would fail back a second time with the same epoch; it must publish nothing.
 */
class ZombieDeciderIT {

    static final EventCodec CODEC = EventCodec.instance();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aDeciderFrozenWhileItsGroupMovedPublishesNothingForItWhenItRunsAgain() throws Exception {
        // evidence stays fresh for 3 intervals (120 s): longer than the freeze; the hold-down (20 s) is shorter
        try (TestStack stack = TestStack.named("zombie").topology(s -> DecisionOwnershipIT.topology().replace(
                "intervalSeconds: 1,", "intervalSeconds: 40,").replace("holdDownSeconds: 3", "holdDownSeconds: 20"))
                .start()) {
            StandaloneKafka kafka = stack.kafka();
            List<ServiceProcess> deciders = new ArrayList<>();
            ServiceProcess zombie = null;
            try (TopicClient client = TopicClient.of(kafka.bootstrapServers());
                    TopicClient.Reader reader = client.reader(Topics.DECISIONS)) {
                // without FAILOVER_INSTANCE_ID, as this test has always run them (deciders(2) would give them ids)
                deciders.add(stack.start(TestStack.DECISION, "decider-1", Map.of()));
                deciders.add(stack.start(TestStack.DECISION, "decider-2", Map.of()));
                for (ServiceProcess d : deciders) {
                    d.awaitReady(Duration.ofSeconds(90));
                }
                await("the groups shared between both deciders").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(List.of(DeciderViews.owned(deciders.get(0)),
                                DeciderViews.owned(deciders.get(1)))).as("groups owned by each decider")
                                .allSatisfy(o -> assertThat(o).isNotEmpty()));
                zombie = deciders.get(0);
                ServiceProcess survivor = deciders.get(1);
                String group = DeciderViews.owned(zombie).get(0);

                // the owner fails the group over, then sees the primary healthy again and starts the hold-down
                await("a FAILOVER of " + group).atMost(WAIT).pollInterval(Duration.ofSeconds(1)).pollInSameThread()
                        .untilAsserted(() -> {
                            report(client, group, ProbeOutcome.DOWN);
                            assertThat(decisions(reader, group)).as("decisions of " + group).isNotEmpty();
                        });
                ServiceProcess owner = zombie;
                await(owner.name + " seeing the primary of " + group + " healthy").atMost(WAIT)
                        .pollInterval(Duration.ofMillis(500)).pollInSameThread().untilAsserted(() -> {
                            report(client, group, ProbeOutcome.UP);
                            assertThat(primaryHealth(owner, group)).as("primary health at " + owner.name)
                                    .isEqualTo("HEALTHY");
                        });
                zombie.suspend();

                // the other instance takes the group over and, seeing the primary healthy for the hold-down, fails back
                await(survivor.name + " owning " + group).atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(DeciderViews.owned(survivor)).as("groups of " + survivor.name)
                                .contains(group));
                await("a FAILBACK of " + group + " by " + survivor.name).atMost(WAIT)
                        .pollInterval(Duration.ofSeconds(1))
                        .pollInSameThread().untilAsserted(() -> {
                            report(client, group, ProbeOutcome.UP);
                            assertThat(decisions(reader, group)).extracting(Decision::kind).as("decisions of " + group)
                                    .contains(DecisionKind.FAILBACK);
                        });

                // the zombie runs again: its hold-down is long over, on evidence it still holds for fresh
                zombie.resume();
                ServiceProcess resumed = zombie;
                await("the consumer group settled with " + resumed.name + " back").atMost(WAIT)
                        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                            List<String> owned = new ArrayList<>(DeciderViews.owned(resumed));
                            owned.addAll(DeciderViews.owned(survivor));
                            assertThat(owned).as("every group owned by exactly one decider")
                                    .containsExactlyInAnyOrderElementsOf(DecisionOwnershipIT.ALL_GROUPS);
                        });
                // a later decision of the group's owner shows every decision before it has been read
                await("a FAILOVER of " + group + " after the zombie ran again").atMost(WAIT)
                        .pollInterval(Duration.ofSeconds(1))
                        .pollInSameThread().untilAsserted(() -> {
                            report(client, group, ProbeOutcome.DOWN);
                            assertThat(decisions(reader, group)).extracting(Decision::kind).as("decisions of " + group)
                                    .containsSubsequence(DecisionKind.FAILBACK, DecisionKind.FAILOVER);
                        });

                List<Decision> all = decisions(reader, group);
                assertThat(all).extracting(Decision::epoch)
                        .as("epochs of " + group + ": rising, none twice (each owner's "
                                + "term has its own range, ADR 0002)")
                        .isSorted().doesNotHaveDuplicates();
                assertThat(all).extracting(Decision::kind).as("decisions of " + group)
                        .containsExactly(DecisionKind.FAILOVER, DecisionKind.FAILBACK, DecisionKind.FAILOVER);
                Decision failback = all.get(1);
                assertThat(survivor.output()).as(survivor.name + "'s log")
                        .contains("published decision " + failback.decisionId());
                assertThat(zombie.output()).as(zombie.name + "'s log: no failback published by the zombie")
                        .doesNotContainPattern("published decision \\S+ epoch \\d+: FAILBACK");
            } finally {
                if (zombie != null) {
                    zombie.resume(); // a frozen process would not end on SIGTERM
                }
                deciders.forEach(ServiceProcess::close);
            }
        }
    }

    /** One round of results for the group, as {@link DecisionOwnershipIT#round} sends it, made now. */
    static void report(TopicClient client, String group, ProbeOutcome primary) {
        DecisionOwnershipIT.round(client, group, primary, Instant.now());
    }

    static List<Decision> decisions(TopicClient.Reader reader, String group) {
        return reader.poll().stream().filter(r -> r.key().equals(group))
                .map(r -> CODEC.decode(r.value(), Decision.class)).toList();
    }

    /** The primary's health in the decider's view of the group (its own engine's, when it owns the group). */
    static String primaryHealth(ServiceProcess decider, String group) throws Exception {
        JsonNode view = JSON.readTree(decider.get("/groups/" + group, "viewer"));
        for (JsonNode target : view.path("targets")) {
            if (target.path("target").asText().equals(TestTopology.PRIMARY)) {
                return target.path("health").asText();
            }
        }
        return "absent";
    }
}
