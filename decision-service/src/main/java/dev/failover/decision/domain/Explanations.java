package dev.failover.decision.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Thresholds;
import dev.failover.decision.domain.Explanation.Rule;
import dev.failover.decision.domain.Explanation.RuleResult;
import dev.failover.decision.domain.Outcome.HoldReason;

/**
 * Builds {@link Explanation}s from a group's state. The rule path follows the order in which {@link DecisionEngine}
 * checks an automatic switch — the hold precedence, the active target's health, the destination, the correlated-failure
 * guard, the dwell time, the flap guard, the switch budgets — so the rule an outcome names is the one that made it, the
 * ones before it passed and the ones after it were not reached. Margins are computed from the trackers.
 */
final class Explanations {

    static final String HOLD = "hold";
    static final String ACTIVE_HEALTH = "active-health";
    static final String DESTINATION = "destination";
    static final String GUARD = "correlated-failure-guard";
    static final String DWELL = "dwell-time";
    static final String FLAP_GUARD = "flap-guard";
    static final String BUDGET = "switch-budget";
    static final String OPERATOR = "operator";
    private static final List<String> AUTOMATIC = List.of(HOLD, ACTIVE_HEALTH, DESTINATION, GUARD, DWELL, FLAP_GUARD, BUDGET);

    private Explanations() {
    }

    /** The state a replay starts from; taken before a switch changes it. */
    static Explanation.StartingState starting(GroupState s) {
        return new Explanation.StartingState(s.active, s.epoch, s.lastSwitchAt, new HashMap<>(s.stablyHealthySince));
    }

    /** Why {@code decision} was made; {@code before} is the state before it. */
    static Explanation ofDecision(GroupState s, Explanation.StartingState before, Decision decision, Instant now) {
        List<Rule> rules = new ArrayList<>();
        Target from = s.group.target(before.activeTarget()).orElseThrow();
        Target to = s.group.target(decision.toTarget()).orElseThrow();
        String summary;
        DecisionKind kind = decision.kind();
        if (kind == DecisionKind.FAILOVER || kind == DecisionKind.LAST_RESORT || kind == DecisionKind.FAILBACK) {
            boolean failback = kind == DecisionKind.FAILBACK;
            rules.add(new Rule(HOLD, RuleResult.PASSED, "automation runs: no pin, pause, drill or flap-guard freeze"));
            rules.add(new Rule(ACTIVE_HEALTH, failback ? RuleResult.PASSED : RuleResult.FIRED, healthDetail(s, from, now)));
            GroupView.DestinationCheck check = s.destination(to, now);
            rules.add(new Rule(DESTINATION, failback ? RuleResult.FIRED : RuleResult.PASSED, (failback
                    ? to.id() + " has been stably HEALTHY since " + before.stablyHealthySince().get(to.id()) + ", longer than "
                            + "the hold-down of " + s.group.failback().holdDownSeconds() + " s; "
                    : kind == DecisionKind.LAST_RESORT ? "no target in the chain is eligible; whenAllDown: last-resort; " : "")
                    + check.detail()));
            rules.add(new Rule(GUARD, RuleResult.PASSED, "no correlated failure holds the group"));
            rules.add(new Rule(DWELL, RuleResult.PASSED, before.lastSwitchAt() == null ? "no switch before"
                    : "last switch at " + before.lastSwitchAt() + ", at least " + s.thresholds().minDwellSeconds() + " s before"));
            int lastHour = s.switchesWithin(Duration.ofHours(1), now) - 1;
            rules.add(new Rule(FLAP_GUARD, RuleResult.PASSED, lastHour + " automatic switch(es) in the hour before, below "
                    + "maxSwitchesPerHour " + s.thresholds().maxSwitchesPerHour()));
            int today = s.switchesWithin(DecisionEngine.BUDGET_WINDOW, now) - 1;
            rules.add(new Rule(BUDGET, RuleResult.PASSED, today + " automatic switch(es) in the 24 h before, below "
                    + "maxSwitchesPerDay " + s.group.safety().maxSwitchesPerDay()));
            summary = kind + " " + from.id() + " -> " + to.id() + ": " + (failback ? "the higher-priority target recovered "
                    + "for the hold-down" : from.id() + " is " + s.health(from, now) + " by a quorum of " + s.quorum
                    + " locations") + "; " + targetMargin(s, failback ? to : from, now);
        } else {
            rules.add(new Rule(OPERATOR, RuleResult.FIRED, decision.principal() + ": " + decision.reason()));
            TargetHealth health = s.health(to, now);
            rules.add(new Rule("target-health", kind == DecisionKind.FORCE ? RuleResult.NOT_APPLICABLE : RuleResult.PASSED,
                    to.id() + " is " + health + (kind == DecisionKind.FORCE ? " (break glass: health not required)" : "")));
            AUTOMATIC.stream().skip(1).forEach(r -> rules.add(new Rule(r, RuleResult.NOT_APPLICABLE,
                    "an operator's command, not automation")));
            summary = kind + " " + from.id() + " -> " + to.id() + " by " + decision.principal();
        }
        return new Explanation(s.group.id(), decision.decisionId(), now, Explanation.Verdict.SWITCHED, kind, from.id(), to.id(),
                null, summary, rules, thresholds(s), targets(s, now), before);
    }

