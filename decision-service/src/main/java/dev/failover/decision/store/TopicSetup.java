package dev.failover.decision.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.common.config.TopicConfig;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Topics;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.TopicEnsurer;
import dev.failover.kafka.TopicSpec;
import io.quarkus.runtime.StartupEvent;

/**
 * Makes sure the topics the decision-service keys by group exist with one and the same partition count, and the state
 * and explanation topics are compacted, with segment settings that bound a takeover's read ({@link #COMPACTED_SEGMENTS};
 * an existing topic with other settings is used, with a warning). A mismatch of partition counts stops the start:
 * ownership of a group follows its partition number across topics.
 * <p>
 * The set-up runs on a thread of its own from the first start-up observers on, beside the messaging clients' creation
 * and the consumer group's join (a start's critical path is the join and the restore, which waits for
 * {@link #partitions()}); the start waits for it before it completes and stops with its error.
 */
@ApplicationScoped
public class TopicSetup {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final List<String> CO_PARTITIONED = List.of(Topics.PROBE_RESULTS, Topics.COMMANDS, Topics.ACTUATIONS,
            Topics.DECISIONS, Topics.DECISION_STATE, Topics.DECISION_EXPLANATIONS);
    static final List<String> COMPACTED = List.of(Topics.DECISION_STATE, Topics.DECISION_EXPLANATIONS);
    /**
     * Segment settings of the compacted topics, so that what a takeover reads stays bounded whatever the uptime (ADR
     * 0007): the active segment, which is never compacted, rolls at 16 MiB or after an hour; a closed segment is compacted
     * once a tenth of the log is superseded records, and in any case within an hour. Kafka's defaults (1 GiB, 7 days, half
     * the log) let a partition hold about 1 GiB of superseded states, all read and decoded by a takeover.
     */
    static final Map<String, String> COMPACTED_SEGMENTS = Map.of(
            TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024),
            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()),
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()));
    static final String REPLICATION_KEY = "failover.topics.replication-factor";
    static final List<String> DEAD_LETTERS = List.of(Topics.PROBE_RESULTS_DLQ, Topics.COMMANDS_DLQ,
            Topics.ACTUATIONS_DLQ);

    private final DecisionServiceConfig config;
    private final KafkaClientProperties kafka;

    @Inject
    TopicSetup(DecisionServiceConfig config, KafkaClientProperties kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    private final CompletableFuture<Integer> partitions = new CompletableFuture<>();

    /** The common partition count; waits for the set-up at start if it is still running. */
    public int partitions() {
        try {
            return partitions.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic set-up did not finish within 60 s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("topic set-up failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Before the messaging clients are made (their observer has priority 1000). */
    void startAtStartup(@Observes @Priority(2) StartupEvent event) {
        Thread thread = new Thread(() -> {
            try {
                partitions.complete(setUp());
            } catch (RuntimeException | Error e) {
                partitions.completeExceptionally(e);
            }
        }, "topic-setup");
        thread.setDaemon(true);
        thread.start();
    }

    /** The start completes only with the topics set up, and stops with the set-up's error (naming the key at fault). */
    void awaitAtStartup(@Observes StartupEvent event) {
        try {
            partitions.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private int setUp() {
        try (TopicEnsurer ensurer = new TopicEnsurer(kafka, TIMEOUT)) {
            int count = ensurer.partitionCount(Topics.PROBE_RESULTS).orElse(config.topics().partitions());
            Optional<Short> replication = config.topics().replicationFactor();
            List<TopicSpec> specs = new ArrayList<>();
            for (String topic : CO_PARTITIONED) {
                TopicSpec spec = new TopicSpec(topic, Optional.of(count), replication, Map.of());
                specs.add(COMPACTED.contains(topic) ? spec.compacted().withConfigs(COMPACTED_SEGMENTS) : spec);
            }
            DEAD_LETTERS.forEach(dlq -> specs.add(new TopicSpec(dlq, Optional.of(count), replication, Map.of())));
            Map<String, Integer> actual = ensurer.ensure(specs, REPLICATION_KEY);
            List<String> mismatched = TopicEnsurer.mismatches(actual, CO_PARTITIONED, count);
            if (!mismatched.isEmpty()) {
                throw new IllegalStateException("failover.topics.partitions: every failover topic must have " + count
                        + " partitions like " + Topics.PROBE_RESULTS + ", but " + mismatched);
            }
            List<String> differing = ensurer
                    .differingConfigs(specs.stream().filter(s -> COMPACTED.contains(s.name())).toList());
            if (!differing.isEmpty()) {
                LOG.warnf(
                        "compacted topics created earlier have other segment settings than this service creates them with,"
                                + " so a takeover may read more than it needs to (ADR 0007): %s; change them with kafka-configs.sh"
                                + " --alter --entity-type topics --entity-name <topic> --add-config <key>=<value>",
                        differing);
            }
            LOG.infof("topics %s ready with %d partitions", CO_PARTITIONED, count);
            return count;
        }
    }
}
