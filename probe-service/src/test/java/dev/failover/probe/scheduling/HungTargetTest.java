package dev.failover.probe.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The whole service, scheduler included: the primary accepts connections and never answers; the secondary keeps being
 * probed every second all the same, and the hung primary's probes end as timeouts.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(HungTargetTest.HungPrimary.class)
class HungTargetTest {

    /** A primary that accepts and never answers, and a healthy secondary. */
    public static class HungPrimary implements QuarkusTestResourceLifecycleManager {
        static ServerSocket hung;
        static DemoBackend fine;
        static final List<Socket> held = new ArrayList<>();

        @Override
        public Map<String, String> start() {
            try {
                hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread acceptor = new Thread(() -> {
                while (!hung.isClosed()) {
                    try {
                        held.add(hung.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            fine = DemoBackend.start("secondary", 0);
            String yaml = TestTopology.yaml("http://127.0.0.1:" + hung.getLocalPort() + "/health", fine.healthUrl())
                    .replace("intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: 900",
                            "intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: 900, maxLatencyMillis: 800");
            return Map.of("failover.topology-file", TestTopology.writeRaw(yaml).toString());
        }

        @Override
        public void stop() {
            try {
                hung.close();
            } catch (IOException ignored) {
                // test over
            }
            fine.close();
        }
    }

    @Test
    void aHungTargetDoesNotDelayTheOthers() {
        try (TopicClient client = new TopicClient(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader reader = client.reader(Topics.PROBE_RESULTS)) {
            Instant since = Instant.now();
            List<ProbeResult> results = reader.drain(Duration.ofSeconds(6)).stream()
                    .map(r -> EventCodec.instance().decode(r.value(), ProbeResult.class))
                    .filter(r -> r.startedAt().isAfter(since) && r.group().equals(TestTopology.GROUP)).toList();
            List<ProbeResult> secondary = results.stream().filter(r -> r.target().equals(TestTopology.SECONDARY)).toList();
            List<ProbeResult> primary = results.stream().filter(r -> r.target().equals(TestTopology.PRIMARY)).toList();
            assertThat(secondary).as("the healthy target, probed every second").hasSizeGreaterThanOrEqualTo(4)
                    .allSatisfy(r -> assertThat(r.durationMillis()).isLessThan(800));
            assertThat(primary).as("the hung target's probes end as timeouts").isNotEmpty()
                    .allSatisfy(r -> assertThat(r.failureReason()).isEqualTo(FailureReason.TIMEOUT));
        }
    }
}
