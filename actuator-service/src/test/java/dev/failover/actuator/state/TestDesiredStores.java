package dev.failover.actuator.state;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.TopicEnsurer;
import dev.failover.kafka.TopicSpec;
import dev.failover.testkit.signing.TestSigningKeys;

/** Desired stores as an actuator configured with the test JVM's actuator key has them. */
public final class TestDesiredStores {

    private TestDesiredStores() {
    }

    /** Signs with the test actuator key, restores only what it signed. */
    public static KafkaDesiredStore open(KafkaClientProperties kafka) {
        return open(kafka, false);
    }

    /**
     * As {@link #open(KafkaClientProperties)}, restoring unsigned records too when {@code acceptUnsigned}. failover.decisions
     * is created first when missing, with the broker's defaults (as the consumer of a {@code @QuarkusTest} sharing the
     * broker creates it): the store's topic is partitioned like it, and waits for it otherwise.
     */
    public static KafkaDesiredStore open(KafkaClientProperties kafka, boolean acceptUnsigned) {
        try (TopicEnsurer topics = new TopicEnsurer(kafka, Duration.ofSeconds(30))) {
            topics.ensure(List.of(new TopicSpec(Topics.DECISIONS, Optional.empty(), Optional.empty(), Map.of())));
        }
        return new KafkaDesiredStore(kafka, signing(acceptUnsigned), outcome -> {
        });
    }

    public static DesiredStateSigning signing(boolean acceptUnsigned) {
        TestSigningKeys keys = TestSigningKeys.shared();
        return new DesiredStateSigning(keys.actuatorSigner(),
                new StoredStateTrust(keys.actuatorTrustedKeys(), acceptUnsigned),
                true);
    }
}
