package dev.failover.decision.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Topics;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.TopicEnsurer;
import dev.failover.kafka.TopicProblem;
import dev.failover.kafka.TopicSettingsException;
import dev.failover.kafka.TopicSpec;
import io.quarkus.runtime.StartupEvent;

/**
 * Makes sure the topics the decision-service keys by group exist with one and the same partition count, and the state
 * and explanation topics are compacted. A mismatch stops the start: ownership of a group follows its partition number
 * across topics.
 */
@ApplicationScoped
public class TopicSetup {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final List<String> CO_PARTITIONED = List.of(Topics.PROBE_RESULTS, Topics.COMMANDS, Topics.ACTUATIONS,
            Topics.DECISIONS, Topics.DECISION_STATE, Topics.DECISION_EXPLANATIONS);
    static final List<String> COMPACTED = List.of(Topics.DECISION_STATE, Topics.DECISION_EXPLANATIONS);
    static final String REPLICATION_KEY = "failover.topics.replication-factor";
    static final List<String> DEAD_LETTERS = List.of(Topics.PROBE_RESULTS_DLQ, Topics.COMMANDS_DLQ, Topics.ACTUATIONS_DLQ);

    @Inject
    DecisionServiceConfig config;
    @Inject
    KafkaClientProperties kafka;

    private final CountDownLatch ready = new CountDownLatch(1);
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

    void onStart(@Observes StartupEvent event) {
        try (TopicEnsurer ensurer = new TopicEnsurer(kafka, TIMEOUT)) {
            int count = ensurer.partitionCount(Topics.PROBE_RESULTS).orElse(config.topics().partitions());
            Optional<Short> replication = config.topics().replicationFactor();
            List<TopicSpec> specs = new ArrayList<>();
            for (String topic : CO_PARTITIONED) {
                TopicSpec spec = new TopicSpec(topic, Optional.of(count), replication, Map.of());
                specs.add(COMPACTED.contains(topic) ? spec.compacted() : spec);
            }
            DEAD_LETTERS.forEach(dlq -> specs.add(new TopicSpec(dlq, Optional.of(count), replication, Map.of())));
            Map<String, Integer> actual = ensure(ensurer, specs, replication);
            List<String> mismatched = TopicEnsurer.mismatches(actual, CO_PARTITIONED, count);
            if (!mismatched.isEmpty()) {
                throw new IllegalStateException("failover.topics.partitions: every failover topic must have " + count
                        + " partitions like " + Topics.PROBE_RESULTS + ", but " + mismatched);
            }
            LOG.infof("topics %s ready with %d partitions", CO_PARTITIONED, count);
            partitions = count;
            ready.countDown();
        }
    }

    /** Creates and checks the topics; a replication factor the cluster cannot give, or topics below it, name the key. */
    private static Map<String, Integer> ensure(TopicEnsurer ensurer, List<TopicSpec> specs, Optional<Short> replication) {
        try {
            return ensurer.ensure(specs);
        } catch (TopicSettingsException e) {
            boolean belowAsked = e.problems().stream().anyMatch(p -> p.kind() == TopicProblem.Kind.BELOW_REPLICATION_FACTOR);
            throw belowAsked ? new IllegalStateException(REPLICATION_KEY + " is " + replication.orElseThrow() + ": "
                    + e.getMessage(), e) : e;
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof InvalidReplicationFactorException) {
                throw new IllegalStateException(REPLICATION_KEY + (replication.isPresent() ? " is " + replication.get()
                        : " is not set (the broker's default.replication.factor applies)") + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }
}
