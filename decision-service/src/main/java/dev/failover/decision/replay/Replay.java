package dev.failover.decision.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Failback;
import dev.failover.contract.topology.Thresholds;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.state.GroupView;

/**
 * Runs the decision core over a recorded stream of probe results (JSON lines, as on failover.probe-results) with
 * alternative thresholds, and prints the switches it would make and the detection delay of each: from the first failed
 * probe of the target it left to the decision. Lets operators tune thresholds on real data first.
 *
 * <pre>
 * scripts/replay.sh --topology config/failover.yaml --results results.jsonl [--failures-to-down N] [--successes-to-up N]
 *     [--quorum N] [--min-dwell-seconds N] [--hold-down-seconds N] [--flap-window N] [--flap-transitions N]
 * </pre>
 */
public final class Replay {

    private Replay() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** @return the exit code: 0 done, 2 bad arguments or input */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                err.println("unexpected argument '" + args[i] + "'; every option takes a value, e.g. --failures-to-down 5");
                return 2;
            }
            options.put(args[i].substring(2), args[++i]);
        }
        if (!options.containsKey("topology") || !options.containsKey("results")) {
            err.println("usage: replay --topology FILE --results FILE.jsonl [--failures-to-down N] [--successes-to-up N] "
                    + "[--quorum N] [--min-dwell-seconds N] [--hold-down-seconds N] [--flap-window N] [--flap-transitions N]");
            return 2;
        }
        Topology topology;
        List<ProbeResult> results;
        try {
            topology = withOverrides(TopologyLoader.load(Path.of(options.remove("topology"))), options);
            results = read(Path.of(options.remove("results")), err);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("cannot read results: " + e.getMessage());
            return 2;
        }
        if (!options.isEmpty()) {
            err.println("unknown options: " + options.keySet());
            return 2;
        }
        replay(topology, results, out);
        return 0;
    }

    static void replay(Topology topology, List<ProbeResult> results, PrintStream out) {
        ManualClock clock = new ManualClock(results.isEmpty() ? Instant.EPOCH : results.get(0).startedAt());
        int[] ids = { 0 };
        DecisionEngine engine = new DecisionEngine(topology, clock, () -> "replay-" + ++ids[0], Duration.ofSeconds(5));
        Map<String, Instant> failingSince = new HashMap<>();
        int switches = 0;
        int ignored = 0;
        for (ProbeResult result : results) {
            Instant arrival = result.startedAt().plusMillis(result.durationMillis());
            // let time pass second by second, as the service's ticker does
            while (clock.instant().plusSeconds(1).isBefore(arrival)) {
                clock.advanceTo(clock.instant().plusSeconds(1));
                for (Outcome outcome : engine.tick()) {
                    switches += report(outcome, failingSince, out);
                }
            }
            clock.advanceTo(arrival);
            String key = result.group() + "/" + result.target();
            if (result.outcome() == ProbeOutcome.DOWN) {
                failingSince.putIfAbsent(key, result.startedAt());
            }
            Outcome outcome = engine.onProbeResult(result);
            if (outcome instanceof Outcome.Ignored) {
                ignored++;
                continue;
            }
            switches += report(outcome, failingSince, out);
            if (result.outcome() == ProbeOutcome.UP) {
                engine.view(result.group()).ifPresent(view -> view.targets().stream()
                        .filter(t -> t.target().equals(result.target()) && t.health() == TargetHealth.HEALTHY)
                        .map(GroupView.TargetView::target).findFirst().ifPresent(t -> failingSince.remove(key)));
            }
        }
        out.printf("%d results replayed (%d ignored), %d switches%n", results.size(), ignored, switches);
    }

    private static int report(Outcome outcome, Map<String, Instant> failingSince, PrintStream out) {
        if (!(outcome instanceof Outcome.Switched switched)) {
            return 0;
        }
        Decision d = switched.decision();
        String delay = "";
        if (d.kind() == DecisionKind.FAILOVER || d.kind() == DecisionKind.LAST_RESORT) {
            Instant since = failingSince.get(d.group() + "/" + d.fromTarget());
            delay = since == null ? "" : String.format(" detection delay %.1f s (first failure %s)",
                    Duration.between(since, d.issuedAt()).toMillis() / 1000.0, since);
        }
        out.printf("%s %s %s %s -> %s epoch %d%s%n", d.issuedAt(), d.group(), d.kind(), d.fromTarget(), d.toTarget(), d.epoch(),
                delay);
        return 1;
    }

    /** The fields that make a line of the topic's dump a ResolverObservation, not a probe result. */
    private static final List<String> OBSERVATION_FIELDS = List.of("observer", "observedAt", "location", "group");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Whether a line of the topic's dump is a ResolverObservation, which replays nothing. */
    private static boolean observation(String text) {
        try {
            return OBSERVATION_FIELDS.stream().allMatch(JSON.readTree(text)::has);
        } catch (IOException e) {
            return false;
        }
    }

    static List<ProbeResult> read(Path file, PrintStream err) throws IOException {
        List<ProbeResult> results = new ArrayList<>();
        int line = 0;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            for (String text; (text = reader.readLine()) != null;) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    results.add(EventCodec.instance().decode(text, ProbeResult.class));
                } catch (RuntimeException e) {
                    if (!observation(text)) { // a resolver's observation (issue 56) on the same topic: no evidence
                        err.printf("%s:%d skipped: %s%n", file, line, e.getMessage());
                    }
                }
            }
        }
        results.sort(Comparator.comparing(ProbeResult::startedAt));
        return results;
    }

    /** The topology with every group's thresholds and hold-down replaced where an option says so. */
    static Topology withOverrides(Topology topology, Map<String, String> options) {
        Integer failures = intOption(options, "failures-to-down");
        Integer successes = intOption(options, "successes-to-up");
        Integer quorum = intOption(options, "quorum");
        Integer dwell = intOption(options, "min-dwell-seconds");
        Integer holdDown = intOption(options, "hold-down-seconds");
        Integer flapWindow = intOption(options, "flap-window");
        Integer flapTransitions = intOption(options, "flap-transitions");
        List<FailoverGroup> groups = new ArrayList<>();
        for (FailoverGroup g : topology.groups()) {
            Thresholds t = g.thresholds();
            Thresholds thresholds = new Thresholds(or(failures, t.failuresToDown()), or(successes, t.successesToUp()),
                    quorum != null ? quorum : t.quorum(), or(dwell, t.minDwellSeconds()), t.maxSwitchesPerHour(),
                    or(flapWindow, t.flapWindow()), or(flapTransitions, t.flapTransitions()));
            Failback failback = new Failback(g.failback().mode(), or(holdDown, g.failback().holdDownSeconds()));
            groups.add(new FailoverGroup(g.id(), g.dns(), g.targets(), thresholds, failback, g.whenAllDown(), g.drill(), g.mode()));
        }
        Topology changed = new Topology(topology.version(), topology.locations(), groups);
        var errors = dev.failover.contract.topology.TopologyValidator.validate(changed);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("the options make an invalid topology: " + errors);
        }
        return changed;
    }

    private static Integer intOption(Map<String, String> options, String name) {
        String value = options.remove(name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": '" + value + "' is not a whole number");
        }
    }

    private static int or(Integer override, int original) {
        return override != null ? override : original;
    }
}
