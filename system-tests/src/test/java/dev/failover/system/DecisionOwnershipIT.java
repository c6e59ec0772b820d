package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
                deciders.add(ServiceProcess.start("decision-service", "decider-1", env));
                deciders.add(ServiceProcess.start("decision-service", "decider-2", env));
                for (ServiceProcess d : deciders) {
                    d.awaitReady(Duration.ofSeconds(90));
                }
                // both joined: each owns some partitions
                awaitBothOwn(deciders);

                for (int r = 0; r < 3; r++) {
                    round(client, ProbeOutcome.DOWN);
                    Thread.sleep(300);
                }
                List<Decision> failovers = decisions(reader.drain(Duration.ofSeconds(8)), DecisionKind.FAILOVER);
                assertThat(failovers).extracting(Decision::group).as("one FAILOVER per group, no duplicates")
                        .hasSize(GROUPS).doesNotHaveDuplicates();
                assertThat(failovers).allSatisfy(d -> assertThat(d.epoch()).isEqualTo(1L));

                // one instance leaves; the other takes its groups over and carries the epochs on
                deciders.remove(0).close();
                Thread.sleep(3000);
                for (int r = 0; r < 6; r++) {
                    round(client, ProbeOutcome.UP);
                    Thread.sleep(1000);
                }
                List<Decision> failbacks = decisions(reader.drain(Duration.ofSeconds(10)), DecisionKind.FAILBACK);
                assertThat(failbacks).extracting(Decision::group).as("one FAILBACK per group, from the survivor")
                        .hasSize(GROUPS).doesNotHaveDuplicates();
                assertThat(failbacks).allSatisfy(d -> assertThat(d.epoch()).isEqualTo(2L));
            } finally {
                deciders.forEach(ServiceProcess::close);
            }
        }
    }

    private static void awaitBothOwn(List<ServiceProcess> deciders) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (deciders.stream().allMatch(d -> d.output().contains("now deciding partitions [")
                    && !d.output().contains("now deciding partitions []"))) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("partitions not shared between the two instances:\n"
                + deciders.stream().map(ServiceProcess::output).collect(Collectors.joining("\n----\n")));
    }
}
