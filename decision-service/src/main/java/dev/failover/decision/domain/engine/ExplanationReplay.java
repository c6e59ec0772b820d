package dev.failover.decision.domain.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.Outcome;

/**
 * Runs an explanation's recorded evidence through a fresh decision core: the group starts from the explanation's
 * starting state, every recorded result is counted again at the time it arrived, and the group is evaluated once at the
 * explanation's instant. The outcome is what the core decides on that evidence alone, so an explanation that replays to
 * the same decision shows that the evidence it names is the evidence that decided.
 * <p>
 * Each location's count starts from the hysteresis state recorded before its oldest result ({@code before}): a verdict
 * can come from results older than those kept.
 * <p>
 * What it does not carry: a dependency's results (a target with dependencies is no eligible destination in a replay),
 * and the switch budgets' history (a hold by a budget does not replay). The actuator's refusals in force are part of
 * the starting state (ADR 0010): a refused target is no destination in the replay either.
 */
public final class ExplanationReplay {

    private ExplanationReplay() {
    }

    /** One recorded result with the target and location it was about. */
    private record Recorded(String target, String location, Explanation.Result result) {
    }

    public static Outcome replay(Topology topology, Explanation explanation) {
        return replayed(topology, explanation).outcome();
    }

    /** What the replay decided, with its own explanation: the rules it went through, in order, for a comparison. */
    public record Replayed(Outcome outcome, Explanation explanation) {
    }

    /** As {@link #replay}, with the replay's own explanation (its rule path). */
    public static Replayed replayed(Topology topology, Explanation explanation) {
        FailoverGroup group = topology.group(explanation.group()).orElseThrow(
                () -> new IllegalArgumentException("no group '" + explanation.group() + "' in the topology"));
        List<Recorded> evidence = new ArrayList<>();
        for (Explanation.TargetFacts target : explanation.targets()) {
            for (Explanation.LocationFacts location : target.locations()) {
                location.results().forEach(r -> evidence.add(new Recorded(target.target(), location.location(), r)));
            }
        }
        evidence.sort(Comparator.comparing(r -> arrival(r.result())));
        Instant first = evidence.isEmpty() ? explanation.at() : arrival(evidence.get(0).result());
        ManualClock clock = new ManualClock(first);
        DecisionEngine engine = new DecisionEngine(topology, clock, () -> "replay",
                EngineLimits.withClockSkewTolerance(Duration.ofSeconds(5)));
        for (Explanation.TargetFacts target : explanation.targets()) {
            for (Explanation.LocationFacts location : target.locations()) {
                if (location.before() != null) { // counting starts where it stood before the oldest result kept
                    engine.startFrom(group.id(), target.target(), location.location(), location.before());
                }
            }
        }
        for (Recorded r : evidence) {
            clock.set(arrival(r.result()));
            String region = group.target(r.target()).map(t -> t.region()).orElse("unknown");
            Explanation.Result x = r.result();
            engine.record(ProbeResult.of(group.id(), r.target(), region, r.location(), x.startedAt(), x.outcome())
                    .durationMillis(x.durationMillis()).failureReason(x.failureReason())
                    .impairment(x.outcome() == ProbeOutcome.UNKNOWN ? LocationImpairment.LATE_START : null).build(),
                    null);
        }
        engine.startFrom(group.id(), explanation.startingState());
        clock.set(explanation.at());
        Outcome outcome = engine.evaluateNow(group.id());
        Explanation replayed = outcome instanceof Outcome.Switched switched
                ? engine.explanation(group.id(), switched.decision().decisionId()).orElse(null)
                : engine.explanationNow(group.id()).orElse(null);
        return new Replayed(outcome, replayed);
    }

    /** When the result reached the decision core, as closely as it is known: when the probe ended. */
    private static Instant arrival(Explanation.Result result) {
        return result.startedAt().plusMillis(result.durationMillis() == null ? 0 : result.durationMillis());
    }
}