    /** Why the group's last evaluation came out as it did: {@code outcome} at {@code at}, with the state of now. */
    static Explanation ofOutcome(GroupState s, Outcome outcome, Instant at) {
        Target active = s.group.target(s.active).orElseThrow();
        if (outcome instanceof Outcome.Held held) {
            int index = ruleOf(s, held.reason(), at);
            List<Rule> rules = new ArrayList<>();
            for (int i = 0; i < AUTOMATIC.size(); i++) {
                String rule = AUTOMATIC.get(i);
                if (i < index) {
                    rules.add(new Rule(rule, rule.equals(ACTIVE_HEALTH) && s.health(active, at) == TargetHealth.UNHEALTHY
                            ? RuleResult.FIRED : RuleResult.PASSED, rule.equals(ACTIVE_HEALTH) ? healthDetail(s, active, at)
                                    : "passed"));
                } else if (i == index) {
                    rules.add(new Rule(rule, RuleResult.HELD, held.why()));
                } else {
                    rules.add(new Rule(rule, RuleResult.NOT_APPLICABLE, "not reached"));
                }
            }
            return new Explanation(s.group.id(), null, at, Explanation.Verdict.HELD, null, s.active, null, held.reason(),
                    "held (" + held.reason() + "): " + held.why() + "; " + targetMargin(s, active, at), rules, thresholds(s),
                    targets(s, at), starting(s));
        }
        List<Rule> rules = new ArrayList<>();
        rules.add(new Rule(HOLD, RuleResult.PASSED, "automation runs"));
        rules.add(new Rule(ACTIVE_HEALTH, RuleResult.PASSED, healthDetail(s, active, at)));
        rules.add(new Rule(DESTINATION, RuleResult.PASSED, s.group.failback().mode() == dev.failover.contract.topology.Failback.Mode.MANUAL
                ? "failback is manual" : "no higher-priority target has been stably HEALTHY for the hold-down of "
                        + s.group.failback().holdDownSeconds() + " s"));
        AUTOMATIC.stream().skip(3).forEach(r -> rules.add(new Rule(r, RuleResult.NOT_APPLICABLE, "no switch to check")));
        return new Explanation(s.group.id(), null, at, Explanation.Verdict.STEADY, null, s.active, null, null, "steady: "
                + active.id() + " stays active; " + targetMargin(s, active, at), rules, thresholds(s), targets(s, at),
                starting(s));
    }

