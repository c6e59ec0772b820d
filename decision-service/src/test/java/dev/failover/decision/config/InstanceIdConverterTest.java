package dev.failover.decision.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** failover.instance-id follows Kafka's rule for group.instance.id, and a bad one names the key. */
class InstanceIdConverterTest {

    @ParameterizedTest
    @ValueSource(strings = { "decision-service-7d9f8-abcde", "decider-1", "host.example_1", "a" })
    void acceptsKafkaLegalIds(String id) {
        assertThat(new InstanceIdConverter().convert(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " ", "decider 1", "decider/1", "décideur", "pod:1" })
    void refusesOthersNamingTheKey(String id) {
        assertThatThrownBy(() -> new InstanceIdConverter().convert(id)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failover.instance-id");
    }

    @org.junit.jupiter.api.Test
    void refusesAnIdLongerThanKafkaAllows() {
        assertThatThrownBy(() -> new InstanceIdConverter().convert("x".repeat(250)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new InstanceIdConverter().convert("x".repeat(249))).hasSize(249);
    }
}
