package dev.failover.decision.store;

import java.time.Duration;
import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

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
        try (TopicToEndReader reader = new TopicToEndReader(kafka, TIMEOUT)) {
            restore(reader, partitions);
        }
    }

    private void restore(TopicToEndReader reader, Collection<Integer> partitions) {
        // each group's best snapshot that is signed by a trusted key: an unreadable or untrusted best one leaves the one
        // before it in place, and the older ones are not checked (SnapshotCandidates)
        SnapshotCandidates candidates = new SnapshotCandidates();
        int snapshots = reader.read(Topics.DECISION_STATE, partitions, record -> {
            if (record.value() == null) {
                return; // a tombstone: nothing to restore
            }
            try {
                candidates.add(record, StateCodec.decode(record.value()).snapshot());
            } catch (IllegalArgumentException e) {
                LOG.warnf("skipping unreadable state record of %s at offset %d: %s", record.key(), record.offset(), e.getMessage());
            }
        });
        candidates.bestTrusted(this::restorable).forEach(c -> engine.restore(c.snapshot()));
        // every decision, not only the latest: each one goes into the group's history
        int decisions = reader.read(Topics.DECISIONS, partitions, record -> {
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
                engine.observePublished(decision);
            } catch (RuntimeException e) {
                LOG.warnf("skipping unreadable decision at offset %d: %s", record.offset(), e.getMessage());
            }
        });
        int explanations = restoreExplanations(reader, partitions);
        LOG.infof("restored partitions %s from %d state records, %d decisions and %d explanation records", partitions,
                snapshots, decisions, explanations);
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
            LOG.errorf("skipping the state record of %s at offset %d of partition %d: %s", record.key(), record.offset(),
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
     * @return the explanation records read; 0 when the topic could not be read
     */
    private int restoreExplanations(TopicToEndReader reader, Collection<Integer> partitions) {
        try {
            return reader.read(Topics.DECISION_EXPLANATIONS, partitions, record -> {
                if (record.value() == null) {
                    return;
                }
                try {
                    ExplanationRecord read = StateCodec.decodeExplanations(record.value());
                    engine.restoreExplanations(read.group(), read.explanations());
                } catch (RuntimeException e) {
                    LOG.warnf("skipping unreadable explanation record of %s at offset %d: %s", record.key(), record.offset(),
                            e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("could not read the explanations of partitions %s (%s); the groups are taken over without the "
                    + "explanations of their earlier decisions", partitions, e.getMessage());
            return 0;
        }
    }
}
