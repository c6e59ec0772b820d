package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * Terms survive a re-created consumer group (ADR 0002). Epochs were kept owner-unique by the consumer group's
 * generation alone, which starts again at 1 when the group is re-created. Kafka refuses to delete a group that still
 * has a member, and a member that lost its group stops deciding when its lease lapses, so the case that matters is a
 * new group while a member of the old one still runs: a rollout that renames the group, a move to a new cluster whose
 * state is mirrored. Here two packaged decision-services, each alone in its own consumer group (generation 1 both), own
 * the same group: the first fails it over, the second starts in a fresh group and restores that state, and both fail it
 * back when the primary recovers. On the old code both minted the same epoch, one above the failover's; now the second
 * decides under a term above the one it restored, with its own instance tag, and no epoch is minted twice.
 * <p>
 * Decided and served reconciled (ADR 0002), with a (dry-run) actuator: it serves the higher epoch; an owner whose
 * latest decision it does not serve re-issues that decision once, above the served one; an owner whose re-issue is
 * overtaken raises NOT_SERVED with the reason instead of re-issuing it again. Once neither owner decides anything new,
 * one is SERVED on the target both owners' evidence names, the other NOT_SERVED, and no decision was re-issued twice.
 * (Which owner fails back first depends on timing: under load one owner re-issued its failover over the other's
 * failback, then failed back itself.)
 */
class RecreatedConsumerGroupIT {

    static final Duration WAIT = Duration.ofSeconds(120);
    static final String GROUP = "group-0";
    /** The audit's "L re-issued as R": the decision re-issued. */
    static final java.util.regex.Pattern REISSUED = java.util.regex.Pattern.compile("; (\\S+) re-issued as ");

    @Test
    void twoOwnersInAFreshAndAnOldConsumerGroupNeverMintTheSameEpoch() throws Exception {
        // the actuator runs dry-run and reports what it serves; a decision not served counts as such after 5 s
        try (TestStack stack = TestStack.named("regroup").topology(s -> DecisionOwnershipIT.topology()).actuator()
                .env(TestStack.DECISION, "FAILOVER_NOT_SERVED_AFTER", "5s").start()) {
            List<ServiceProcess> deciders = new ArrayList<>();
            try (TopicClient client = TopicClient.of(stack.kafka().bootstrapServers());
                    TopicClient.Reader reader = client.reader(Topics.DECISIONS)) {
                ServiceProcess first = stack.start(TestStack.DECISION, "decider-1", Map.of("FAILOVER_INSTANCE_ID",
                        "decider-1"));
                deciders.add(first);
                first.awaitReady(Duration.ofSeconds(90));
                await("decider-1 owning " + GROUP).atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(DeciderViews.owned(first)).contains(GROUP));
                await("a FAILOVER of " + GROUP).atMost(WAIT).pollInterval(Duration.ofSeconds(1)).pollInSameThread()
                        .untilAsserted(() -> {
                            ZombieDeciderIT.report(client, GROUP, ProbeOutcome.DOWN);
                            assertThat(ZombieDeciderIT.decisions(reader, GROUP)).extracting(Decision::kind)
                                    .contains(DecisionKind.FAILOVER);
                        });

                // a second instance in a fresh consumer group: its generation is 1 as well, and it restores the state
                ServiceProcess second = stack.start(TestStack.DECISION, "decider-2", Map.of("FAILOVER_INSTANCE_ID",
                        "decider-2", "MP_MESSAGING_INCOMING_DECISION_INPUTS_GROUP_ID", "decision-service-recreated"));
                deciders.add(second);
                second.awaitReady(Duration.ofSeconds(90));
                await("decider-2 owning " + GROUP + " in its own consumer group").atMost(WAIT)
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(DeciderViews.owned(second)).contains(GROUP));
                assertThat(DeciderViews.owned(first)).as("decider-1 still owns it in the old group").contains(GROUP);

                // the primary recovers: each owner fails the group back (in either order; one of them may first
                // re-issue its failover over the other's failback, below, and fail back after it)
                await("a FAILBACK of " + GROUP + " by each owner").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                        .pollInSameThread().untilAsserted(() -> {
                            ZombieDeciderIT.report(client, GROUP, ProbeOutcome.UP);
                            for (ServiceProcess decider : List.of(first, second)) {
                                assertThat(decider.output()).as(decider.name + "'s log")
                                        .containsPattern("published decision \\S+ epoch \\d+: FAILBACK");
                            }
                        });
                List<Decision> all = ZombieDeciderIT.decisions(reader, GROUP);
                System.out.printf("decisions of %s: %s%n", GROUP,
                        all.stream().map(d -> d.kind() + " epoch " + d.epoch())
                                .toList());
                assertThat(all).extracting(Decision::epoch).as("epochs of " + GROUP + " decided by two owners of "
                        + "generation 1 restored from the same state").doesNotHaveDuplicates();

                // decided and served reconciled: the actuator serves the higher epoch; an owner that sees another
                // owner's decision served over its latest one re-issues that one once, above; an owner whose re-issue
                // was overtaken raises NOT_SERVED instead of re-issuing it again. Once neither decides anything new,
                // one is SERVED.
                await("one owner SERVED, the other NOT_SERVED").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(List.of(decidedVsServed(first), decidedVsServed(second)))
                                .as("decided vs served at decider-1 and decider-2")
                                .containsExactlyInAnyOrder("SERVED", "NOT_SERVED"));
                ServiceProcess serving = decidedVsServed(first).equals("SERVED") ? first : second;
                ServiceProcess raised = serving == first ? second : first;
                assertThat(view(serving).path("recentDecisions").path(0).path("toTarget").asText())
                        .as("the served decision's target: where both owners' evidence says")
                        .isEqualTo(TestTopology.PRIMARY);
                assertThat(view(raised).path("decidedVsServed").path("detail").asText()).as("the raised owner's reason")
                        .contains("another owner decided the group");
                List<String> reissued = new ArrayList<>();
                for (ServiceProcess decider : List.of(first, second)) {
                    for (com.fasterxml.jackson.databind.JsonNode entry : view(decider).path("audit")) {
                        java.util.regex.Matcher m = REISSUED.matcher(entry.path("reason").asText());
                        if (entry.path("action").asText().equals("decision re-issued") && m.find()) {
                            reissued.add(m.group(1));
                        }
                    }
                }
                System.out.printf("decisions re-issued: %s%n", reissued);
                assertThat(reissued).as("decisions re-issued, each once at most").isNotEmpty().doesNotHaveDuplicates();
            } finally {
                deciders.forEach(ServiceProcess::close);
            }
        }
    }

    static com.fasterxml.jackson.databind.JsonNode view(ServiceProcess decider) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(decider.get("/groups/" + GROUP, "viewer"));
    }

    static String decidedVsServed(ServiceProcess decider) throws Exception {
        return view(decider).path("decidedVsServed").path("state").asText();
    }
}
