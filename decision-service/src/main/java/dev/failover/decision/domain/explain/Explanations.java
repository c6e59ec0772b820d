package dev.failover.decision.domain.explain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Thresholds;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.Explanation.Rule;
import dev.failover.decision.domain.model.Explanation.RuleResult;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.model.RuleStep;
import dev.failover.decision.domain.rules.RuleChain;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;
import dev.failover.decision.domain.state.LocationTracker;

/**
 * Formats {@link Explanation}s: the trace of the {@link RuleChain} that made an outcome (every rule in chain order, the
 * one that fired or held, the ones not reached) with the {@link Evidence} it was made on. It asks no rule's question
 * again; margins come from the evidence's counts.
 */
public final class Explanations {

    public static final String OPERATOR = "operator";
    /** The rule of a re-issued decision: the actuator served another owner's decision (ADR 0002). */
    static final String DECIDED_VS_SERVED = "decided-vs-served";

    private Explanations() {
    }

    /**
     * Why {@code decision} was made; {@code before} is the state before it, {@code evidence} what it was made on and
     * {@code trace} the chain's steps when the chain made it (an automatic switch, or a drill's end it reached; null for
     * an operator's command).
     */
    public static Explanation ofDecision(GroupState s, Explanation.StartingState before, Decision decision,
            Evidence evidence, List<RuleStep> trace) {
        Instant now = evidence.at();
        List<Rule> rules = new ArrayList<>();
        Target from = s.group().target(before.activeTarget()).orElseThrow();
        Target to = s.group().target(decision.toTarget()).orElseThrow();
        String summary;
        DecisionKind kind = decision.kind();
        if (trace != null && (kind == DecisionKind.FAILOVER || kind == DecisionKind.LAST_RESORT
                || kind == DecisionKind.FAILBACK)) {
            boolean failback = kind == DecisionKind.FAILBACK;
            trace.forEach(step -> rules.add(step.explain())); // the chain's own path, in its order
            summary = kind + " " + from.id() + " -> " + to.id() + ": "
                    + (failback ? "the higher-priority target recovered "
                            + "for the hold-down"
                            : from.id() + " is " + evidence.of(from).health() + " by a quorum of "
                                    + evidence.quorum() + " locations")
                    + "; " + evidence.of(failback ? to : from).margin();
        } else if (trace != null) {
            // a drill's end the chain reached (its planned duration, or its target failing): the chain's path, not an operator
            trace.forEach(step -> rules.add(step.explain()));
            summary = kind + " " + from.id() + " -> " + to.id() + ": " + decision.reason() + "; "
                    + evidence.of(to).margin();
        } else {
            rules.add(new Rule(OPERATOR, RuleResult.FIRED, decision.principal() + ": " + decision.reason()));
            TargetHealth health = evidence.of(to).health();
            rules.add(new Rule("target-health",
                    kind == DecisionKind.FORCE ? RuleResult.NOT_APPLICABLE : RuleResult.PASSED,
                    to.id() + " is " + health
                            + (kind == DecisionKind.FORCE ? " (break glass: health not required)" : "")));
            RuleChain.names().stream().skip(1).forEach(r -> rules.add(new Rule(r, RuleResult.NOT_APPLICABLE,
                    "an operator's command, not automation")));
            summary = kind + " " + from.id() + " -> " + to.id() + " by " + decision.principal();
        }
        return new Explanation(s.group().id(), decision.decisionId(), now, Explanation.Verdict.SWITCHED, kind,
                from.id(), to.id(),
                null, summary, rules, thresholds(s), targets(s, evidence), before);
    }

    /**
     * Why {@code reissue} was made: the actuator served {@code served}, a decision this instance did not make, of an epoch
     * no lower than its latest decision {@code latest}, which {@code reissue} repeats above it (ADR 0002).
     */
    public static Explanation ofReissue(GroupState s, Explanation.StartingState before, Decision reissue,
            Decision latest, GroupSnapshot.Serving served, Evidence evidence) {
        List<Rule> rules = new ArrayList<>();
        rules.add(new Rule(DECIDED_VS_SERVED, RuleResult.FIRED, "the actuator serves decision " + served.decisionId()
                + " (epoch " + served.epoch() + ", " + served.status()
                + "), which this instance did not make, instead of "
                + "its latest decision " + latest.decisionId() + " (epoch " + latest.epoch()
                + "): another owner decided "
                + "the group too; " + latest.decisionId() + " is re-issued once, above epoch " + served.epoch()));
        RuleChain.names().forEach(r -> rules.add(new Rule(r, RuleResult.NOT_APPLICABLE,
                "a re-issue of decision " + latest.decisionId() + ", not a new switch")));
        String summary = "re-issued " + reissue.kind() + " " + reissue.fromTarget() + " -> " + reissue.toTarget()
                + " above epoch " + served.epoch() + ": the actuator served another owner's decision "
                + served.decisionId();
        return new Explanation(s.group().id(), reissue.decisionId(), evidence.at(), Explanation.Verdict.SWITCHED,
                reissue.kind(), reissue.fromTarget(), reissue.toTarget(), null, summary, rules, thresholds(s),
                targets(s, evidence), before);
    }

