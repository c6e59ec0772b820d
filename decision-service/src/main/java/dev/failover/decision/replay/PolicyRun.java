package dev.failover.decision.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.engine.EngineLimits;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.Outcome;

/**
 * One policy (a topology) run through the real decision core over recorded probe results: the switches it makes, each
 * with the rule path that made it, and the spans in which a rule held it. Time is the results' own: a result is handled
 * at its arrival (start plus duration), and the engine ticks once a second between results as the service's ticker
 * does, so the same results give the same run whatever the wall clock. What the replay cannot know it leaves out: the
 * actuator's progress and the operators' commands.
 *
 * @param startingActive each group's active target before the first result, by group
 * @param switches the switches in the order made
 * @param holds    the spans in which the active target would have changed, or was doubtful, and a rule held it
 * @param replayed results handed to the engine
 * @param ignored  results the engine did not use (unknown group, target or location for this topology, stale, ...)
 */
public record PolicyRun(Map<String, String> startingActive, List<Switch> switches, List<HoldSpan> holds, int replayed,
        int ignored) {

    /** The engine's default for the service, in replay too: what a location's clock may be off by. */
    static final Duration CLOCK_SKEW_TOLERANCE = Duration.ofSeconds(5);

    public PolicyRun {
        startingActive = Map.copyOf(startingActive);
        switches = List.copyOf(switches);
        holds = List.copyOf(holds);
    }

    /**
     * @param rulePath the rules that took part, in chain order, as "Rule result" ({@code DwellRule passed})
     * @param reason   the decision's own reason
     */
    public record Switch(String group, String decisionId, Instant at, DecisionKind kind, String from, String to,
            long epoch,
            List<String> rulePath, String reason) {
    }

    /** The group's active target at {@code at} in this run. */
    public String activeAt(String group, Instant at) {
        String active = startingActive.get(group);
        for (Switch s : switches) {
            if (s.group().equals(group) && !s.at().isAfter(at)) {
                active = s.to();
            }
        }
        return active;
    }

    /** A span in which a rule held the group for one reason; {@code end} is the next evaluation that did not. */
    public record HoldSpan(String group, Outcome.HoldReason reason, Instant start, Instant end, String why) {
    }

    /** Runs {@code topology}'s policy over {@code results}, sorted by arrival. */
    public static PolicyRun of(Topology topology, List<ProbeResult> results) {
        ManualClock clock = new ManualClock(results.isEmpty() ? Instant.EPOCH : arrival(results.get(0)));
        int[] ids = { 0 };
        DecisionEngine engine = new DecisionEngine(topology, clock, () -> "whatif-" + ++ids[0],
                EngineLimits.withClockSkewTolerance(CLOCK_SKEW_TOLERANCE));
        Map<String, String> startingActive = new java.util.TreeMap<>();
        engine.views().forEach(v -> startingActive.put(v.group(), v.activeTarget()));
        Recorder recorder = new Recorder(engine);
        int ignored = 0;
        for (ProbeResult result : results) {
            Instant arrival = arrival(result);
            while (clock.instant().plusSeconds(1).isBefore(arrival)) {
                clock.advanceTo(clock.instant().plusSeconds(1));
                engine.tick().forEach(o -> recorder.record(o, clock.instant()));
            }
            if (arrival.isAfter(clock.instant())) {
                clock.advanceTo(arrival);
            }
            Outcome outcome = engine.onProbeResult(result);
            if (outcome instanceof Outcome.Ignored) {
                ignored++;
            } else {
                recorder.record(outcome, clock.instant());
            }
        }
        return new PolicyRun(startingActive, recorder.switches, recorder.closedHolds(clock.instant()), results.size(),
                ignored);
    }

    /** When the service would have had the result: its start plus its duration. */
    static Instant arrival(ProbeResult result) {
        return result.startedAt().plusMillis(result.durationMillis());
    }

    /** Collects switches and hold spans from the outcomes, in order. */
    private static final class Recorder {
        private final DecisionEngine engine;
        private final List<Switch> switches = new ArrayList<>();
        private final List<HoldSpan> holds = new ArrayList<>();
        private final Map<String, HoldSpan> open = new HashMap<>();

        Recorder(DecisionEngine engine) {
            this.engine = engine;
        }

        void record(Outcome outcome, Instant now) {
            if (outcome instanceof Outcome.Held held) {
                HoldSpan current = open.get(held.group());
                if (current == null || current.reason() != held.reason()) {
                    close(held.group(), now);
                    open.put(held.group(), new HoldSpan(held.group(), held.reason(), now, now, held.why()));
                }
                return;
            }
            if (outcome instanceof Outcome.Steady steady) {
                close(steady.group(), now);
            } else if (outcome instanceof Outcome.Switched switched) {
                Decision d = switched.decision();
                close(d.group(), now);
                List<String> path = engine.explanation(d.group(), d.decisionId())
                        .map(e -> e.rules().stream().filter(r -> r.result() != Explanation.RuleResult.NOT_APPLICABLE)
                                .map(r -> r.rule() + " " + r.result().name().toLowerCase(java.util.Locale.ROOT))
                                .toList())
                        .orElse(List.of());
                switches.add(new Switch(d.group(), d.decisionId(), d.issuedAt(), d.kind(), d.fromTarget(), d.toTarget(),
                        d.epoch() == null ? 0 : d.epoch(), path, d.reason()));
                engine.published(d.group(), d.decisionId()); // as Kafka's acknowledgement would: the outbox stays small
            }
        }

        private void close(String group, Instant now) {
            HoldSpan span = open.remove(group);
            if (span != null) {
                holds.add(new HoldSpan(span.group(), span.reason(), span.start(), now, span.why()));
            }
        }

        List<HoldSpan> closedHolds(Instant end) {
            new ArrayList<>(open.keySet()).stream().sorted().forEach(g -> close(g, end));
            return holds;
        }
    }
}
