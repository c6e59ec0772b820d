package dev.failover.decision.store;

import java.util.Collection;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.kafka.KafkaClientProperties;

/**
 * The StateLoader seam for {@code OwnershipThroughKafkaTest}: while {@link #failing} is set, a restore fails as a read of
 * an unreachable state topic would. Enabled only by that test's profile. A singleton: a client proxy would need a
 * no-args constructor, which a subclass of a constructor-injected bean cannot have.
 */
@Alternative
@Singleton
public class FailingStateLoader extends StateLoader {

    public static volatile boolean failing;

    @Inject
    FailingStateLoader(DecisionEngine engine, KafkaClientProperties kafka, ControlMessageKeys keys,
            DecisionMetrics metrics) {
        super(engine, kafka, keys, metrics);
    }

    @Override
    public void restore(Collection<Integer> partitions) {
        if (failing) {
            throw new IllegalStateException("could not read failover.decision-state partitions " + partitions
                    + " to their end (injected fault)");
        }
        super.restore(partitions);
    }
}
