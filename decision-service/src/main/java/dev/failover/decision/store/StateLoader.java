package dev.failover.decision.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.contract.signing.Verification;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.TopicToEndReader;

/**
 * Rebuilds the state of the groups of some partitions: the latest snapshot from the compacted state topic, then every
 * decision of failover.decisions, so a decision published just before a crash (and not yet in a snapshot) still moves
 * the epoch forward, and the explanations of the latest decisions. Only state records and decisions signed by a trusted
 * key count (ADR 0009): a forged one, epoch 10^12 say, would otherwise become this service's own epoch, active target
 * and history; an unsigned state record only under failover.state.accept-unsigned (the upgrade), and no epoch above
 * 2^53 ever. Reads to the end offsets as they were when it
 * started; a read that does not finish in time stops the take-over rather than deciding on partial state.
 */
@ApplicationScoped
public class StateLoader {

    private static final Logger LOG = Logger.getLogger(StateLoader.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final DecisionEngine engine;
    private final KafkaClientProperties kafka;
    private final ControlMessageKeys keys;
    private final DecisionMetrics metrics;

    @Inject
    StateLoader(DecisionEngine engine, KafkaClientProperties kafka, ControlMessageKeys keys, DecisionMetrics metrics) {
        this.engine = engine;
        this.kafka = kafka;
        this.keys = keys;
        this.metrics = metrics;
    }

    public void restore(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        // the explanations on a reader of their own, side by side with the state: a take-over waits for the longer of
        // the two reads, not for both (RegionLossIT with both cores busy: 0.3-0.9 s for the explanations alone)
        TopicToEndReader explanationReader = new TopicToEndReader(kafka, TIMEOUT);
        CompletableFuture<List<ExplanationRecord>> explanations = CompletableFuture
                .supplyAsync(() -> readExplanations(explanationReader, partitions), StateLoader::startReaderThread)
                .exceptionally(e -> {
                    LOG.warnf(
                            "the explanations of partitions %s were not read (%s); the groups are taken over without the "
                                    + "explanations of their earlier decisions",
                            partitions, e.getMessage());
                    return List.of();
                });
        StateRead state;
        try (TopicToEndReader reader = new TopicToEndReader(kafka, TIMEOUT)) {
            state = restoreState(reader, partitions);
        } catch (RuntimeException e) {
            // the take-over is tried again with reads of its own: this one's explanations are never applied, and their
            // read stops now rather than at its timeout, so failed attempts do not pile up consumers
            explanationReader.wakeup();
            throw e;
        }
        long stateRead = System.nanoTime();
        // applied after the state, as they were when read after it
        List<ExplanationRecord> read = explanations.join();
        read.forEach(r -> engine.handover().restoreExplanations(r.group(), r.explanations()));
        LOG.infof(
                "restored partitions %s from %d state records, %d decisions and the explanations of %d groups in %d ms "
                        + "(state and decisions %d ms)",
                partitions, state.snapshots(), state.decisions(), read.size(),
                millis(started, System.nanoTime()), millis(started, stateRead));
    }

    /** What one take-over's read of the state and decisions topics held. */
    private record StateRead(int snapshots, int decisions) {
    }

    private static void startReaderThread(Runnable read) {
        Thread thread = new Thread(read, "explanations-restore");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The state records and the decisions of these partitions, read in one pass ({@link TopicToEndReader#read(List,
     * Collection, java.util.function.Consumer)}), then taken in that order: every snapshot, then every decision on top.
     */
    private StateRead restoreState(TopicToEndReader reader, Collection<Integer> partitions) {
        // each group's best snapshot that is signed by a trusted key: an unreadable or untrusted best one leaves the one
        // before it in place, and the older ones are not checked (SnapshotCandidates)
        SnapshotCandidates candidates = new SnapshotCandidates();
        List<ConsumerRecord<String, String>> decisionRecords = new ArrayList<>();
        int[] retries = { 0 };
        int records = reader.read(List.of(Topics.DECISION_STATE, Topics.DECISIONS), partitions, record -> {
            if (record.topic().equals(Topics.DECISIONS)) {
                if (record.headers().lastHeader(Topics.RECORD_HEADER) == null) {
                    decisionRecords.add(record);
                } else {
                    retries[0]++; // an operator's retry for the actuator (ADR 0025): not a decision
                }
                return;
            }
            if (record.value() == null) {
                return; // a tombstone: nothing to restore
            }
            try {
                candidates.add(record, StateCodec.decodeSnapshot(record.value()));
            } catch (IllegalArgumentException e) {
                LOG.warnf("skipping unreadable state record of %s at offset %d: %s", record.key(), record.offset(),
                        e.getMessage());
            }
        });
        candidates.bestTrusted(this::restorable).forEach(c -> engine.handover().restore(c.snapshot()));
        // every decision, not only the latest: each one goes into the group's history
        decisionRecords.forEach(this::observe);
        return new StateRead(records - decisionRecords.size() - retries[0], decisionRecords.size());
    }

    private void observe(ConsumerRecord<String, String> record) {
        Verification verification = keys.verify(record.topic(), record.key(), record.value(), record.headers());
        if (!verification.isValid()) {
            metrics.rejected(record.topic(), verification.outcome());
            LOG.warnf("skipping a decision not signed by a trusted key at offset %d of partition %d (key %s): %s",
                    record.offset(), record.partition(), record.key(), verification.describe());
            return;
        }
        try {
            Decision decision = EventCodec.instance().decode(record.value(), Decision.class);
            var epochProblem = StoredStateTrust.epochProblem(decision.epoch());
            if (epochProblem.isPresent()) {
                LOG.errorf("skipping decision %s at offset %d of partition %d: %s", decision.decisionId(),
                        record.offset(), record.partition(), epochProblem.get());
                return;
            }
            engine.handover().observePublished(decision);
        } catch (RuntimeException e) {
            LOG.warnf("skipping unreadable decision at offset %d: %s", record.offset(), e.getMessage());
        }
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    /**
     * Whether a snapshot may be restored: signed as decisions are (ADR 0009), a forged record would otherwise become this
     * service's own state; and its epoch within the bound.
     */
    private boolean restorable(SnapshotCandidates.Candidate candidate) {
        var record = candidate.record();
        StoredStateTrust.Check check = keys.checkStored(record.topic(), record.key(), record.value(), record.headers());
        if (!check.restorable()) {
            metrics.rejected(record.topic(), check.verification().outcome());
            LOG.warnf("skipping a state record of %s not signed by a trusted key at offset %d of partition %d: %s",
                    record.key(), record.offset(), record.partition(), check.verification().describe());
            return false;
        }
        var epochProblem = StoredStateTrust.epochProblem(candidate.snapshot().epoch());
        if (epochProblem.isPresent()) {
            LOG.errorf("skipping the state record of %s at offset %d of partition %d: %s", record.key(),
                    record.offset(),
                    record.partition(), epochProblem.get());
            return false;
        }
        if (check.verdict() == StoredStateTrust.Verdict.ACCEPTED_UNSIGNED) {
            LOG.warnf("restoring an unsigned state record of %s at offset %d (%s is set: the upgrade from a release "
                    + "that did not sign its state)", record.key(), record.offset(), StoredStateTrust.ACCEPT_UNSIGNED);
        }
        return true;
    }

    /**
     * The explanations of the latest decisions, so the "why" outlives the instance that decided (ADR 0011). Best effort:
     * they move no traffic, so a topic that cannot be read (a missing ACL while rolling out, a partition without a
     * leader) or a record that cannot be read costs the explanations, never the take-over.
     *
     * @return the latest explanation record of each group read; none when the topic could not be read
     */
    private List<ExplanationRecord> readExplanations(TopicToEndReader explanationReader,
            Collection<Integer> partitions) {
        // the latest record of each group only, what the compacted topic holds once compacted: one record a group in
        // memory until the state is restored, however many the topic still holds
        Map<String, ExplanationRecord> latest = new LinkedHashMap<>();
        try (TopicToEndReader reader = explanationReader) {
            reader.read(Topics.DECISION_EXPLANATIONS, partitions, record -> {
                if (record.value() == null) {
                    latest.remove(record.key());
                    return;
                }
                try {
                    latest.put(record.key(), StateCodec.decodeExplanations(record.value()));
                } catch (RuntimeException e) {
                    LOG.warnf("skipping unreadable explanation record of %s at offset %d: %s", record.key(),
                            record.offset(),
                            e.getMessage());
                }
            });
        } catch (WakeupException e) {
            return List.of(); // the state read failed: this attempt's explanations are not wanted
        } catch (RuntimeException e) {
            LOG.warnf("could not read the explanations of partitions %s (%s); the groups are taken over without the "
                    + "explanations of their earlier decisions", partitions, e.getMessage());
            return List.of();
        }
        return List.copyOf(latest.values());
    }
}
