package dev.failover.actuator.messaging;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.state.KafkaDesiredStore;
import dev.failover.kafka.KafkaClientProperties;
import io.smallrye.common.annotation.Identifier;

/**
 * The real store, whose reads fail while {@link #failing} is set: what a read of failover.actuator-desired does during a
 * partition leader election, with its bootstrap broker lost or its ACL missing. Failing from the start, so that the
 * restore at the application's first assignment fails. Enabled only by {@link DesiredStateRestoreThroughKafkaTest}'s
 * profile.
 */
@Alternative
@Singleton
public class FailingDesiredStore extends KafkaDesiredStore {

    static volatile boolean failing = true;

    @Inject
    public FailingDesiredStore(@Identifier("default-kafka-broker") Map<String, Object> kafka, ActuatorSettings settings,
            ActuatorMetrics metrics) {
        super(new KafkaClientProperties(kafka), settings.stateSigning(), metrics::desiredStateRejected);
    }

    @Override
    public List<DesiredState> load(Collection<Integer> partitions) {
        failIfAsked(partitions);
        return super.load(partitions);
    }

    public Map<Integer, List<DesiredState>> loadByPartition(Collection<Integer> partitions) {
        failIfAsked(partitions);
        return super.loadByPartition(partitions);
    }

    private static void failIfAsked(Collection<Integer> partitions) {
        if (failing) {
            throw new IllegalStateException(
                    "injected fault: no leader for " + partitions + " of failover.actuator-desired");
        }
    }
}
