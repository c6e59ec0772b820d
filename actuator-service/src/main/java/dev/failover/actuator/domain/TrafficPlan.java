package dev.failover.actuator.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;

/**
 * The record sets a group's desired state asks for. With weighted routing the active target has {@code activeWeight}
 * and every other target 0 (never all 0: Route 53 would split traffic evenly); a failback may move traffic in steps
 * (e.g. 10, 50, 100 %), each a desired sub-state of its own that is served and held for a pause before the next.
 */
public final class TrafficPlan {

    private final Routing routing;
    private final long activeWeight;
    private final List<Integer> failbackSteps;

    /**
     * @param failbackSteps rising percentages ending at 100; empty: a failback moves all traffic at once
     */
    public TrafficPlan(Routing routing, long activeWeight, List<Integer> failbackSteps) {
        this.routing = routing;
        this.activeWeight = activeWeight;
        this.failbackSteps = List.copyOf(failbackSteps);
    }

    public Routing routing() {
        return routing;
    }

    /** How many steps the desired state takes: more than one only for a stepped failback. */
    public int steps(FailoverGroup group, DesiredState desired) {
        return stepped(group, desired) ? failbackSteps.size() : 1;
    }

    /** The share of the traffic the target gets at the desired state's step. */
    public int percent(FailoverGroup group, DesiredState desired) {
        return stepped(group, desired) ? failbackSteps.get(Math.min(desired.step(), failbackSteps.size() - 1)) : 100;
    }

    public List<RecordSet> wanted(FailoverGroup group, DesiredState desired) {
        Target active = group.target(desired.target()).orElseThrow(
                () -> new IllegalArgumentException("target " + desired.target() + " is not in group " + group.id()));
        int ttl = group.dns().ttl();
        if (routing == Routing.SINGLE) {
            return List.of(set(null, null, ttl, active));
        }
        int percent = percent(group, desired);
        long activeShare = percent == 100 ? activeWeight : Math.max(1, Math.round(activeWeight * percent / 100.0));
        String previous = desired.decision().fromTarget();
        List<RecordSet> sets = new ArrayList<>();
        for (Target t : group.targets()) {
            long weight = t.id().equals(active.id()) ? activeShare
                    : percent < 100 && t.id().equals(previous) ? activeWeight - activeShare : 0L;
            sets.add(set(setIdentifier(t), weight, ttl, t));
        }
        return sets;
    }

    private boolean stepped(FailoverGroup group, DesiredState desired) {
        String previous = desired.decision().fromTarget();
        return routing == Routing.WEIGHTED && !failbackSteps.isEmpty() && desired.decision().kind() == DecisionKind.FAILBACK
                && previous != null && !previous.equals(desired.target()) && group.target(previous).isPresent();
    }

    private static RecordSet set(String setIdentifier, Long weight, int ttl, Target target) {
        if (target.dns().alias() != null) {
            return new RecordSet(setIdentifier, weight, null, Set.of(), target.dns().alias());
        }
        return new RecordSet(setIdentifier, weight, ttl, Set.copyOf(target.dns().values()), null);
    }

    public static String setIdentifier(Target target) {
        return target.dns().setIdentifier() == null ? target.id() : target.dns().setIdentifier();
    }
}
