package dev.failover.actuator.domain.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;

/**
 * The record sets a group's desired state asks for, step by step. With weighted routing the active target has
 * {@code activeWeight} and every other target 0 (never all 0: Route 53 would split traffic evenly). Two kinds of
 * decision take more than one step, each a desired sub-state of its own that is served, then held before the next:
 * <ul>
 * <li>a stepped failback (weighted routing) moves traffic in shares, e.g. 10, 50, 100 %, each held for the step pause;</li>
 * <li>a planned move (switchover, drill start and end) does what careful operators do by hand: the record, still on
 * the old target, is served with the TTL floor and held for the old TTL, so that no resolver caches the old answer
 * for longer than the floor; then the switch at the floor TTL (the target's capacity is gated here), held for the
 * floor; then the configured TTL again. A record that does not serve the old target starts at the switch
 * ({@link #fitToServed}). With {@linkplain Routing#SWITCHES routing controls} (ARC) there is no TTL to lower: a planned
 * move is one switch. An emergency failover (and a drill aborted because its target failed) takes one step:
 * waiting out a TTL would only keep users on a failed region longer.</li>
 * </ul>
 */
public final class TrafficPlan {

    /** The default TTL floor of a planned move, in seconds. */
    public static final int DEFAULT_TTL_FLOOR_SECONDS = 5;
    private static final int LOWER = 0;
    private static final int SWITCH = 1;

    private final Routing routing;
    private final long activeWeight;
    private final List<Integer> failbackSteps;
    private final int ttlFloorSeconds;

    /**
     * @param failbackSteps   rising percentages ending at 100; empty: a failback moves all traffic at once
     * @param ttlFloorSeconds the TTL a planned move lowers the record to; a group whose TTL is not above it moves at once
     */
    public TrafficPlan(Routing routing, long activeWeight, List<Integer> failbackSteps, int ttlFloorSeconds) {
        if (ttlFloorSeconds < 1) {
            throw new IllegalArgumentException("the TTL floor must be at least 1 s, was " + ttlFloorSeconds);
        }
        this.routing = routing;
        this.activeWeight = activeWeight;
        this.failbackSteps = List.copyOf(failbackSteps);
        this.ttlFloorSeconds = ttlFloorSeconds;
    }

    public Routing routing() {
        return routing;
    }

    /** How many steps the desired state takes: more than one only for a stepped failback or a planned move. */
    public int steps(FailoverGroup group, DesiredState desired) {
        if (planned(group, desired)) {
            return 3;
        }
        return stepped(group, desired) ? failbackSteps.size() : 1;
    }

    /** The share of the traffic the target gets at the desired state's step. */
    public int percent(FailoverGroup group, DesiredState desired) {
        return stepped(group, desired) ? failbackSteps.get(Math.min(desired.step(), failbackSteps.size() - 1)) : 100;
    }

    /**
     * Whether the desired state's step sends traffic to its target: only then must the target have capacity. The first
     * step of a planned move only lowers the TTL of the record as it is.
     */
    public boolean sendsTrafficToTarget(FailoverGroup group, DesiredState desired) {
        return !(planned(group, desired) && desired.step() == LOWER);
    }

    /** The actuation step a write of the desired state's step is reported as. */
    public ActuationStep writeStep(FailoverGroup group, DesiredState desired) {
        if (planned(group, desired)) {
            return switch (desired.step()) {
                case LOWER -> ActuationStep.LOWER_TTL;
                case SWITCH -> ActuationStep.DNS_SWITCH;
                default -> ActuationStep.RESTORE_TTL;
            };
        }
        return ActuationStep.DNS_SWITCH;
    }

    /**
     * How long a served step that is not the last is held before the next. The lowered TTL is held for the old one (the
     * group's configured TTL, which the record was served with), so that every resolver's cached copy has expired
     * before the answer changes. The switch is held for the floor: then no resolver can still hold the old address, so
     * the move is complete everywhere when the TTL goes back up (and until then an abort would reach every resolver
     * within the floor too).
     */
    public Duration holdAfter(FailoverGroup group, DesiredState desired, Duration failbackStepPause) {
        if (planned(group, desired)) {
            return Duration.ofSeconds(desired.step() == LOWER ? group.dns().ttl() : ttlFloorSeconds);
        }
        return failbackStepPause;
    }

