package dev.failover.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the topics a service needs when they are missing and tells their partition counts. Another instance creating
 * the same topic at the same time is fine. Every failure names the topic or the broker address.
 */
public final class TopicEnsurer implements AutoCloseable {

    private static final long METADATA_RETRY_MILLIS = 200;

    private final Admin admin;
    private final String bootstrapServers;
    private final Duration timeout;

    /**
     * @param clientProperties the service's Kafka client properties
     * @param timeout          for each call to the broker
     */
    public TopicEnsurer(KafkaClientProperties clientProperties, Duration timeout) {
        this(Admin.create(clientProperties.with(Map.of())), clientProperties.bootstrapServers(), timeout);
    }

    /** Over this admin client, which it closes; for tests that stand between it and the broker. */
    TopicEnsurer(Admin admin, String bootstrapServers, Duration timeout) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    /** The partition count of a topic, or empty when it does not exist. */
    public Optional<Integer> partitionCount(String topic) {
        return existing().contains(topic) ? Optional.of(describe(topic).partitions().size()) : Optional.empty();
    }

    /**
     * Creates those of these topics that are missing (with their partitions, replication and configs); existing topics
     * are left as they are. Then checks every one of them as it is on the cluster: replicas enough for its
     * min.insync.replicas (else no write with acks=all succeeds), at least the replication factor asked for, and
     * compacted when asked to be.
     *
     * @return the partition count of every one of these topics, as it is now, by name
     * @throws TopicSettingsException naming each topic that is unfit, and why
     */
    public Map<String, Integer> ensure(Collection<TopicSpec> topics) {
        Set<String> existing = existing();
        List<NewTopic> missing = new ArrayList<>();
        for (TopicSpec topic : topics) {
            if (!existing.contains(topic.name())) {
                missing.add(new NewTopic(topic.name(), topic.partitions(), topic.replicationFactor())
                        .configs(topic.configs()));
            }
        }
        if (!missing.isEmpty()) {
            try {
                await(admin.createTopics(missing).all(), "create " + missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException(
                            "cannot create topics " + missing.stream().map(NewTopic::name).toList()
                                    + " at " + bootstrapServers + ": " + e.getCause().getMessage(),
                            e.getCause());
                }
            }
        }
        Map<String, Integer> partitions = new LinkedHashMap<>();
        Map<String, TopicDescription> descriptions = new LinkedHashMap<>();
        topics.forEach(t -> descriptions.put(t.name(), describe(t.name())));
        descriptions.forEach((name, description) -> partitions.put(name, description.partitions().size()));
        List<TopicProblem> problems = problems(topics, descriptions);
        if (!problems.isEmpty()) {
            throw new TopicSettingsException(problems);
        }
        return partitions;
    }

