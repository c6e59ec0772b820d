package dev.failover.kafka.security;

/**
 * One problem in a service's Kafka client settings.
 *
 * @param key     the configuration key to fix, with its {@code kafka.} prefix ({@code kafka.sasl.mechanism}); the env
 *                variable is the same key upper-cased with dots as underscores ({@code KAFKA_SASL_MECHANISM})
 * @param message what is wrong with it
 */
public record KafkaConfigProblem(String key, String message) {

    @Override
    public String toString() {
        return key + ": " + message;
    }
}
