package dev.failover.decision.state;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.failover.contract.event.Topics;
import dev.failover.decision.domain.DecisionEngine;
import dev.failover.decision.domain.Explanation;
import dev.failover.decision.domain.GroupView;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.KeyPartitions;
import dev.failover.kafka.TopicToEndReader;

/** Reads a group's view: live from the engine for groups this instance owns, else from the latest state record. */
@ApplicationScoped
public class GroupReader {

    @Inject
    DecisionEngine engine;
    @Inject
    GroupOwnership ownership;
    @Inject
    StateDirectory directory;
    @Inject
    TopicSetup topics;
    @Inject
    KafkaClientProperties kafka;

    private static final Duration EXPLANATION_READ_TIMEOUT = Duration.ofSeconds(10);

    public boolean exists(String group) {
        return engine.groupIds().contains(group);
    }

    public Optional<GroupView> view(String group) {
        if (!exists(group)) {
            return Optional.empty();
        }
        if (ownership.owns(group)) {
            return engine.view(group);
        }
        return directory.latest(group).map(StateRecord::view);
    }

    /**
     * Why decision {@code decisionId} of the group was made, if it is one of the group's latest (ADR 0011): from memory
     * on the group's owner (which took the persisted ones back when it took the group), else read from the explanation
     * topic's partition of the group.
     *
     * @throws IllegalStateException when the topic could not be read in time
     */
    public Optional<Explanation> explanation(String group, String decisionId) {
        if (!exists(group)) {
            return Optional.empty();
        }
        if (ownership.owns(group)) {
            return engine.explanation(group, decisionId);
        }
        return persistedExplanations(group).flatMap(record -> record.explanation(decisionId));
    }

    /**
     * The group's latest explanation record, read to the end of its partition. One read at a time: an operator's
     * request, rare, and each read makes a consumer of its own.
     */
    private synchronized Optional<ExplanationRecord> persistedExplanations(String group) {
        int partition = KeyPartitions.partitionOf(group, topics.partitions());
        try (TopicToEndReader reader = new TopicToEndReader(kafka, EXPLANATION_READ_TIMEOUT)) {
            String latest = reader.latestPerKey(Topics.DECISION_EXPLANATIONS, List.of(partition)).get(group);
            return Optional.ofNullable(latest).map(StateCodec::decodeExplanations);
        }
    }

    /** Why the group does what it does now; only the instance that evaluates it (its owner) can say. */
    public Optional<Explanation> explanationNow(String group) {
        return exists(group) && ownership.owns(group) ? engine.explanationNow(group) : Optional.empty();
    }

    public boolean owns(String group) {
        return ownership.owns(group);
    }

    public List<GroupView> views() {
        return engine.groupIds().stream().map(this::view).flatMap(Optional::stream).toList();
    }
}
