package dev.failover.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.failover.testkit.layers.PackageLayers;

/**
 * The decision-service's packages by part, imports only downward (ADR 0015): a package may name a class of a package
 * listed after it in {@link #LAYERS}, never one listed before it, so there is no cycle between them either
 * ({@link PackageLayers}, as for every module).
 */
class PackageLayersTest {

    static final String ROOT = "dev.failover.decision";

    /** Top first. A new package gets its place here, with its line in ADR 0015. */
    static final List<String> LAYERS = List.of(
            "startup", // builds the engine from the topology, native-image registrations
            "rest", // the override API
            "identity", // who the caller is: the audience of a bearer token, an ALB's signed header
            "health", // readiness
            "report", // a switch's signed report
            "drill", // scheduled drills, sent as commands
            "replay", // the core over a recorded stream, offline
            "input", // the one consumer of group inputs, its lanes, the ticker
            "view", // a group's view for any instance: live or from the state topic; per-group gauges
            "publication", // decisions, explanations and state out to Kafka
            "ownership", // which groups this instance decides, restored on assignment, revoked on rebalance
            "command", // an operator command: its message, its id, submitting it
            "store", // the state and explanation topics: records, codec, directory, loader, topic set-up
            "metrics", // counters and timers, clock gauges
            "signing", // the keys of signed control messages
            "config", // the typed configuration
            "domain"); // the decision core: plain Java

    /** The decision core's parts, top first, as {@link #LAYERS}. A new part gets its place here and in ADR 0015. */
    static final List<String> DOMAIN_LAYERS = List.of(
            "engine", // the DecisionEngine: results, ticks, commands, the actuator's reports in, decisions out; replay
            "commands", // an operator's commands on one group, applied once per id; the end of a drill
            "explain", // explanations: the rule chain's trace with the evidence it was made on
            "rules", // the automatic-switch rules in their one order (ADR 0013), the evaluation and verdicts
            "state", // what the engine knows: group state and journal, trackers, evidence, holds, the guard, the view
            "model"); // the values: outcomes, commands, snapshots, ownership terms, explanations, a rule's step

    /** The decision core stays readable a class at a time, as the actuator's core: a class that grows past this splits. */
    static final int MAX_LINES = 300;

    /**
     * The decision core's classes still over {@link #MAX_LINES}, by path below {@code domain/}, each with the length it may
     * not grow past and why it is not split yet. An entry leaves once its class is under.
     */
    static final Map<String, Integer> OVER_MAX_FOR_NOW = Map.of();

    @Test
    void importsRunOnlyDownward() {
        PackageLayers.check(Path.of("src/main/java"), ROOT, LAYERS);
    }

    /** The checker looks at the parts only, so no class may stay directly in {@code domain/}. */
    @Test
    void theDecisionCoreIsLayeredToo() throws IOException {
        PackageLayers.check(Path.of("src/main/java"), "dev.failover.decision.domain", DOMAIN_LAYERS);
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/failover/decision/domain"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".java")).map(Path::toString))
                    .as("classes directly in domain/, in no part").isEmpty();
        }
    }

    @Test
    void noClassOfTheDecisionCoreIsOver300Lines() throws IOException {
        Path core = Path.of("src/main/java/dev/failover/decision/domain");
        try (Stream<Path> files = Files.walk(core)) {
            List<String> over = files.filter(f -> f.toString().endsWith(".java"))
                    .map(f -> core.relativize(f).toString().replace('\\', '/'))
                    .filter(name -> lineCount(core.resolve(name)) > OVER_MAX_FOR_NOW.getOrDefault(name, MAX_LINES))
                    .map(name -> name + " " + lineCount(core.resolve(name))).toList();
            assertThat(over).as("decision core classes over " + MAX_LINES + " lines (or over their length for now)")
                    .isEmpty();
        }
        OVER_MAX_FOR_NOW.keySet()
                .forEach(name -> assertThat(lineCount(core.resolve(name))).as(name + ", listed as over")
                        .isGreaterThan(MAX_LINES));
    }

    private static int lineCount(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
