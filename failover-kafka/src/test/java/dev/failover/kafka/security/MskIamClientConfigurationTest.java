package dev.failover.kafka.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.kafka.KafkaClientProperties;

/**
 * The settings the start-up check accepts for MSK with IAM authentication make real Kafka clients, with the
 * MSK IAM auth library the services ship: the producer, consumer and admin client each log in (the library's login
 * module registers its SASL client; with OAUTHBEARER the login callback handler signs a token with the default AWS
 * chain) when they are made, before any connection. No MSK here: what a broker would check is not tested.
 */
class MskIamClientConfigurationTest {

    static final Map<String, String> AWS = Map.of("aws.accessKeyId", "AKIDKAFKATEST", "aws.secretAccessKey",
            "not-a-secret",
            "aws.region", "us-east-1");
    static final Map<String, String> before = new HashMap<>();

    @BeforeAll
    static void credentials() {
        // the default chain's first source; IRSA or Pod Identity in production (AwsWorkloadIdentityIT)
        AWS.forEach((key, value) -> {
            before.put(key, System.getProperty(key));
            System.setProperty(key, value);
        });
    }

    @AfterAll
    static void restore() {
        before.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    static Stream<Arguments> mskIam() {
        Map<String, Object> local = new HashMap<>();
        local.put("bootstrap.servers", "localhost:9098"); // resolvable, never connected to
        return Stream.of(Arguments.of("AWS_MSK_IAM", merged(KafkaSecurityCheckTest.mskIam(), local)),
                Arguments.of("OAUTHBEARER", merged(KafkaSecurityCheckTest.mskIamOAuthBearer(), local)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mskIam")
    void acceptedSettingsMakeEveryKindOfClient(String name, Map<String, Object> kafka) {
        assertThat(KafkaSecurityCheck.of(kafka).problems()).as("the start-up check of %s", name).isEmpty();
        KafkaClientProperties properties = new KafkaClientProperties(kafka);

        try (var producer = new KafkaProducer<>(properties.with(Map.of()), new StringSerializer(),
                new StringSerializer());
                var consumer = new KafkaConsumer<>(properties.with(Map.of("group.id", "msk-iam-test")),
                        new StringDeserializer(),
                        new StringDeserializer());
                var admin = Admin.create(properties.with(Map.of()))) {
            assertThat(producer.metrics()).as("producer of %s", name).isNotEmpty();
            assertThat(consumer.metrics()).as("consumer of %s", name).isNotEmpty();
            assertThat(admin.metrics()).as("admin client of %s", name).isNotEmpty();
        }
    }

    static Map<String, Object> merged(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> merged = new HashMap<>(base);
        merged.putAll(overrides);
        return merged;
    }
}