    /**
     * As {@link #ensure(Collection)}, for topics whose replication factor a setting gives: a factor the cluster cannot
     * give (fewer brokers), or topics below it, stop the start naming {@code replicationKey}.
     */
    public Map<String, Integer> ensure(Collection<TopicSpec> topics, String replicationKey) {
        Optional<Short> replication = topics.stream().map(TopicSpec::replicationFactor).flatMap(Optional::stream)
                .findFirst();
        try {
            return ensure(topics);
        } catch (TopicSettingsException e) {
            boolean belowAsked = e.problems().stream()
                    .anyMatch(p -> p.kind() == TopicProblem.Kind.BELOW_REPLICATION_FACTOR);
            throw belowAsked ? new IllegalStateException(replicationKey + " is " + replication.orElseThrow() + ": "
                    + e.getMessage(), e) : e;
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.InvalidReplicationFactorException) {
                throw new IllegalStateException(replicationKey + (replication.isPresent() ? " is " + replication.get()
                        : " is not set (the broker's default.replication.factor applies)") + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private List<TopicProblem> problems(Collection<TopicSpec> topics, Map<String, TopicDescription> descriptions) {
        Map<String, Config> configs = configs(descriptions.keySet());
        List<TopicProblem> problems = new ArrayList<>();
        for (TopicSpec topic : topics) {
            int replicas = descriptions.get(topic.name()).partitions().stream().mapToInt(p -> p.replicas().size()).min()
                    .orElse(0);
            Config config = configs.get(topic.name());
            int minInsync = Integer.parseInt(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value());
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (replicas < minInsync) {
                problems.add(new TopicProblem(topic.name(), TopicProblem.Kind.MIN_INSYNC_ABOVE_REPLICAS,
                        "replication factor "
                                + replicas + " is below its min.insync.replicas " + minInsync
                                + ": every write with acks=all fails"
                                + " (NotEnoughReplicas); recreate it with at least " + minInsync + " replicas"));
            }
            if (topic.replicationFactor().isPresent() && replicas < topic.replicationFactor().get()) {
                problems.add(new TopicProblem(topic.name(), TopicProblem.Kind.BELOW_REPLICATION_FACTOR,
                        "replication factor "
                                + replicas + ", below the " + topic.replicationFactor().get()
                                + " asked for: losing a broker loses"
                                + " partitions; add replicas (kafka-reassign-partitions.sh)"));
            }
            boolean compact = TopicConfig.CLEANUP_POLICY_COMPACT
                    .equals(topic.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG));
            if (compact && !List.of(policy.split(",")).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                problems.add(new TopicProblem(topic.name(), TopicProblem.Kind.NOT_COMPACTED, "cleanup.policy is "
                        + policy
                        + ", not compact: the latest state of each group would be deleted after the retention time;"
                        + " set cleanup.policy=compact"));
            }
        }
        return problems;
    }

    /**
     * The configs these topics ask for (besides {@code cleanup.policy}, which {@link #ensure} checks) that the topics on
     * the cluster have with another value: a topic created before, or by hand. Not a reason to refuse the topic; the
     * caller warns.
     *
     * @return "topic: key is actual, not asked" for each, in the order of the topics
     */
    public List<String> differingConfigs(Collection<TopicSpec> topics) {
        Map<String, Config> configs = configs(topics.stream().map(TopicSpec::name).toList());
        List<String> differing = new ArrayList<>();
        for (TopicSpec topic : topics) {
            Config config = configs.get(topic.name());
            new java.util.TreeMap<>(topic.configs()).forEach((key, asked) -> {
                var entry = config == null ? null : config.get(key);
                String actual = entry == null ? null : entry.value();
                if (!key.equals(TopicConfig.CLEANUP_POLICY_CONFIG) && !asked.equals(actual)) {
                    differing.add(topic.name() + ": " + key + " is " + actual + ", not " + asked);
                }
            });
        }
        return differing;
    }

    private Map<String, Config> configs(Collection<String> topics) {
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        try {
            Map<ConfigResource, Config> configs = whileUnknown(() -> admin.describeConfigs(resources).all(),
                    "describe the configs of " + topics);
            Map<String, Config> byTopic = new LinkedHashMap<>();
            configs.forEach((resource, config) -> byTopic.put(resource.name(), config));
            return byTopic;
        } catch (ExecutionException e) {
            String hint = e.getCause() instanceof org.apache.kafka.common.errors.TopicAuthorizationException
                    ? " (the service's principal needs DescribeConfigs on them: docs/security-kafka.md)" : "";
            throw new IllegalStateException(
                    "cannot describe the configs of " + topics + " at " + bootstrapServers + ": "
                            + e.getCause().getMessage() + hint,
                    e.getCause());
        }
    }

    /**
     * Checks that these topics all have {@code expected} partitions.
     *
     * @return each topic that does not, with its count ("failover.x has 2"); empty when all match
     */
    public static List<String> mismatches(Map<String, Integer> partitions, Collection<String> topics, int expected) {
        return topics.stream().filter(t -> !Integer.valueOf(expected).equals(partitions.get(t)))
                .map(t -> t + " has " + partitions.get(t)).toList();
    }

    private Set<String> existing() {
        try {
            return await(admin.listTopics().names(), "list topics");
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot list the topics at " + bootstrapServers + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private TopicDescription describe(String topic) {
        try {
            return whileUnknown(() -> admin.describeTopics(List.of(topic)).allTopicNames(), "describe " + topic)
                    .get(topic);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe " + topic + " at " + bootstrapServers + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Asks again, up to the timeout, while the answer is "unknown topic": a topic just created (here or by another instance
     * starting at the same time) is known to the other brokers only once its metadata has spread, and the broker that
     * answers a describe is any of them.
     */
    private <T> T whileUnknown(Supplier<KafkaFuture<T>> call, String what) throws ExecutionException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return await(call.get(), what);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                pause();
            }
        }
    }

    private <T> T await(KafkaFuture<T> future, String what) throws ExecutionException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unreachable(what, e);
        } catch (ExecutionException e) {
            // the admin client's own deadline (the same timeout) may fire first
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(what, e.getCause());
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka to " + what, e);
        }
    }

    private IllegalStateException unreachable(String what, Throwable cause) {
        return new IllegalStateException(
                "kafka.bootstrap.servers: cannot reach Kafka at " + bootstrapServers + " within "
                        + timeout.toSeconds() + " s (to " + what + ")",
                cause);
    }

    private static void pause() {
        try {
            Thread.sleep(METADATA_RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
