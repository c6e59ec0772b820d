package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * Two decision-service instances share the groups by partition: each group is decided by exactly one of them (one
 * decision per switch, never two). When one instance stops, the other takes its groups over, restores their state from
 * Kafka and carries their epochs on.
 */
class DecisionOwnershipIT {

    static final int GROUPS = 6;
    static final EventCodec CODEC = EventCodec.instance();

    /** The test topology's group, repeated under six ids. */
    static String topology() {
        String one = TestTopology.yaml("http://127.0.0.1:1/health", "http://127.0.0.1:2/health");
        String header = one.substring(0, one.indexOf("groups:\n") + "groups:\n".length());
        String group = one.substring(one.indexOf("groups:\n") + "groups:\n".length());
        StringBuilder yaml = new StringBuilder(header);
        for (int g = 0; g < GROUPS; g++) {
            yaml.append(group.replace("id: " + TestTopology.GROUP, "id: group-" + g));
        }
        return yaml.toString();
    }

    static void round(TopicClient client, ProbeOutcome primary) {
        Instant now = Instant.now();
        for (int g = 0; g < GROUPS; g++) {
            for (String location : TestTopology.LOCATIONS) {
                client.send(Topics.PROBE_RESULTS, "group-" + g, CODEC.encode(new ProbeResult(1, "group-" + g, TestTopology.SECONDARY,
                        "r", location, now, 1L, ProbeOutcome.UP, null, 200, null, false, null, null)));
                client.send(Topics.PROBE_RESULTS, "group-" + g, CODEC.encode(new ProbeResult(1, "group-" + g, TestTopology.PRIMARY,
                        "r", location, now, 1L, primary, primary == ProbeOutcome.DOWN ? FailureReason.TIMEOUT : null, null, null,
                        false, null, null)));
            }
        }
    }

    static List<Decision> decisions(List<ConsumerRecord<String, String>> records, DecisionKind kind) {
        return records.stream().map(r -> CODEC.decode(r.value(), Decision.class)).filter(d -> d.kind() == kind).toList();
    }

    static final List<String> ALL_GROUPS = IntStream.range(0, GROUPS).mapToObj(g -> "group-" + g).toList();
    static final Pattern OWNED = Pattern.compile("failover_decision_group_owned\\{group=\"([^\"]+)\"} ([0-9.]+)");

    @Test
    void eachGroupHasOneDeciderAndASurvivorTakesOver() throws Exception {
        Path stack = Path.of("target/ownership-stack");
        FailoverChainIT.deleteKafkaData(stack);
        Path file = TestTopology.writeRaw(topology());
        try (StandaloneKafka kafka = StandaloneKafka.start(stack)) {
            Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "FAILOVER_TOPOLOGY_FILE",
                    file.toString());
            List<ServiceProcess> deciders = new ArrayList<>();
            try (TopicClient client = new TopicClient(kafka.bootstrapServers());
                    TopicClient.Reader reader = client.reader(Topics.DECISIONS)) {
                deciders.add(ServiceProcess.start("decision-service", "decider-1", FailoverChainIT.with(env, "FAILOVER_INSTANCE_ID",
                        "decider-1")));
                deciders.add(ServiceProcess.start("decision-service", "decider-2", FailoverChainIT.with(env, "FAILOVER_INSTANCE_ID",
                        "decider-2")));
                for (ServiceProcess d : deciders) {
                    d.awaitReady(Duration.ofSeconds(90));
                }
                // both joined: every group is decided by exactly one of them, and each decides some
                await("the groups shared between both deciders").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                            List<List<String>> owned = List.of(owned(deciders.get(0)), owned(deciders.get(1)));
                            assertThat(owned).as("groups owned by decider-1 and decider-2").allSatisfy(o -> assertThat(o).isNotEmpty());
                            assertThat(owned.stream().flatMap(List::stream).toList()).as("every group has exactly one owner")
                                    .containsExactlyInAnyOrderElementsOf(ALL_GROUPS);
                        });

                List<Decision> failovers = reportUntilEachGroupHas(client, reader, ProbeOutcome.DOWN, DecisionKind.FAILOVER);
                assertThat(failovers).as("FAILOVERs seen, each at epoch 1").allSatisfy(d -> assertThat(d.epoch()).isEqualTo(1L));

                // one instance leaves; the other takes its groups over and carries the epochs on
                ServiceProcess survivor = deciders.get(1);
                deciders.remove(0).close();
                await("the survivor owning every group").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(owned(survivor)).as("groups owned by decider-2")
                                .containsExactlyInAnyOrderElementsOf(ALL_GROUPS));
                List<Decision> failbacks = reportUntilEachGroupHas(client, reader, ProbeOutcome.UP, DecisionKind.FAILBACK);
                assertThat(failbacks).as("FAILBACKs seen, each at epoch 2").allSatisfy(d -> assertThat(d.epoch()).isEqualTo(2L));

                // Every decision of a group comes before its FAILBACK on the decisions topic, so by now any duplicate
                // (two instances deciding one group) would have been read.
                List<Decision> all = reader.poll().stream().map(r -> CODEC.decode(r.value(), Decision.class)).toList();
                assertThat(all).as("every decision: one FAILOVER and one FAILBACK per group, no duplicates")
                        .extracting(d -> d.group() + " " + d.kind())
                        .containsExactlyInAnyOrderElementsOf(ALL_GROUPS.stream()
                                .flatMap(g -> Stream.of(g + " " + DecisionKind.FAILOVER, g + " " + DecisionKind.FAILBACK)).toList());
            } finally {
                deciders.forEach(ServiceProcess::close);
            }
        }
    }

    /**
     * Reports the primary's outcome (and a healthy secondary) from every location once a second, as the probes would,
     * until each group has a decision of this kind.
     *
     * @return the decisions of this kind seen so far
     */
    static List<Decision> reportUntilEachGroupHas(TopicClient client, TopicClient.Reader reader, ProbeOutcome primary,
            DecisionKind kind) {
        await("a " + kind + " for each group while the primary is " + primary).atMost(Duration.ofSeconds(90))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).pollInSameThread().untilAsserted(() -> {
                    round(client, primary);
                    assertThat(decisions(reader.poll(), kind)).as(kind + " decisions on " + Topics.DECISIONS)
                            .extracting(Decision::group).containsAll(ALL_GROUPS);
                });
        return decisions(reader.poll(), kind);
    }

    /** The groups this decider owns, from its failover_decision_group_owned gauges. */
    static List<String> owned(ServiceProcess decider) throws java.io.IOException {
        List<String> owned = new ArrayList<>();
        Matcher gauge = OWNED.matcher(decider.metrics());
        while (gauge.find()) {
            if (Double.parseDouble(gauge.group(2)) == 1.0) {
                owned.add(gauge.group(1));
            }
        }
        return owned;
    }
}
