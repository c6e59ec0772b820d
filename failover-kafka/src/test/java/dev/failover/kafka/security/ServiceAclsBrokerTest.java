package dev.failover.kafka.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Topics;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.TopicEnsurer;
import dev.failover.kafka.TopicSpec;
import dev.failover.kafka.TopicToEndReader;
import dev.failover.testkit.kafka.EmbeddedKafkaBroker;

/**
 * {@link ServiceAcls} on a real broker with SASL_SSL (SCRAM-SHA-512) and the StandardAuthorizer: each principal can do
 * what its service does and nothing the ACLs leave out; clients without valid credentials are refused.
 */
class ServiceAclsBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String PROBE = "failover-probe";
    private static final String DECISION = "failover-decision";
    private static final String ACTUATOR = "failover-actuator";

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startSecured(Set.of(PROBE, DECISION, ACTUATOR, "outsider"));
        ApplyServiceAcls.apply(broker.adminProperties(), ServiceAcls.DEFAULT.bindings());
        // the decision-service creates its topics at start, as its own principal
        try (TopicEnsurer topics = new TopicEnsurer(client(DECISION), TIMEOUT)) {
            topics.ensure(List
                    .of(Topics.PROBE_RESULTS, Topics.COMMANDS, Topics.ACTUATIONS, Topics.DECISIONS,
                            Topics.PROBE_RESULTS_DLQ,
                            Topics.COMMANDS_DLQ, Topics.ACTUATIONS_DLQ)
                    .stream().map(t -> TopicSpec.of(t, 3, (short) 1)).toList());
            topics.ensure(List.of(TopicSpec.of(Topics.DECISION_STATE, 3, (short) 1).compacted(),
                    TopicSpec.of(Topics.DECISION_EXPLANATIONS, 3, (short) 1).compacted()));
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** A refused request fails at once with its authorization error: no timeouts to shorten. */
    static KafkaClientProperties client(String user) {
        return new KafkaClientProperties(new HashMap<>(broker.clientProperties(user)));
    }

    /** A write this principal may not make: the send fails with a TopicAuthorizationException. */
    static AbstractThrowableAssert<?, ?> assertWriteRefused(KafkaClientProperties client, String topic, String what) {
        return assertThatThrownBy(() -> send(client, topic)).as(what).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(TopicAuthorizationException.class);
    }

    static RecordMetadata send(KafkaClientProperties client, String topic) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                client.with(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")),
                new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, "group-1", "{}")).get(TIMEOUT.toSeconds(),
                    TimeUnit.SECONDS);
        }
    }

    /** Polls a topic in a consumer group, committing what it read; returns how many records it saw. */
    static int consumeInGroup(KafkaClientProperties client, String topic, String group) {
        Map<String, Object> properties = new HashMap<>(
                client.with(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")));
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            int seen = 0;
            while (seen == 0 && System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                seen += records.count();
            }
            consumer.commitSync();
            return seen;
        }
    }

    @Test
    void aClientWithoutCredentialsIsRefused() {
        Map<String, Object> properties = new HashMap<>(broker.tlsClientProperties());
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(properties)) {
            assertThatThrownBy(() -> admin.listTopics().names().get()).as("TLS client without SASL")
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> properties = new HashMap<>(broker.clientProperties(PROBE, "not-the-password"));
        try (Admin admin = Admin.create(properties)) {
            assertThatThrownBy(() -> admin.listTopics().names().get()).as("wrong password")
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("invalid credentials with SASL mechanism SCRAM-SHA-512");
        }
    }

    @Test
    void theProbeWritesProbeResultsOnly() throws Exception {
        assertThat(send(client(PROBE), Topics.PROBE_RESULTS).topic()).as("probe result written")
                .isEqualTo(Topics.PROBE_RESULTS);

        assertWriteRefused(client(PROBE), Topics.DECISIONS, "probe writing a decision")
                .hasMessageContaining(Topics.DECISIONS);
        assertWriteRefused(client(PROBE), Topics.COMMANDS, "probe writing a command");
    }

    @Test
    void theProbeCannotReadDecisions() {
        assertThatThrownBy(() -> readToEnd(client(PROBE), Topics.DECISIONS))
                .as("probe reading decisions").isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> consumeInGroup(client(PROBE), Topics.PROBE_RESULTS, "decision-service"))
                .as("probe joining the decision-service's group").isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    void theDecisionServiceDoesWhatItDoes() throws Exception {
        KafkaClientProperties decision = client(DECISION);
        send(client(PROBE), Topics.PROBE_RESULTS);
        assertThat(consumeInGroup(decision, Topics.PROBE_RESULTS, ServiceAcls.DECISION_GROUP))
                .as("probe results read in its group")
                .isPositive();
        for (String topic : List.of(Topics.DECISIONS, Topics.DECISION_STATE, Topics.DECISION_EXPLANATIONS,
                Topics.COMMANDS,
                Topics.PROBE_RESULTS_DLQ, Topics.COMMANDS_DLQ, Topics.ACTUATIONS_DLQ)) {
            assertThat(send(decision, topic).topic()).as("decision-service writing %s", topic).isEqualTo(topic);
        }
        assertThat(latestPerKey(decision, Topics.DECISION_EXPLANATIONS))
                .as("explanations read back, by a new owner or an instance asked for one").containsKey("group-1");
        assertThat(latestPerKey(decision, Topics.DECISION_STATE))
                .as("state loaded to its end").containsKey("group-1");
        assertThat(latestPerKey(decision, Topics.DECISIONS))
                .as("its own decisions read back, as a restarted instance restores them").containsKey("group-1");
        assertThat(
                consumeInGroup(decision, Topics.DECISION_STATE, ServiceAcls.DECISION_VIEW_GROUP_PREFIX + "instance-a"))
                .as("state view in its per-instance group").isPositive();
        assertThat(consumeInGroup(decision, Topics.COMMANDS, ServiceAcls.DECISION_GROUP)).as("commands read")
                .isPositive();

        assertWriteRefused(decision, Topics.ACTUATIONS, "decision-service writing an actuation");
        assertWriteRefused(decision, Topics.ACTUATOR_DESIRED, "decision-service writing the actuator's fence");
    }

    @Test
    void theActuatorDoesWhatItDoes() throws Exception {
        KafkaClientProperties actuator = client(ACTUATOR);
        send(client(DECISION), Topics.DECISIONS);
        assertThat(consumeInGroup(actuator, Topics.DECISIONS, ServiceAcls.ACTUATOR_GROUP))
                .as("decisions read in its group")
                .isPositive();
        try (TopicEnsurer topics = new TopicEnsurer(actuator, TIMEOUT)) {
            Optional<Integer> partitions = topics.partitionCount(Topics.DECISIONS);
            assertThat(partitions).as("partitions of the decisions, seen by the actuator").contains(3);
            topics.ensure(List
                    .of(new TopicSpec(Topics.ACTUATOR_DESIRED, partitions, Optional.empty(), Map.of()).compacted()));
        }
        for (String topic : List.of(Topics.ACTUATIONS, Topics.ACTUATOR_DESIRED, Topics.DECISIONS_DLQ)) {
            assertThat(send(actuator, topic).topic()).as("actuator writing %s", topic).isEqualTo(topic);
        }
        assertThat(latestPerKey(actuator, Topics.ACTUATOR_DESIRED))
                .as("desired states restored").containsKey("group-1");

        assertWriteRefused(actuator, Topics.DECISIONS, "actuator writing a decision");
        assertThatThrownBy(() -> readToEnd(actuator, Topics.DECISION_STATE))
                .as("actuator reading the decision-service's state").isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> readToEnd(actuator, Topics.DECISION_EXPLANATIONS))
                .as("actuator reading the decision-service's explanations")
                .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void aPrincipalWithoutAclsCanDoNothing() {
        // read, not written: an idempotent producer without any Write fails on its producer id, before any topic
        assertThatThrownBy(() -> readToEnd(client("outsider"), Topics.PROBE_RESULTS))
                .as("outsider reading probe results").isInstanceOf(TopicAuthorizationException.class);
    }

    /** Reads partition 0 of {@code topic} to its end as the client's principal. */
    private static int readToEnd(KafkaClientProperties client, String topic) {
        try (TopicToEndReader reader = new TopicToEndReader(client, TIMEOUT)) {
            return reader.read(topic, List.of(0), r -> {});
        }
    }

    private static Map<String, String> latestPerKey(KafkaClientProperties client, String topic) {
        try (TopicToEndReader reader = new TopicToEndReader(client, TIMEOUT)) {
            return reader.latestPerKey(topic, List.of(0, 1, 2));
        }
    }
}
