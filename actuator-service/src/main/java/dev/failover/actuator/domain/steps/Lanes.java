package dev.failover.actuator.domain.steps;

import java.util.List;
import java.util.function.Predicate;

import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.contract.topology.ServePolicy;

/**
 * What each provider lane of a group of several served on its last pass, and when the group counts as served (ADR
 * 0036, "Served under all and any"): every lane, or any one. A lane whose last read failed serves nothing the group's
 * steps can count on.
 *
 * @param views  a view per lane, in the topology's order; empty for a group of one lane
 * @param policy when the group counts as served
 */
public record Lanes(List<LaneView> views, ServePolicy policy) {

    /** A group of one lane: the pass's own read is the lane's. */
    public static final Lanes ONE = new Lanes(List.of(), ServePolicy.ALL);

    public Lanes {
        views = List.copyOf(views);
    }

    /** Whether the group counts as served, {@code serves} saying whether a lane serves what the goal wants. */
    boolean served(Predicate<LaneView> serves) {
        return policy == ServePolicy.ANY ? views.stream().anyMatch(serves) : views.stream().allMatch(serves);
    }

    /**
     * What one provider lane's record served on the lane's last pass.
     *
     * @param lane   the lane: its id, provider and zone
     * @param served what its record serves; null when its last read failed
     * @param owner  whose its record is; null with {@code served}
     */
    public record LaneView(ProviderLane lane, ServedRecord served, Pass.Ownership owner) {

        public String id() {
            return lane.id();
        }
    }
}
