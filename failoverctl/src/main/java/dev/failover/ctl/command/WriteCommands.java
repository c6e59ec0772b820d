package dev.failover.ctl.command;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.failover.ctl.exit.Exits;
import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.render.Text;
import dev.failover.ctl.render.Views;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The writes: each needs the operator role and a reason (recorded with the caller's name), and is sent once with an
 * idempotency key, so that sending the same command again with that key acts at most once.
 */
public final class WriteCommands {

    private WriteCommands() {
    }

    /** A write to one group's endpoint. */
    abstract static class Write extends ApiCommand {
        @Option(names = { "-r", "--reason" }, required = true, description = "why, for the audit trail (required)")
        String reason;

        @Option(names = "--idempotency-key",
                description = "send again with the same key to act at most once; default a new "
                        + "random key per run")
        String idempotencyKey;

        @Option(names = "--wait", arity = "0..1", fallbackValue = "5m", paramLabel = "DURATION",
                converter = ConnectionOptions.DurationConverter.class, description = "after the write, wait until the "
                        + "actuator serves the decision it made (exit 0), refuses it or it is superseded (exit 12), or DURATION "
                        + "passes (exit 8); default 5m when given without a value")
        java.time.Duration wait;

        /** The group this write is about. */
        abstract String group();

        /** The endpoint below groups/{group}, e.g. "pin". */
        abstract String action();

        /** Fields besides the reason. */
        void fields(ObjectNode body) {
        }

        @Override
        final int run(ApiClient api) throws ApiException {
            ObjectNode body = ApiClient.object();
            body.put("reason", reason);
            fields(body);
            String key = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
            ApiClient.Reply reply = api.post(ReadCommands.path(group()) + "/" + action(), body, key);
            if (json()) {
                out().print(options().output.document(reply.body()));
            } else if (reply.pending()) {
                out().println(Text.wrap(
                        "pending: " + reply.body().path("message").asText("accepted, not yet confirmed by the "
                                + "owner") + " (idempotency key " + key + "; check with: failoverctl status " + group()
                                + ")",
                        Text.WIDTH, "  "));
            } else {
                out().print(Views.applied(reply.body()));
            }
            if (reply.pending()) {
                if (wait != null) {
                    err().println(
                            "failoverctl: not waited for: the write is pending, so the decision it makes is not known");
                }
                return Exits.PENDING;
            }
            return wait == null ? ok()
                    : awaitServed(api, reply.body().path("decisionIds"), reply.body().path("group").path("epoch"));
        }

        /**
         * Polls the group until the actuator's report, as the decision-service checks it ({@code decidedVsServed}),
         * says the last decision this write made is served, refused, or superseded by a newer one (a higher epoch: an
         * instance whose view has not caught up with this write yet shows an older decision, and is asked again). A newer
         * decision to the same target (one re-issued by a new owner of the group) is followed instead. A server that
         * does not answer for a moment is asked again until the time is up.
         */
        private int awaitServed(ApiClient api, JsonNode decisionIds, JsonNode epoch) throws ApiException {
            if (decisionIds.isEmpty()) {
                out().println("nothing to wait for: this write made no decision");
                return ok();
            }
            String decision = decisionIds.get(decisionIds.size() - 1).asText();
            long ours = epoch.canConvertToLong() ? epoch.asLong() : -1;
            String target = null;
            long deadline = System.nanoTime() + wait.toNanos();
            String last = "no report yet";
            while (true) {
                JsonNode group = null;
                try {
                    group = api.get(ReadCommands.path(group())).body();
                } catch (ApiException.Unreachable | ApiException.TimedOut e) {
                    last = "no answer: " + e.getMessage();
                }
                if (group != null) {
                    JsonNode check = group.path("decidedVsServed");
                    String decided = check.path("decided").asText("");
                    String state = check.path("state").asText("");
                    last = Views.decidedVsServed(check, java.time.Instant.now());
                    if (target == null) {
                        target = toTarget(group, decision);
                    }
                    long newer = check.path("decidedEpoch").asLong(-1);
                    if (!decided.equals(decision) && ours >= 0 && newer > ours) {
                        String to = toTarget(group, decided);
                        if (target == null || !target.equals(to)) {
                            out().println("superseded: the latest decision is " + decided + ", not " + decision + " ("
                                    + last + ")");
                            out().flush();
                            return Exits.NOT_SERVED;
                        }
                        out().println("followed: decision " + decided + " (epoch " + newer + ") takes " + decision
                                + "'s place, to the same target " + target);
                        out().flush();
                        decision = decided;
                        ours = newer;
                        continue;
                    }
                    if (decided.equals(decision) && state.equals("SERVED")) {
                        out().println("served: " + last);
                        out().flush();
                        return ok();
                    }
                    if (decided.equals(decision) && state.equals("NOT_SERVED")) {
                        out().println("not served: " + last);
                        out().flush();
                        return Exits.NOT_SERVED;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    err().println("failoverctl: decision " + decision + " not served within " + wait.toSeconds()
                            + " s: " + last);
                    err().flush();
                    return Exits.TIMEOUT;
                }
                try {
                    Thread.sleep(
                            Math.min(POLL.toMillis(), java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left) + 1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Exits.TIMEOUT;
                }
            }
        }

        /** The target of one of the group's recent decisions, by id; null when the view does not list it. */
        private static String toTarget(JsonNode group, String decisionId) {
            for (JsonNode d : group.path("recentDecisions")) {
                if (d.path("decisionId").asText().equals(decisionId)) {
                    return d.path("toTarget").asText(null);
                }
            }
            return null;
        }
    }

    /** How often {@code --wait} asks: the decision-service's view moves with each actuation result. */
    static final java.time.Duration POLL = java.time.Duration.ofSeconds(1);

    /** A write about one target of the group that may pin it until an instant: pin and switchover start. */
    abstract static class PinningWrite extends Write {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;
        @Parameters(index = "1", paramLabel = "TARGET")
        String target;
        @Option(names = "--until",
                description = "ISO-8601 instant the pin ends, e.g. 2026-11-24T06:00:00Z; default: until "
                        + "released")
        String until;

        String group() {
            return group;
        }

        @Override
        void fields(ObjectNode body) {
            body.put("target", target);
            if (until != null) {
                body.put("until", until);
            }
        }
    }

    @Command(name = "pin",
            description = "Keep a HEALTHY target active (switching to it if needed); automation holds until "
                    + "the pin expires or is released.")
    public static final class Pin extends PinningWrite {
        String action() {
            return "pin";
        }
    }

    /** A write that takes the group and the reason only. */
    abstract static class GroupWrite extends Write {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        String group() {
            return group;
        }
    }

    @Command(name = "release",
            description = "Drop the pin (or end a switchover, leaving traffic where it is); automation "
                    + "resumes at once.")
    public static final class Release extends GroupWrite {
        String action() {
            return "release";
        }
    }

    @Command(name = "pause", description = "Stop automatic switching; health is still tracked.")
    public static final class Pause extends GroupWrite {
        String action() {
            return "pause";
        }
    }

    @Command(name = "resume",
            description = "Restart automatic switching; also lifts a flap-guard freeze, resets the daily "
                    + "switch budget and lets the group act despite a correlated-failure suspicion.")
    public static final class Resume extends GroupWrite {
        String action() {
            return "resume";
        }
    }

    @Command(name = "force", description = "Break glass: switch to a target whatever its health, and pin it.")
    public static final class Force extends Write {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;
        @Parameters(index = "1", paramLabel = "TARGET")
        String target;

        String group() {
            return group;
        }

        String action() {
            return "force";
        }

        @Override
        void fields(ObjectNode body) {
            body.put("target", target);
        }
    }

    @Command(name = "drill", description = "DR drills: start one now, or end the running one.",
            subcommands = { DrillStart.class, DrillEnd.class })
    public static final class Drill {
    }

    @Command(name = "start",
            description = "Start a drill now (every target HEALTHY, automation running); the move goes "
                    + "through the TTL steps of a planned switchover.")
    public static final class DrillStart extends GroupWrite {
        @Option(names = "--target", description = "target to drill on; default the first secondary")
        String target;
        @Option(names = "--duration-minutes", description = "1 to 1440; default the group's drill duration")
        Long durationMinutes;
        @Option(names = "--promote-database", description = "accept that the drill moves the group's database one way: "
                + "the drill target's node is promoted, the active one's fenced, and the drill's end is BLOCKED until that "
                + "node is rebuilt as a replica (ADR 0020); required for a group with postgres or rds nodes")
        boolean promoteDatabase;

        String action() {
            return "drills";
        }

        @Override
        void fields(ObjectNode body) {
            if (target != null) {
                body.put("target", target);
            }
            if (durationMinutes != null) {
                body.put("durationMinutes", durationMinutes);
            }
            if (promoteDatabase) {
                body.put("promoteDatabase", true);
            }
        }
    }

    @Command(name = "end", description = "End the running drill and restore traffic.")
    public static final class DrillEnd extends GroupWrite {
        String action() {
            return "drills/end";
        }
    }

    @Command(name = "switchover",
            description = "Planned switchover: start one, or abort it (traffic back where it came from).",
            subcommands = { SwitchoverStart.class, SwitchoverAbort.class })
    public static final class Switchover {
    }

    @Command(name = "start", description = "Move traffic to a HEALTHY target and pin it there: the actuator lowers the "
            + "record's TTL, waits out the old one, scales the target up, switches, verifies and restores the TTL (follow it "
            + "with watch).")
    public static final class SwitchoverStart extends PinningWrite {
        String action() {
            return "switchover";
        }
    }

    @Command(name = "abort",
            description = "Abort a switchover: traffic back to the target it left (if HEALTHY), pin dropped.")
    public static final class SwitchoverAbort extends GroupWrite {
        String action() {
            return "switchover/abort";
        }
    }
}
