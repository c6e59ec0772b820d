package dev.failover.decision.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Topics;
import dev.failover.decision.config.DecisionServiceConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Makes sure the topics the decision-service keys by group exist with one and the same partition count, and the state
 * topic is compacted. A mismatch stops the start: ownership of a group follows its partition number across topics.
 */
@ApplicationScoped
public class TopicSetup {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);
    static final List<String> CO_PARTITIONED = List.of(Topics.PROBE_RESULTS, Topics.COMMANDS, Topics.ACTUATIONS,
            Topics.DECISIONS, Topics.DECISION_STATE);

    @Inject
    DecisionServiceConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
    private volatile int partitions;

    /** The common partition count; waits for the set-up at start if it is still running. */
    public int partitions() {
        try {
            if (!ready.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("topic set-up did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return partitions;
    }

    void onStart(@Observes StartupEvent event) throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            Set<String> existing;
            try {
                existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("kafka.bootstrap.servers: cannot reach Kafka at " + bootstrapServers
                        + " within 30 s to set up the failover topics", e);
            }
            int count = existing.contains(Topics.PROBE_RESULTS)
                    ? describe(admin, Topics.PROBE_RESULTS).partitions().size()
                    : config.topics().partitions();
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : CO_PARTITIONED) {
                if (!existing.contains(topic)) {
                    NewTopic newTopic = new NewTopic(topic, Optional.of(count), Optional.of(config.topics().replicationFactor()));
                    if (topic.equals(Topics.DECISION_STATE)) {
                        newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                    }
                    missing.add(newTopic);
                }
            }
            for (String dlq : List.of(Topics.PROBE_RESULTS_DLQ, Topics.COMMANDS_DLQ, Topics.ACTUATIONS_DLQ)) {
                if (!existing.contains(dlq)) {
                    missing.add(new NewTopic(dlq, Optional.of(count), Optional.of(config.topics().replicationFactor())));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                    LOG.infof("created topics %s with %d partitions", missing.stream().map(NewTopic::name).toList(), count);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            List<String> mismatched = new ArrayList<>();
            for (String topic : CO_PARTITIONED) {
                int actual = describe(admin, topic).partitions().size();
                if (actual != count) {
                    mismatched.add(topic + " has " + actual);
                }
            }
            if (!mismatched.isEmpty()) {
                throw new IllegalStateException("failover.topics.partitions: every failover topic must have " + count
                        + " partitions like " + Topics.PROBE_RESULTS + ", but " + mismatched);
            }
            partitions = count;
            ready.countDown();
        }
    }

    /** Describes a topic, waiting while a just-created topic's metadata spreads to the broker that answers. */
    private static TopicDescription describe(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