    /** For people: what the desired state's step is, e.g. "switchover step 1 of 3: TTL 300 s lowered to 5 s on primary". */
    public String describeStep(FailoverGroup group, DesiredState desired) {
        int steps = steps(group, desired);
        if (planned(group, desired)) {
            String what = desired.decision().kind().name().toLowerCase().replace('_', ' ') + " step "
                    + (desired.step() + 1)
                    + " of " + steps + ": ";
            return what + switch (desired.step()) {
                case LOWER -> "TTL " + group.dns().ttl() + " s lowered to " + ttlFloorSeconds + " s, still on "
                        + desired.decision().fromTarget();
                case SWITCH -> "switched to " + desired.target() + " at the TTL floor of " + ttlFloorSeconds + " s";
                default -> "TTL restored to " + group.dns().ttl() + " s on " + desired.target();
            };
        }
        if (steps > 1) {
            return "failback step " + (desired.step() + 1) + " of " + steps + ": " + percent(group, desired)
                    + " % of traffic";
        }
        return "";
    }

    /**
     * The desired state to work on, given what the record serves. The first step of a planned move lowers the TTL only on
     * a record that serves the move's from-target (at whatever TTL): only then is there a cached answer to wait out. A
     * record that serves anything else (the destination already: a drill ended before it got there; an earlier move not
     * served yet; a change by hand; nothing) is neither rewritten to the from-target, which may be an unscaled or failing
     * target, nor held for its TTL: the move starts at the switch, where the target's capacity is gated. Any other
     * desired state is returned as it is.
     */
    public DesiredState fitToServed(FailoverGroup group, DesiredState desired, List<RecordSet> served) {
        if (!planned(group, desired) || desired.step() != LOWER) {
            return desired;
        }
        Target from = group.target(desired.decision().fromTarget()).orElseThrow();
        List<RecordSet> allOnFrom = sets(group, from, null, 100, ttlFloorSeconds);
        boolean fromServed = allOnFrom.stream()
                .allMatch(w -> served.stream().anyMatch(s -> Objects.equals(s.setIdentifier(),
                        w.setIdentifier()) && Objects.equals(s.weight(), w.weight())
                        && Objects.equals(s.values(), w.values())));
        return fromServed ? desired : desired.atStep(SWITCH);
    }

    public List<RecordSet> wanted(FailoverGroup group, DesiredState desired) {
        Target active = group.target(desired.target()).orElseThrow(
                () -> new IllegalArgumentException("target " + desired.target() + " is not in group " + group.id()));
        String previous = desired.decision().fromTarget();
        if (planned(group, desired)) {
            return switch (desired.step()) {
                case LOWER -> sets(group, group.target(previous).orElseThrow(), null, 100, ttlFloorSeconds);
                case SWITCH -> sets(group, active, null, 100, ttlFloorSeconds);
                default -> sets(group, active, null, 100, group.dns().ttl());
            };
        }
        return sets(group, active, previous, percent(group, desired), group.dns().ttl());
    }

    /** The record sets of the group's initial state, before any decision: all traffic on the chain's first target. */
    public List<RecordSet> initial(FailoverGroup group) {
        return sets(group, group.primary(), null, 100, group.dns().ttl());
    }

    /** {@code active} gets {@code percent} of the traffic, {@code previous} the rest (a stepped failback's share). */
    private List<RecordSet> sets(FailoverGroup group, Target active, String previous, int percent, int ttl) {
        if (routing == Routing.SINGLE) {
            return List.of(set(null, null, ttl, active));
        }
        if (routing == Routing.SWITCHES) {
            return group.targets().stream().map(t -> new RecordSet(t.id(), t.id().equals(active.id()) ? 1L : 0L, null,
                    Set.of(), null)).toList();
        }
        long activeShare = percent == 100 ? activeWeight : Math.max(1, Math.round(activeWeight * percent / 100.0));
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
        return routing == Routing.WEIGHTED && !failbackSteps.isEmpty()
                && desired.decision().kind() == DecisionKind.FAILBACK
                && previous != null && !previous.equals(desired.target()) && group.target(previous).isPresent();
    }

    /**
     * A planned move with a TTL to lower: the group's TTL is above the floor and neither end is an alias record (an
     * alias has no TTL of its own to lower).
     */
    private boolean planned(FailoverGroup group, DesiredState desired) {
        String previous = desired.decision().fromTarget();
        if (routing == Routing.SWITCHES) {
            return false; // a routing control has no TTL to lower: the records' TTL is Route 53's, set at deployment
        }
        if (!desired.decision().kind().planned() || previous == null || previous.equals(desired.target())
                || group.dns().ttl() <= ttlFloorSeconds) {
            return false;
        }
        return group.target(previous).filter(t -> t.dns().alias() == null).isPresent()
                && group.target(desired.target()).filter(t -> t.dns().alias() == null).isPresent();
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
