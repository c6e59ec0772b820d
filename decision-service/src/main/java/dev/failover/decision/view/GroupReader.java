package dev.failover.decision.view;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.failover.contract.event.Topics;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.ownership.GroupOwnership;
import dev.failover.decision.store.StateCodec;
import dev.failover.decision.store.StateDirectory;
import dev.failover.decision.store.StateRecord;
import dev.failover.decision.store.TopicSetup;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.KeyPartitions;
import dev.failover.kafka.TopicToEndReader;

/** Reads a group's view: live from the engine for groups this instance owns, else from the latest state record. */
@ApplicationScoped
public class GroupReader {

    private final DecisionEngine engine;
    private final GroupOwnership ownership;
    private final StateDirectory directory;
    private final TopicSetup topics;
    private final KafkaClientProperties kafka;

    @Inject
    GroupReader(DecisionEngine engine, GroupOwnership ownership, StateDirectory directory, TopicSetup topics,
            KafkaClientProperties kafka) {
        this.engine = engine;
        this.ownership = ownership;
        this.directory = directory;
        this.topics = topics;
        this.kafka = kafka;
    }

    private static final Duration EXPLANATION_READ_TIMEOUT = Duration.ofSeconds(10);
    private final ReentrantLock persistedRead = new ReentrantLock();

    /** Every group of the topology, in its order. */
    public List<String> groupIds() {
        return List.copyOf(engine.groupIds());
    }

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
     * The group's recent live switches as the observing locations saw them, newest first (ADR 0026): from the engine on
     * the group's owner, else from the latest state record.
     */
    public List<dev.failover.decision.domain.model.ObservedSwitch> observedSwitches(String group) {
        if (!exists(group)) {
            return List.of();
        }
        Optional<dev.failover.decision.domain.model.GroupSnapshot> snapshot = ownership.owns(group)
                ? engine.snapshot(group)
                : directory.latest(group).map(StateRecord::snapshot);
        return snapshot.map(dev.failover.decision.domain.model.GroupSnapshot::observedSwitches).orElse(List.of());
    }

    /** What asking for a decision's explanation found. */
    public sealed interface ExplanationLookup {
        record Found(Explanation explanation) implements ExplanationLookup {
        }

        /** Not one of the group's latest decisions, or no such group. */
        record NotKept() implements ExplanationLookup {
        }

        /** The explanation topic could not be read now: ask again. */
        record Unavailable(String why) implements ExplanationLookup {
        }
    }

    /**
     * Why decision {@code decisionId} of the group was made, if it is one of the group's latest (ADR 0011): from memory
     * on the group's owner (which took the persisted ones back when it took the group), else read from the explanation
     * topic's partition of the group.
     */
    public ExplanationLookup explanation(String group, String decisionId) {
        if (!exists(group)) {
            return new ExplanationLookup.NotKept();
        }
        if (ownership.owns(group)) {
            return found(engine.explanation(group, decisionId));
        }
        // one read at a time, and no queue: each makes a consumer of its own, and a request waiting on a slow broker
        // would hold a worker thread that an operator's write may need
        if (!persistedRead.tryLock()) {
            return new ExplanationLookup.Unavailable(
                    "another explanation is being read from " + Topics.DECISION_EXPLANATIONS);
        }
        try (TopicToEndReader reader = new TopicToEndReader(kafka, EXPLANATION_READ_TIMEOUT)) {
            int partition = KeyPartitions.partitionOf(group, topics.partitions());
            String latest = reader.latestPerKey(Topics.DECISION_EXPLANATIONS, List.of(partition)).get(group);
            return latest == null ? new ExplanationLookup.NotKept()
                    : found(StateCodec.decodeExplanations(latest).explanation(decisionId));
        } catch (RuntimeException e) { // Kafka's errors, the read's time limit, a record this instance cannot read
            return new ExplanationLookup.Unavailable(
                    "could not read " + Topics.DECISION_EXPLANATIONS + ": " + e.getMessage());
        } finally {
            persistedRead.unlock();
        }
    }

    private static ExplanationLookup found(Optional<Explanation> explanation) {
        return explanation.<ExplanationLookup>map(ExplanationLookup.Found::new)
                .orElseGet(ExplanationLookup.NotKept::new);
    }

    /** Why the group does what it does now; only the instance that evaluates it (its owner) can say. */
    public Optional<Explanation> explanationNow(String group) {
        return exists(group) && ownership.owns(group) ? engine.explanationNow(group) : Optional.empty();
    }

    /**
     * Where a group's view comes from, for a page that must not look current when it is not.
     *
     * @param owned whether this instance owns the group, and so evaluates it: its view is live
     * @param asOf  for a group another instance owns, when that owner published the state record the view is read from;
     *              null for an owned group (live) and for one whose record has not been read yet
     */
    public record Source(boolean owned, Instant asOf) {
    }

    /** Where the group's view comes from; empty for an unknown group. */
    public Optional<Source> source(String group) {
        if (!exists(group)) {
            return Optional.empty();
        }
        if (ownership.owns(group)) {
            return Optional.of(new Source(true, null));
        }
        return Optional.of(new Source(false, directory.latest(group).map(StateRecord::publishedAt).orElse(null)));
    }

    public boolean owns(String group) {
        return ownership.owns(group);
    }

    public List<GroupView> views() {
        return engine.groupIds().stream().map(this::view).flatMap(Optional::stream).toList();
    }
}