    /**
     * Why the group does what it does now: its last evaluation explained with the state of that moment, or, when that
     * evaluation switched, its decision's own explanation (if still kept); empty when the group was not evaluated yet.
     */
    public static Optional<Explanation> now(GroupState s) {
        GroupState.LastEvaluation last = s.lastEvaluation();
        if (last == null) {
            return Optional.empty();
        }
        if (last.outcome() instanceof Outcome.Switched switched) {
            return s.journal().explanation(switched.decision().decisionId());
        }
        return Optional.of(ofEvaluation(s, last));
    }

    /** Why the group's last evaluation came out as it did (not a switch: that has its decision's explanation). */
    static Explanation ofEvaluation(GroupState s, GroupState.LastEvaluation last) {
        Evidence evidence = last.evidence();
        Instant at = last.at();
        List<Rule> rules = last.trace().stream().map(RuleStep::explain).toList();
        String margin = evidence.of(s.active()).margin();
        if (last.outcome() instanceof Outcome.Held held) {
            return new Explanation(s.group().id(), null, at, Explanation.Verdict.HELD, null, s.active(), null,
                    held.reason(),
                    "held (" + held.reason() + "): " + held.why() + "; " + margin, rules, thresholds(s),
                    targets(s, evidence),
                    s.starting());
        }
        return new Explanation(s.group().id(), null, at, Explanation.Verdict.STEADY, null, s.active(), null, null,
                "steady: "
                        + s.active() + " stays active; " + margin,
                rules, thresholds(s), targets(s, evidence), s.starting());
    }

    static Map<String, Integer> thresholds(GroupState s) {
        Thresholds t = s.thresholds();
        Map<String, Integer> map = new LinkedHashMap<>();
        map.put("failuresToDown", t.failuresToDown());
        map.put("successesToUp", t.successesToUp());
        map.put("quorum", s.quorum());
        map.put("flapWindow", t.flapWindow());
        map.put("flapTransitions", t.flapTransitions());
        map.put("minDwellSeconds", t.minDwellSeconds());
        map.put("maxSwitchesPerHour", t.maxSwitchesPerHour());
        map.put("holdDownSeconds", s.group().failback().holdDownSeconds());
        map.put("freshEvidenceIntervals", s.group().safety().freshEvidenceIntervals());
        return map;
    }

    /**
     * Each target's health and margin from the evidence, with each location's verdict, counts and results as the
     * evaluation found them (not as counted since: a new owner catching up counts without evaluating).
     */
    static List<Explanation.TargetFacts> targets(GroupState s, Evidence evidence) {
        List<Explanation.TargetFacts> targets = new ArrayList<>();
        for (Evidence.OfTarget target : evidence.targets()) {
            List<Explanation.LocationFacts> locations = new ArrayList<>();
            int i = 0;
            for (LocationTracker tracker : s.trackers().of(target.target())) {
                LocationVerdict verdict = target.verdicts().get(i);
                Evidence.Run run = target.runs().get(i++);
                locations.add(tracker.factsAt(run, verdict, locationMargin(run, verdict, s.thresholds())));
            }
            targets.add(new Explanation.TargetFacts(target.target().id(), target.health(), target.margin(), locations));
        }
        return targets;
    }

    /** How many more results would turn this location's verdict. */
    static String locationMargin(Evidence.Run run, LocationVerdict verdict, Thresholds t) {
        return switch (verdict) {
            case DOWN -> (t.successesToUp() - run.counts().consecutiveSuccesses())
                    + " more success(es) in a row would make it UP";
            case UP -> (t.failuresToDown() - run.counts().consecutiveFailures())
                    + " more failure(s) in a row would make it DOWN";
            case FLAPPING -> run.transitions() + " changes in the last " + t.flapWindow() + " results, at least "
                    + t.flapTransitions() + ": not trusted until fewer";
            case UNKNOWN ->
                "no fresh result it can vouch for (silent, stale, impaired, or still forming): left out of the quorum";
        };
    }
}
