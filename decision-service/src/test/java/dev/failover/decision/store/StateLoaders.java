package dev.failover.decision.store;

import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.kafka.KafkaClientProperties;

/** A {@link StateLoader} wired by hand, for tests outside its package (view.StateRecoveryTest). */
public final class StateLoaders {

    private StateLoaders() {
    }

    public static StateLoader of(DecisionEngine engine, KafkaClientProperties kafka, ControlMessageKeys keys,
            DecisionMetrics metrics) {
        return new StateLoader(engine, kafka, keys, metrics);
    }
}
