package dev.failover.actuator.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.Verification;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.TestSigningKeys;

/**
 * Stored state signed (ADR 0009, "Stored state"), against the real in-JVM broker: one record written to
 * failover.actuator-desired through a mistaken ACL must not become a restarted actuator's desired target or epoch. Only
 * desired states signed by an actuator key are restored, never an epoch beyond 2^53; unsigned ones of the previous
 * release only under accept-unsigned.
 */
class SignedDesiredStateTest {

    static final KafkaClientProperties KAFKA = KafkaClientProperties
            .bootstrap(KafkaBrokerResource.broker().bootstrapServers());

    static Decision failover(String group, long epoch, String to) {
        return new Decision(1, "d-" + UUID.randomUUID(), group, epoch, DecisionKind.FAILOVER, "primary", to, "test",
                List.of(), Instant.parse("2026-11-24T03:00:00Z"), DecisionMode.LIVE, Decision.AUTOMATION);
    }

    static KafkaDesiredStore store() {
        return TestDesiredStores.open(KAFKA);
    }

    static List<DesiredState> restored(KafkaDesiredStore store, String group) {
        int partitions = KafkaDesiredStoreTest.partitions(KAFKA);
        return store.load(IntStream.range(0, partitions).boxed().toList()).stream().filter(s -> s.group().equals(group))
                .toList();
    }

    static void write(String group, String value, Map<String, byte[]> headers) {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            client.send(Topics.ACTUATOR_DESIRED, group, value, headers);
        }
    }

    @Test
    void aDesiredStateNotSignedByAnActuatorKeyIsSkipped() {
        String group = "forged-" + UUID.randomUUID();
        DesiredState genuine = DesiredState.of(failover(group, 3, "secondary"));
        try (KafkaDesiredStore store = store()) {
            store.ensureTopic(java.util.Optional.empty(), "failover.topics.replication-factor");
            store.save(genuine);
        }
        String forged = StoredDesiredState.encode(DesiredState.of(failover(group, Long.MAX_VALUE - 1, "primary")));
        write(group, forged, Map.of());
        write(group, forged,
                TestSigningKeys.shared().untrustedSigner().headers(Topics.ACTUATOR_DESIRED, group, forged));
        // a decision-service key signs decisions, not desired states
        write(group, forged, TestSigningKeys.shared().signer().headers(Topics.ACTUATOR_DESIRED, group, forged));
        List<Verification.Outcome> refused = new ArrayList<>();
        try (KafkaDesiredStore restarted = new KafkaDesiredStore(KAFKA, TestDesiredStores.signing(false),
                refused::add)) {
            assertThat(restored(restarted, group)).as("desired state of %s restored past the forged records", group)
                    .containsExactly(genuine);
        }
        assertThat(refused).as("refusals counted (of this group's records, at least)").contains(
                Verification.Outcome.UNSIGNED,
                Verification.Outcome.UNKNOWN_KEY);
    }

    /** Even an actuator's own key does not make an epoch near overflow trusted. */
    @Test
    void aSignedDesiredStateWithAnEpochBeyondTheBoundIsSkipped() {
        String group = "beyond-" + UUID.randomUUID();
        DesiredState genuine = DesiredState.of(failover(group, 3, "secondary"));
        try (KafkaDesiredStore store = store()) {
            store.ensureTopic(java.util.Optional.empty(), "failover.topics.replication-factor");
            store.save(genuine);
            store.save(DesiredState.of(failover(group, (1L << 53) + 1, "primary")));
        }
        try (KafkaDesiredStore restarted = store()) {
            assertThat(restored(restarted, group)).as("desired state of %s", group).containsExactly(genuine);
        }
    }

    /**
     * The upgrade: desired states of the previous release carry no signature. Under accept-unsigned they are restored
     * and written again signed at once, so the next restore, strict, finds them; a stranger's signature never counts.
     */
    @Test
    void anUnsignedDesiredStateOfThePreviousReleaseIsRestoredUnderAcceptUnsignedAndWrittenAgainSigned() {
        String group = "upgrade-" + UUID.randomUUID();
        DesiredState previousRelease = DesiredState.of(failover(group, 12, "secondary")).atStep(0);
        try (KafkaDesiredStore store = store()) {
            store.ensureTopic(java.util.Optional.empty(), "failover.topics.replication-factor");
        }
        String value = StoredDesiredState.encode(previousRelease);
        write(group, value, Map.of());
        String forged = StoredDesiredState.encode(DesiredState.of(failover(group, 13, "primary")));
        write(group, forged,
                TestSigningKeys.shared().untrustedSigner().headers(Topics.ACTUATOR_DESIRED, group, forged));
        try (KafkaDesiredStore strict = store()) {
            assertThat(restored(strict, group)).as("restored without accept-unsigned").isEmpty();
        }
        try (KafkaDesiredStore upgrading = TestDesiredStores.open(KAFKA, true)) {
            assertThat(restored(upgrading, group)).as("restored under accept-unsigned")
                    .containsExactly(previousRelease);
        }
        try (KafkaDesiredStore strict = store()) {
            assertThat(restored(strict, group)).as("restored strictly after the upgrade's restore")
                    .containsExactly(previousRelease);
        }
    }
}
