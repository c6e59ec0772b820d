package dev.failover.actuator.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.state.DesiredStateSigning;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.LaneState;
import dev.failover.contract.event.ProviderLaneResult;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.contract.signing.TrustedKeys;
import dev.failover.testkit.signing.TestSigningKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * A lane's result goes to failover.actuations signed as the group's results are, and marked failover-record:
 * provider-lane (ADR 0036); the group's results stay unmarked, as every release wrote them.
 */
class ActuationPublisherTest {

    record Sent(String key, String value, Headers headers) {
        String header(String name) {
            Header h = headers.lastHeader(name);
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    }

    final List<Sent> sent = new CopyOnWriteArrayList<>();

    @SuppressWarnings("unchecked")
    final MutinyEmitter<String> emitter = (MutinyEmitter<String>) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] { MutinyEmitter.class }, (proxy, method, args) -> {
                if (!method.getName().equals("sendMessage")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                Message<String> message = (Message<String>) args[0];
                OutgoingKafkaRecordMetadata<String> metadata = message.getMetadata(OutgoingKafkaRecordMetadata.class)
                        .orElseThrow();
                sent.add(new Sent(metadata.getKey(), message.getPayload(), metadata.getHeaders()));
                return Uni.createFrom().voidItem();
            });

    static final ProviderLaneResult KNOT = new ProviderLaneResult(1, "api", "d-7", 7L, "knot", "rfc2136",
            LaneState.CONVERGING, "attempt 31: cannot reach 192.0.2.53:53", Instant.parse("2026-11-30T10:00:01Z"),
            Instant.parse("2026-11-30T10:02:00Z"));
    static final ActuationResult RECONCILE = new ActuationResult(1, "api", "d-7", 7L, ActuationStep.RECONCILE,
            ActuationStatus.CONVERGED, "dry-run", "served as decided", Instant.parse("2026-11-30T10:00:00Z"),
            Instant.parse("2026-11-30T10:00:02Z"), 2000L, null);

    ActuationPublisher publisher(boolean batchResults) {
        TestSigningKeys keys = TestSigningKeys.shared();
        DesiredStateSigning signing = new DesiredStateSigning(keys.actuatorSigner(),
                new StoredStateTrust(keys.actuatorTrustedKeys(), false), batchResults);
        return new ActuationPublisher(new ActuatorMetrics(new SimpleMeterRegistry()), new RecentActuations(),
                new ActuatorSettings(null, null, null, null, 1, keys.trustedKeys(), 30, signing), emitter);
    }

    @ParameterizedTest(name = "signed in batches: {0}")
    @ValueSource(booleans = { true, false })
    void aLaneResultIsSignedAsResultsAreAndMarked(boolean batchResults) {
        ActuationPublisher publisher = publisher(batchResults);
        publisher.publish(KNOT);
        publisher.publish(RECONCILE);
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(10, TimeUnit.MILLISECONDS)
                .until(() -> sent.size() == 2);

        Sent lane = sent.stream().filter(s -> s.value().contains("\"lane\"")).findFirst().orElseThrow();
        assertThat(lane.key()).isEqualTo("api");
        assertThat(lane.header(Topics.RECORD_HEADER)).isEqualTo(Topics.PROVIDER_LANE_RECORD);
        assertThat(EventCodec.instance().decode(lane.value(), ProviderLaneResult.class)).isEqualTo(KNOT);
        Sent result = sent.stream().filter(s -> s != lane).findFirst().orElseThrow();
        assertThat(result.header(Topics.RECORD_HEADER)).as("a group's result is unmarked, as every release wrote it")
                .isNull();

        // verified as the decision-service verifies what it reads of failover.actuations (ControlMessageKeys.checkResult)
        StoredStateTrust trust = new StoredStateTrust(TestSigningKeys.shared().actuatorTrustedKeys(), false);
        for (Sent s : sent) {
            TrustedKeys.HeaderValues headers = name -> java.util.stream.StreamSupport
                    .stream(s.headers().headers(name).spliterator(), false).map(Header::value).toList();
            assertThat(trust.check(Topics.ACTUATIONS, s.key(), s.value(), headers).verdict())
                    .isEqualTo(StoredStateTrust.Verdict.TRUSTED);
            assertThat(s.header(batchResults ? Topics.BATCH_SIGNATURE_HEADER : Topics.SIGNATURE_HEADER)).isNotNull();
        }
    }
}
