package dev.failover.decision.domain.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.AllDownPolicy;
import dev.failover.contract.topology.Safety;
import dev.failover.decision.domain.model.Alerts;
import dev.failover.decision.domain.rules.Evaluation;
import dev.failover.decision.domain.rules.SwitchBudgetRule;
import dev.failover.decision.domain.state.CorrelatedFailureGuard;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;
import dev.failover.decision.domain.state.GroupView;

/**
 * What the rules read from beyond one group: the correlated-failure guard over every target and the switch budget of
 * all groups together; and the safety part of a group's view, which shows both. Not thread-safe; the engine serialises
 * access.
 */
final class FleetGuards implements Evaluation.Fleet {

    private final CorrelatedFailureGuard guard;
    /** The engine's groups, as they are now (a live view). */
    private final Collection<GroupState> groups;
    private final int maxSwitchesPerDay;
    /** What Alertmanager last said was firing; unknown until it is read. */
    private Alerts alerts;
    /** The fleet's switches as the views last counted them, and when: a view's count is at most a second old. */
    private int viewCount;
    private Instant viewCountAt;
    /**
     * The instant of every automatic switch a group here may count against the budget: each made here and each restored,
     * earliest first; those older than the budget's window are dropped when the budget is asked. At least the fleet's
     * count, never less: a group's count only ever grows by a switch made here or by a restore, and a resume or a
     * released group lowers it without touching this. Below the budget, the rule need not sum every group's switches at
     * every evaluation, which was O(groups) for each of them when a region's groups switch together (docs/benchmarks.md,
     * plane mode).
     */
    private final PriorityQueue<Counted> counted = new PriorityQueue<>();
    /**
     * What the group's last restore added to {@link #counted}: a restore replaces the group's switches, so a later one
     * takes those out again (each a {@link Counted} of its own, removed by identity, never another group's switch at the
     * same instant). Without it every rebalance added every group's switches once more, and after a region's failover
     * the bound stayed at the budget, the exact sum at every evaluation, for a day.
     */
    private final Map<String, List<Counted>> restoredOf = new HashMap<>();

    /** One switch in {@link #counted}; equal only to itself. */
    private static final class Counted implements Comparable<Counted> {
        final Instant at;

        Counted(Instant at) {
            this.at = at;
        }

        @Override
        public int compareTo(Counted other) {
            return at.compareTo(other.at);
        }
    }

    FleetGuards(CorrelatedFailureGuard guard, Collection<GroupState> groups, int maxSwitchesPerDay, Instant start) {
        this.alerts = new Alerts.NotRead(start);
        this.guard = guard;
        this.groups = groups;
        this.maxSwitchesPerDay = maxSwitchesPerDay;
    }

    /**
     * The guard sees the group's evidence of this evaluation: whether each of its regional targets is failing (a last
     * resort is no region's, so its failure says nothing about the plane).
     */
    void observe(GroupState s, Evidence evidence) {
        for (Evidence.OfTarget t : evidence.targets()) {
            if (!t.target().isLastResort()) {
                guard.observe(s.group().id(), t.target().id(), t.target().region(), t.failing(),
                        t.health() == TargetHealth.UNKNOWN, evidence.at());
            }
        }
    }

    /** Since when each of the group's targets has been failing, for its persisted state. */
    Map<String, Instant> failingSince(GroupState s) {
        return guard.failingSince(s.group().id());
    }

    /** The failures' starts of a restored group's state, taken back: a restart must not make old failures look new. */
    void restoreFailing(GroupState s, Map<String, Instant> since) {
        Map<String, String> regions = new java.util.HashMap<>();
        s.group().targets().forEach(t -> regions.put(t.id(), t.region()));
        guard.restoreFailing(s.group().id(), since, regions);
    }

    @Override
    public Optional<CorrelatedFailureGuard.Suspicion> suspicion(Instant now) {
        return guard.evaluate(now);
    }

    @Override
    public Duration lastResortAfter() {
        return guard.lastResortAfter();
    }

    @Override
    public int switchesWithin(Duration window, Instant now) {
        return groups.stream().mapToInt(g -> g.automaticSwitches().within(window, now)).sum();
    }

    @Override
    public int maxSwitchesPerDay() {
        return maxSwitchesPerDay;
    }

    @Override
    public boolean belowBudget(Instant now) {
        while (!counted.isEmpty() && counted.peek().at.plus(SwitchBudgetRule.WINDOW).isBefore(now)) {
            counted.poll();
        }
        // counted is at least the fleet's count: below the budget, so is the fleet; at it, only the exact count says
        return counted.size() < maxSwitchesPerDay || switchesWithin(SwitchBudgetRule.WINDOW, now) < maxSwitchesPerDay;
    }

    @Override
    public Alerts alerts() {
        return alerts;
    }

    /**
     * A new reading of Alertmanager; a failure to read keeps the last good reading, which guards as unknown once it is
     * {@link Alerts#STALE_AFTER} old.
     */
    void alerts(Alerts reading) {
        alerts = reading instanceof Alerts.Unreadable && alerts instanceof Alerts.Read ? alerts : reading;
    }

    /**
     * The fleet's switches within the budget's window, for a view: counted again at most once a second, and after every switch. Summing every
     * group for every group's view cost the state pass over 1,000 groups a million steps (7.6 % of the decision-service
     * in a region's failover, docs/benchmarks.md, plane mode); the switch budget rule itself counts afresh each time.
     */
    private int switchesForViews(Instant now) {
        if (viewCountAt == null || now.isBefore(viewCountAt) || !now.isBefore(viewCountAt.plusSeconds(1))) {
            viewCount = switchesWithin(SwitchBudgetRule.WINDOW, now);
            viewCountAt = now;
        }
        return viewCount;
    }

    /** A group switched automatically, counting the switch at {@code at}: the views count the fleet's switches again. */
    void switched(Instant at) {
        counted.add(new Counted(at));
        viewCountAt = null;
    }

    /**
     * The group's state was restored with these automatic switches, which its budget counts from now on; they replace
     * what the group's last restore added (the switches made here since stay counted: the bound only rises by them).
     */
    void restoredSwitches(String group, Collection<Instant> switches) {
        List<Counted> added = switches.stream().map(Counted::new).toList();
        List<Counted> before = restoredOf.put(group, added);
        if (before != null) {
            before.forEach(counted::remove); // by identity: one already dropped for its age is simply not found
        }
        counted.addAll(added);
        viewCountAt = null;
    }

    /** The safety part of the group's view at {@code now}: the guard, its suspicion and the switch budgets. */
    GroupView.SafetyView safetyView(GroupState s, Instant now) {
        Safety safety = s.group().safety();
        CorrelatedFailureGuard.Suspicion suspicion = guard.evaluate(now).orElse(null);
        Instant lastResortFrom = suspicion != null && safety.correlatedFailureGuard()
                && s.group().whenAllDown() == AllDownPolicy.LAST_RESORT
                        ? suspicion.since().plus(guard.lastResortAfter()) : null;
        return new GroupView.SafetyView(safety.correlatedFailureGuard(), suspicion, s.guard().acknowledgedAt(),
                s.automaticSwitches().within(SwitchBudgetRule.WINDOW, now), safety.maxSwitchesPerDay(),
                switchesForViews(now), maxSwitchesPerDay, safety.freshEvidenceIntervals(),
                safety.failureClasses(), lastResortFrom);
    }
}
