package dev.failover.decision.domain.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Observer;
import dev.failover.decision.domain.model.DecidedVsServed;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.domain.state.Overrides;
import dev.failover.decision.domain.state.Traffic;

/**
 * Builds a group's read view ({@link GroupView}) from its state, its evidence counted at that moment, the guards of all
 * groups and the probe locations' clocks. It reads and changes nothing: a view asks for no evaluation. Called under the
 * engine's lock; not thread-safe.
 */
final class GroupViews {

    private final ResultIntake intake;
    private final FleetGuards fleet;

    private final Duration notServedAfter;
    /** By group, by location, the topology's observers asked for its record (ADR 0026, 0036). */
    private final Function<FailoverGroup, Map<String, List<Observer>>> observers;

    GroupViews(ResultIntake intake, FleetGuards fleet, Duration notServedAfter,
            Function<FailoverGroup, Map<String, List<Observer>>> observers) {
        this.observers = observers;
        this.intake = intake;
        this.fleet = fleet;
        this.notServedAfter = notServedAfter;
    }

    /** The group's view at {@code now}. */
    GroupView of(GroupState s, Instant now) {
        Evidence evidence = Evidence.of(s, now);
        GroupView.Automation automation = s.hold(now).automation;
        GroupView.SafetyView safetyView = fleet.safetyView(s, now);
        Overrides o = s.overrides();
        Traffic traffic = s.traffic();
        GroupSnapshot.Serving serving = traffic.actuatorReports().serving();
        return new GroupView(s.group().id(), s.group().mode().name(), s.active(),
                evidence.of(s.active()).health(), s.epoch(), s.lastSwitchAt(), automation, o.pin(), o.pause(),
                o.freeze(), o.drill(), o.lastDrill(), serving,
                DecidedVsServed.of(s.journal().recentDecisions().stream().findFirst().orElse(null), serving, now,
                        notServedAfter),
                s.trackers().views(evidence), safetyView, intake.locationClocks(now),
                s.journal().recentDecisions(), s.journal().auditTrail(),
                s.journal().recentActuations(), traffic.convergence().view(
                        traffic.observed() ? observers.apply(s.group()) : Map.of(), now,
                        Duration.ofSeconds(s.group().dns() == null ? 0 : s.group().dns().ttl())));
    }
}
