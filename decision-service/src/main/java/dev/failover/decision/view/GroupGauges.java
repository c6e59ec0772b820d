package dev.failover.decision.view;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.domain.model.DecidedVsServed;
import dev.failover.decision.domain.model.Destination;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.ownership.GroupOwnership;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Per-group state as gauges, read at scrape time. NaN while this instance knows nothing of a group yet. One scrape reads
 * every gauge of a group; the group's view is built once per second, not once per gauge.
 */
@ApplicationScoped
public class GroupGauges {

    /** 1 while the active target's health is UNKNOWN (too few locations agree): the engine holds. */
    public static final String QUORUM_LOST = "failover.decision.quorum.lost";
    /** 1 while the active target is FLAPPING at a quorum of locations. */
    public static final String TARGET_FLAPPING = "failover.decision.target.flapping";
    /** 1 while the flap guard has frozen automation. */
    public static final String FROZEN = "failover.decision.automation.frozen";
    /** 1 while an operator has paused automation or pinned a target. */
    public static final String OVERRIDDEN = "failover.decision.automation.overridden";
    /** The group's decision epoch. */
    public static final String EPOCH = "failover.decision.epoch";
    /** 1 for the active target of a group, 0 for the others. */
    public static final String ACTIVE = "failover.decision.active.target";
    /**
     * 1 while the correlated-failure guard holds the group's automatic switching (ADR 0010): targets in more regions than
     * believed began failing together, and no operator resumed the group since.
     */
    public static final String CORRELATED_FAILURE = "failover.decision.correlated.failure.suspected";
    /** 1 while the group's, or the global, daily budget of automatic switches is spent (ADR 0010). */
    public static final String BUDGET_SPENT = "failover.decision.switch.budget.exhausted";
    /** Per target: 1 while automation could move traffic to it (ADR 0010), 0 while it could not; see the reason in the API. */
    public static final String DESTINATION_ELIGIBLE = "failover.decision.destination.eligible";
    /** Per target: locations whose latest result is a failure of an alert-only class (counted as reachable). */
    public static final String ALERT_ONLY_FAILING = "failover.decision.alert.only.failing.locations";
    /**
     * 1 while the actuator has reported another decision than the group's latest (or none) for longer than
     * {@link DecidedVsServed#BOUND}: traffic is not where this instance believes (ADR 0002). Only the owner reports 1.
     */
    public static final String NOT_SERVED = "failover.decision.decided.not.served";
    /**
     * 1 while the group's latest switch, served more than the record's TTL and a minute ago, is not seen by the quorum
     * of observing locations' resolvers (ADR 0026; GroupView.Observed.NOT_OBSERVED); 0 otherwise and without observers.
     * Only the owner reports 1.
     */
    public static final String NOT_OBSERVED = "failover.decision.switch.not.observed";
    /** 1 while this instance decides the group (owns its partition), else 0: shows how groups are shared. */
    public static final String OWNED = "failover.decision.group.owned";

    private final GroupReader reader;
    private final MeterRegistry registry;
    private final Topology topology;
    private final GroupOwnership ownership;

    @Inject
    GroupGauges(GroupReader reader, MeterRegistry registry, Topology topology, GroupOwnership ownership) {
        this.reader = reader;
        this.registry = registry;
        this.topology = topology;
        this.ownership = ownership;
    }

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(long atNanos, Optional<GroupView> view) {
    }

    private Optional<GroupView> view(String group) {
        long now = System.nanoTime();
        Cached cached = cache.get(group);
        if (cached == null || now - cached.atNanos() > 1_000_000_000L) {
            cached = new Cached(now, reader.view(group));
            cache.put(group, cached);
        }
        return cached.view();
    }

    void register(@Observes StartupEvent event) {
        for (FailoverGroup group : topology.groups()) {
            String id = group.id();
            gauge(QUORUM_LOST, id, v -> v.activeHealth() == TargetHealth.UNKNOWN ? 1 : 0);
            gauge(TARGET_FLAPPING, id, v -> v.activeHealth() == TargetHealth.FLAPPING ? 1 : 0);
            gauge(FROZEN, id, v -> v.automation() == GroupView.Automation.FROZEN ? 1 : 0);
            gauge(OVERRIDDEN, id, v -> v.automation() == GroupView.Automation.PAUSED
                    || v.automation() == GroupView.Automation.PINNED ? 1 : 0);
            gauge(EPOCH, id, GroupView::epoch);
            gauge(NOT_SERVED, id, v -> ownership.owns(id) && v.decidedVsServed() != null
                    && v.decidedVsServed().state() == DecidedVsServed.State.NOT_SERVED ? 1 : 0);
            gauge(NOT_OBSERVED, id, v -> ownership.owns(id) && v.convergence() != null
                    && v.convergence().state() == GroupView.Observed.NOT_OBSERVED ? 1 : 0);
            Gauge.builder(OWNED, this, g -> g.ownership.owns(id) ? 1 : 0).tag("group", id).register(registry);
            gauge(CORRELATED_FAILURE, id, v -> v.safety().correlatedFailureGuard()
                    && v.safety().correlatedFailure() != null
                    && (v.safety().guardAcknowledgedAt() == null
                            || v.safety().guardAcknowledgedAt().isBefore(v.safety().correlatedFailure().since())) ? 1
                                    : 0);
            gauge(BUDGET_SPENT, id, v -> v.safety().switchesLast24h() >= v.safety().maxSwitchesPerDay()
                    || v.safety().allSwitchesLast24h() >= v.safety().allMaxSwitchesPerDay() ? 1 : 0);
            for (Target target : group.targets()) {
                if (!target.isLastResort()) { // a maintenance page is no standby: FailoverNoEligibleStandby
                    targetGauge(DESTINATION_ELIGIBLE, id, target.id(),
                            t -> t.destination().verdict() == Destination.ELIGIBLE ? 1 : 0);
                }
                targetGauge(ALERT_ONLY_FAILING, id, target.id(),
                        t -> t.locations().stream().filter(l -> l.alertOnlyFailure() != null).count());
                Gauge.builder(ACTIVE, this, g -> g.view(id).map(v -> v.activeTarget().equals(target.id()) ? 1.0 : 0.0)
                        .orElse(Double.NaN)).tags("group", id, "target", target.id()).register(registry);
            }
        }
    }

    private void targetGauge(String name, String group, String target, ToDoubleFunction<GroupView.TargetView> value) {
        Gauge.builder(name, this, g -> g.view(group)
                .flatMap(v -> v.targets().stream().filter(t -> t.target().equals(target)).findFirst())
                .map(value::applyAsDouble).orElse(Double.NaN)).tags("group", group, "target", target)
                .register(registry);
    }

    private void gauge(String name, String group, ToDoubleFunction<GroupView> value) {
        Gauge.builder(name, this, g -> g.view(group).map(value::applyAsDouble).orElse(Double.NaN)).tag("group", group)
                .register(registry);
    }
}
