package dev.failover.ctl.command;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.ctl.exit.Exits;
import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.render.Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The question a database node's start-up guard asks before its server starts (ADR 0020, "A former primary never starts
 * writable"): may this target's node start as a primary? Every actuator is asked; the newest desired epoch's verdict
 * counts (a region cut off with a stale view never says "writable" over it), and an actuator whose lease lapsed answers
 * 503 and is passed over. Exit 0 only when the actuator that drives the group says so;
 * anything else (11: not the primary of record; 3, 4, 7-10: no actuator that drives the group answered) means the guard
 * starts the node read-only. A viewer's token will do.
 */
@Command(name = "start-check", description = "May TARGET's database node start as a primary? Asks every actuator; the "
        + "newest epoch's verdict of those driving the group counts; exit 0: yes, 11: no (start it read-only), any other: no answer "
        + "(start it read-only). Run by a node's start-up guard (viewer role, actuator audience).")
public final class StartCheckCommand extends ActuatorCommand {

    @Parameters(index = "1", paramLabel = "TARGET")
    String target;

    @Option(names = "--every", paramLabel = "SECONDS", description = "ask again every SECONDS (1-60) instead of once, "
            + "printing one line a question, 'exit CODE asked UPTIME' (UPTIME: whole seconds since boot when it was "
            + "asked), until the process that started it ends: the fence agent's one JVM for all its questions")
    Integer every;

    @Option(names = "--count", paramLabel = "N", description = "with --every: ask N times, then exit with the last "
            + "answer's code (default: until the process that started it ends)")
    Long count;

    @Override
    Optional<Repeat> repeat() {
        if (every == null) {
            if (count != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--count needs --every");
            }
            return Optional.empty();
        }
        if (every < 1 || every > 60) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--every must be 1-60 seconds, was "
                    + every);
        }
        if (count != null && count < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--count must be at least 1, was " + count);
        }
        return Optional.of(new Repeat(java.time.Duration.ofSeconds(every), count == null ? 0 : count,
                StartCheckCommand::uptime));
    }

    /** Whole seconds since boot, the clock the fence agent keeps its lease by (a wall-clock step moves neither). */
    private static String uptime() {
        try {
            String up = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime"));
            return up.substring(0, up.indexOf('.'));
        } catch (java.io.IOException | RuntimeException e) {
            return "-"; // not Linux: the agent, which needs it, runs on Linux only
        }
    }

    @Override
    Optional<JsonNode> ask(ApiClient actuator) throws ApiException {
        return Optional.of(actuator.get(ReadCommands.path(group, "targets", target, "start-check")).body());
    }

    @Override
    void show(ApiClient actuator, JsonNode body) {
        if (every != null) {
            return; // the line a question says it, once the answer counts
        }
        print(body, b -> Text.fit(group + "/" + target + ": " + (b.path("writable").asBoolean() ? "may start writable"
                : "start read-only") + " (actuator " + actuator.endpoint().base() + "): " + text(b, "reason") + "\n",
                "  "));
    }

    /** Every actuator: a cut-off region's stale view must not be the first answer taken (ADR 0020, the start guard). */
    @Override
    boolean asksEvery() {
        return true;
    }

    /**
     * The newest desired epoch's verdict: an actuator that knows an older one (a region cut off with its initial state)
     * never says "writable" over it; of answers at the same epoch, "read-only" wins. An answer without an epoch (an
     * actuator older than this field) counts as the oldest.
     */
    @Override
    Answered counts(List<Answered> answers) {
        long newest = answers.stream().mapToLong(StartCheckCommand::epoch).max().orElseThrow();
        List<Answered> atNewest = answers.stream().filter(a -> epoch(a) == newest).toList();
        return atNewest.stream().filter(a -> !a.body().path("writable").asBoolean()).findFirst()
                .orElse(atNewest.get(0));
    }

    private static long epoch(Answered answer) {
        JsonNode epoch = answer.body().path("epoch");
        return epoch.isIntegralNumber() ? epoch.asLong() : -1;
    }

    @Override
    int exit(JsonNode answer) {
        return answer.path("writable").asBoolean() ? ok() : Exits.NOT_PRIMARY;
    }

    @Override
    String doneBy() {
        return "drives";
    }
}
