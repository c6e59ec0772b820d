package dev.failover.decision.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Failback;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Thresholds;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.contract.whatif.WhatIfReport;
import dev.failover.contract.whatif.WhatIfText;

/**
 * Runs the decision core over a recorded stream of probe results (JSON lines, as on failover.probe-results, a file
 * export) with the current topology and with a proposed one, or the current one with some thresholds changed, and
 * prints what each would have done ({@link WhatIf}): the same comparison as {@code failoverctl whatif}, from a file
 * rather than the topic. Lets operators tune on real data first.
 *
 * <pre>
 * scripts/replay.sh --topology config/failover.yaml --results results.jsonl [--proposed proposed.yaml]
 *     [--failures-to-down N] [--successes-to-up N] [--quorum N] [--min-dwell-seconds N] [--hold-down-seconds N]
 *     [--flap-window N] [--flap-transitions N] [--group G] [--recovered-within-seconds N] [--svg FILE] [--json true]
 * </pre>
 */
public final class Replay {

    /** A failover whose old target was serving again within this was a false one, unless told otherwise. */
    public static final Duration RECOVERED_WITHIN = Duration.ofSeconds(30);

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
                err.println(
                        "unexpected argument '" + args[i] + "'; every option takes a value, e.g. --failures-to-down 5");
                return 2;
            }
            options.put(args[i].substring(2), args[++i]);
        }
        if (!options.containsKey("topology") || !options.containsKey("results")) {
            err.println("usage: replay --topology FILE --results FILE.jsonl [--proposed FILE] [--failures-to-down N] "
                    + "[--successes-to-up N] [--quorum N] [--min-dwell-seconds N] [--hold-down-seconds N] [--flap-window N] "
                    + "[--flap-transitions N] [--group G] [--recovered-within-seconds N] [--svg FILE] [--json true]");
            return 2;
        }
        Topology current;
        Topology proposed;
        List<ProbeResult> results;
        Duration recoveredWithin;
        try {
            current = TopologyLoader.load(Path.of(options.remove("topology")));
            String proposedFile = options.remove("proposed");
            proposed = withOverrides(proposedFile == null ? current : TopologyLoader.load(Path.of(proposedFile)),
                    options);
            Integer seconds = intOption(options, "recovered-within-seconds");
            recoveredWithin = seconds == null ? RECOVERED_WITHIN : Duration.ofSeconds(seconds);
            results = read(Path.of(options.remove("results")), err);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("cannot read results: " + e.getMessage());
            return 2;
        }
        Optional<String> group = Optional.ofNullable(options.remove("group"));
        String svg = options.remove("svg");
        boolean json = Boolean.parseBoolean(options.remove("json"));
        if (!options.isEmpty()) {
            err.println("unknown options: " + options.keySet());
            return 2;
        }
        WhatIfReport report = WhatIf.compare(current, proposed, results, group, recoveredWithin);
        if (svg != null) {
            try {
                Files.writeString(Path.of(svg), report.picture());
            } catch (IOException e) {
                err.println("cannot write " + svg + ": " + e.getMessage());
                return 2;
            }
        }
        if (json) {
            out.println(EventCodec.instance().encode(report));
        } else {
            out.print(WhatIfText.render(report));
        }
        return 0;
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
        RecordedResults.Names names = new RecordedResults.Names();
        int line = 0;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            for (String text; (text = reader.readLine()) != null;) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    results.add(names.shared(EventCodec.instance().decode(text, ProbeResult.class)));
                } catch (RuntimeException e) {
                    if (!observation(text)) { // a resolver's observation (ADR 0026) on the same topic: no evidence
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
            groups.add(new FailoverGroup(g.id(), g.dns(), g.targets(), thresholds, failback, g.whenAllDown(), g.drill(),
                    g.mode(),
                    g.safety(), g.arc(), g.regionSwitch()));
        }
        Topology changed = new Topology(topology.version(), topology.locations(), groups, topology.safety(),
                topology.observers(),
                topology.dnsProviders());
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