    /** Which rule of {@link #AUTOMATIC} a hold reason comes from. */
    private static int ruleOf(GroupState s, HoldReason reason, Instant at) {
        return switch (reason) {
            case PINNED, PAUSED, DRILL_RUNNING -> 0;
            case QUORUM_LOST, TARGET_FLAPPING -> 1;
            case NO_HEALTHY_TARGET, NO_ELIGIBLE_TARGET, AWAITING_EVIDENCE -> 2;
            case CORRELATED_FAILURE -> 3;
            case DWELL_TIME -> 4;
            // a freeze made earlier holds as a hold; one made by this evaluation is the flap guard's own check
            case FLAP_GUARD -> s.hold(at) == Hold.FROZEN && s.freeze != null && s.freeze.since().isBefore(at) ? 0 : 5;
            case SWITCH_BUDGET -> 6;
        };
    }

    static Map<String, Integer> thresholds(GroupState s) {
        Thresholds t = s.thresholds();
        Map<String, Integer> map = new LinkedHashMap<>();
        map.put("failuresToDown", t.failuresToDown());
        map.put("successesToUp", t.successesToUp());
        map.put("quorum", s.quorum);
        map.put("flapWindow", t.flapWindow());
        map.put("flapTransitions", t.flapTransitions());
        map.put("minDwellSeconds", t.minDwellSeconds());
        map.put("maxSwitchesPerHour", t.maxSwitchesPerHour());
        map.put("holdDownSeconds", s.group.failback().holdDownSeconds());
        map.put("freshEvidenceIntervals", s.group.safety().freshEvidenceIntervals());
        return map;
    }

    static List<Explanation.TargetFacts> targets(GroupState s, Instant now) {
        List<Explanation.TargetFacts> targets = new ArrayList<>();
        for (Target target : s.group.targets()) {
            List<Explanation.LocationFacts> locations = new ArrayList<>();
            for (LocationTracker tracker : s.trackers(target)) {
                LocationVerdict verdict = tracker.verdictAt(now, GroupState.staleAfter(target), s.thresholds());
                locations.add(new Explanation.LocationFacts(tracker.location(), verdict, tracker.consecutiveFailures(),
                        tracker.consecutiveSuccesses(), locationMargin(tracker, verdict, s.thresholds()), tracker.recent(),
                        tracker.countsBeforeRecent()));
            }
            targets.add(new Explanation.TargetFacts(target.id(), s.health(target, now), targetMargin(s, target, now), locations));
        }
        return targets;
    }

    /** How many more results would turn this location's verdict. */
    static String locationMargin(LocationTracker tracker, LocationVerdict verdict, Thresholds t) {
        return switch (verdict) {
            case DOWN -> (t.successesToUp() - tracker.consecutiveSuccesses()) + " more success(es) in a row would make it UP";
            case UP -> (t.failuresToDown() - tracker.consecutiveFailures()) + " more failure(s) in a row would make it DOWN";
            case FLAPPING -> tracker.transitions() + " changes in the last " + t.flapWindow() + " results, at least "
                    + t.flapTransitions() + ": not trusted until fewer";
            case UNKNOWN -> "no fresh result it can vouch for (silent, stale, impaired, or still forming): left out of the quorum";
        };
    }

    /** How many locations more or fewer would change the target's quorum health. */
    static String targetMargin(GroupState s, Target target, Instant now) {
        int up = 0;
        int down = 0;
        int all = 0;
        for (LocationTracker tracker : s.trackers(target)) {
            LocationVerdict v = tracker.verdictAt(now, GroupState.staleAfter(target), s.thresholds());
            up += v == LocationVerdict.UP ? 1 : 0;
            down += v == LocationVerdict.DOWN ? 1 : 0;
            all++;
        }
        String counts = target.id() + ": " + up + " UP, " + down + " DOWN of " + all + " locations, quorum " + s.quorum;
        return switch (s.health(target, now)) {
            case UNHEALTHY -> counts + "; " + (down - s.quorum + 1) + " location(s) fewer DOWN and it would not be UNHEALTHY";
            case HEALTHY -> counts + "; " + (up - s.quorum + 1) + " location(s) fewer UP and it would not be HEALTHY";
            default -> counts + "; " + (s.quorum - Math.max(up, down)) + " more location(s) agreeing would settle it";
        };
    }

    private static String healthDetail(GroupState s, Target target, Instant now) {
        return target.id() + " is " + s.health(target, now) + " (" + targetMargin(s, target, now) + ")";
    }
}
