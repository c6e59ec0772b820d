package dev.failover.probe.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.failover.contract.event.ProbeOutcome;
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
 * The whole service, scheduler included: the primary accepts connections and never answers, so each of its probes holds a
 * connection for its whole 8 s timeout; the secondary keeps being probed every second all the same, its probes starting
 * and answering within that span, and the hung primary's probes end as timeouts.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(HungTargetTest.HungPrimary.class)
class HungTargetTest {

    /** How long a probe of the hung primary holds its connection before it times out. */
    static final int HUNG_TIMEOUT_MILLIS = 8_000;
    /** Answered probes of the secondary that must fit in one hung probe of the primary (of about 8 at 1 s). */
    static final int ANSWERED_MEANWHILE = 3;

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
            String hungUrl = "http://127.0.0.1:" + hung.getLocalPort() + "/health";
            String probe = "bodyContains: ok, intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: 900";
            String yaml = TestTopology.yaml(hungUrl, fine.healthUrl())
                    .replace(hungUrl + "\", " + probe,
                            hungUrl + "\", bodyContains: ok, intervalSeconds: 10, timeoutMillis: "
                                    + HUNG_TIMEOUT_MILLIS)
                    .replace(probe,
                            "bodyContains: ok, intervalSeconds: 1, connectTimeoutMillis: 1000, timeoutMillis: 1000");
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
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader reader = client.reader(Topics.PROBE_RESULTS)) {
            List<ProbeResult> results = await().atMost(Duration.ofSeconds(90)).until(
                    () -> reader.poll().stream()
                            .map(r -> EventCodec.instance().decode(r.value(), ProbeResult.class))
                            .filter(r -> r.group().equals(TestTopology.GROUP)).toList(),
                    seen -> seen.stream()
                            .anyMatch(p -> isHung(p) && answeredWithin(p, seen).size() >= ANSWERED_MEANWHILE));
            ProbeResult hungProbe = results.stream()
                    .filter(p -> isHung(p) && answeredWithin(p, results).size() >= ANSWERED_MEANWHILE)
                    .findFirst().orElseThrow();
            assertThat(hungProbe.durationMillis()).as("the hung primary's probe ran to its timeout: %s", hungProbe)
                    .isGreaterThanOrEqualTo(HUNG_TIMEOUT_MILLIS);
            assertThat(results.stream().filter(r -> r.target().equals(TestTopology.PRIMARY)).toList())
                    .as("every probe of the hung primary ends as a timeout")
                    .allSatisfy(r -> assertThat(r.failureReason()).as("%s", r).isEqualTo(FailureReason.TIMEOUT));
        }
    }

    /** A probe of the primary that ended as a timeout. */
    private static boolean isHung(ProbeResult result) {
        return result.target().equals(TestTopology.PRIMARY) && result.failureReason() == FailureReason.TIMEOUT;
    }

    /** The secondary's UP results that started and ended while the given probe of the primary was hanging. */
    private static List<ProbeResult> answeredWithin(ProbeResult hungProbe, List<ProbeResult> results) {
        Instant from = hungProbe.startedAt();
        Instant to = from.plusMillis(hungProbe.durationMillis());
        return results.stream().filter(r -> r.target().equals(TestTopology.SECONDARY) && r.outcome() == ProbeOutcome.UP
                && r.startedAt().isAfter(from) && r.startedAt().plusMillis(r.durationMillis()).isBefore(to)).toList();
    }
}
