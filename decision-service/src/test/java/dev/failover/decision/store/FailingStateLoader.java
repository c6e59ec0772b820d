package dev.failover.decision.store;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;


/**
 * The StateLoader seam for {@code OwnershipThroughKafkaTest}: while {@link #failing} is set, a restore fails as a read of
 * an unreachable state topic would. Enabled only by that test's profile.
 */
@Alternative
@ApplicationScoped
public class FailingStateLoader extends StateLoader {

    public static volatile boolean failing;

    @Override
    public void restore(Collection<Integer> partitions) {
        if (failing) {
            throw new IllegalStateException("could not read failover.decision-state partitions " + partitions
                    + " to their end (injected fault)");
        }
        super.restore(partitions);
    }
}
