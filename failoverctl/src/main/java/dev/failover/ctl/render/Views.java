package dev.failover.ctl.render;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Tables for people from the API's JSON. Read defensively: a field the server does not send (an older or newer server)
 * shows as "-", never as an error, so the CLI keeps working across versions.
 */
public final class Views {

    private Views() {
    }

    /** A field's text, or "-" when absent or null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() || value.asText().isEmpty() ? "-" : value.asText();
    }

    /** One line per group: GET /groups; {@code now} dates the decided-vs-served check. */
    public static String groups(JsonNode groups, Instant now) {
        Table table = new Table("GROUP", "ACTIVE", "HEALTH", "AUTOMATION", "EPOCH", "SERVED", "DECIDED VS SERVED");
        for (JsonNode g : groups) {
            table.row(text(g, "group"), text(g, "activeTarget"), text(g, "activeHealth"), text(g, "automation"),
                    text(g, "epoch"),
                    served(g), decidedVsServedCell(g.path("decidedVsServed"), now));
        }
        return table.toString();
    }

    /**
     * The decision-service's check of the actuator's report against the group's latest decision, by decision id
     * ({@code decidedVsServed}, ADR 0002), in one line that fits beside its label; the latest decision's id is on the
     * "last decision" line. Null when the server does not send the check (an older server).
     */
    public static String decidedVsServed(JsonNode check, Instant now) {
        if (check.isMissingNode() || check.isNull()) {
            return null;
        }
        String state = text(check, "state");
        String served = text(check, "served").equals("-") ? "no decision" : text(check, "served")
                + (text(check, "servedEpoch").equals("-") ? "" : " (epoch " + text(check, "servedEpoch") + ")");
        return switch (state) {
            case "NO_DECISION" -> "NO_DECISION: nothing decided yet";
            case "SERVED" -> "SERVED (decision " + decided(check) + ")";
            case "ACTUATING" -> "ACTUATING (decision " + decided(check) + "): reported, not converged yet";
            case "AWAITING_REPORT" -> "AWAITING_REPORT" + age(check, now) + ": actuator reports " + served;
            // the actuator reports the latest decision itself, refused (BLOCKED past the bound): its reason, not "another"
            case "NOT_SERVED" ->
                text(check, "served").equals(text(check, "decided")) && !text(check, "decided").equals("-")
                        ? "NOT_SERVED" + age(check, now) + ": " + text(check, "detail")
                        : "NOT_SERVED" + age(check, now) + ": actuator serves " + served + ", not the last decision";
            default -> state + ": " + text(check, "detail"); // a state this release does not know: the server's words
        };
    }

    /** The check's state, with for how long the latest decision waits for or misses the actuator's report. */
    static String decidedVsServedCell(JsonNode check, Instant now) {
        if (check.isMissingNode() || check.isNull()) {
            return "-";
        }
        String state = text(check, "state");
        return state.equals("NOT_SERVED") || state.equals("AWAITING_REPORT")
                ? state + age(check, now).replace(" for", "") : state;
    }

    private static String decided(JsonNode check) {
        return text(check, "decided")
                + (text(check, "decidedEpoch").equals("-") ? "" : ", epoch " + text(check, "decidedEpoch"));
    }

    /** " for 75 s" since the check's decidedAt; empty when it is absent or later than this machine's clock. */
    private static String age(JsonNode check, Instant now) {
        try {
            long seconds = Duration.between(Instant.parse(text(check, "decidedAt")), now).toSeconds();
            return seconds >= 0 ? " for " + seconds + " s" : "";
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    /** Desired vs served: what the actuator last reported of the group's record, against the group's epoch. */
    static String served(JsonNode g) {
        JsonNode serving = g.path("serving");
        if (serving.isMissingNode() || serving.isNull()) {
            return "no report from the actuator yet";
        }
        String epoch = text(serving, "epoch");
        boolean current = epoch.equals(text(g, "epoch"));
        return text(serving, "status") + " epoch " + epoch
                + (current ? "" : " (decided: epoch " + text(g, "epoch") + ", not reported yet)");
    }

    /** One group: GET /groups/{id}; {@code now} dates the decided-vs-served check. */
    public static String group(JsonNode g, Instant now) {
        StringBuilder out = new StringBuilder();
        out.append("group ").append(text(g, "group")).append("   mode ").append(text(g, "mode"))
                .append("   automation ")
                .append(text(g, "automation")).append("   epoch ").append(text(g, "epoch")).append('\n');
        out.append("active   ").append(text(g, "activeTarget")).append(" (").append(text(g, "activeHealth"))
                .append(")\n");
        out.append("desired  ").append(text(g, "activeTarget")).append(" at epoch ").append(text(g, "epoch"))
                .append('\n');
        JsonNode serving = g.path("serving");
        out.append("served   ").append(served(g));
        if (!serving.isMissingNode() && !serving.isNull()) {
            out.append(" at ").append(text(serving, "at")).append(": ").append(text(serving, "detail"));
        }
        out.append('\n');
        String providers = LaneViews.providers(g);
        if (providers != null) {
            out.append("providers ").append(providers).append('\n');
        }
        String check = decidedVsServed(g.path("decidedVsServed"), now);
        if (check != null) {
            out.append("decided  ").append(check).append('\n');
        }
        JsonNode convergence = g.path("convergence");
        if (!convergence.isMissingNode() && !convergence.isNull()) {
            out.append("observed ").append(text(convergence, "state")).append(": ").append(text(convergence, "summary"))
                    .append('\n');
            String marks = switchTimes(convergence.path("lastSwitch"));
            if (marks != null) {
                out.append("         ").append(marks).append('\n');
            }
            String servers = ObservedProviders.line(convergence.path("lastSwitch"));
            if (servers != null) {
                out.append("         providers' servers ").append(servers).append('\n');
            }
        }
        out.append("holds    ").append(holds(g)).append('\n');
        out.append('\n').append(health(g));
        JsonNode last = g.path("recentDecisions").path(0);
        if (!last.isMissingNode()) {
            out.append('\n').append("last decision  ").append(decision(last)).append('\n');
        }
        return Text.fit(out.toString(), "         ");
    }

    /**
     * A switch's marks (ADR 0026), from the failure it answered (or its decision, for a planned or operator's switch):
     * "failure at 2026-11-28T10:00:03Z; decided +2.0 s, served +4.6 s, observed by 2 of 3 locations +8.0 s"; null
     * without a switch.
     */
    static String switchTimes(JsonNode s) {
        if (s.isMissingNode() || s.isNull() || s.path("decidedAt").isMissingNode()) {
            return null;
        }
        boolean failure = !s.path("failedAt").isMissingNode();
        Instant origin = Instant.parse(s.path(failure ? "failedAt" : "decidedAt").asText());
        List<String> marks = new ArrayList<>();
        if (failure) {
            marks.add("decided " + since(origin, Instant.parse(s.path("decidedAt").asText())));
        }
        if (!s.path("servedAt").isMissingNode()) {
            marks.add("served " + since(origin, Instant.parse(s.path("servedAt").asText())));
        }
        if (!s.path("quorumAt").isMissingNode()) {
            marks.add(
                    "observed by the quorum (" + s.path("need").asInt() + " of " + s.path("of").asInt() + " locations) "
                            + since(origin, Instant.parse(s.path("quorumAt").asText())));
        }
        return (failure ? "failure at " : "decided at ") + origin
                + (marks.isEmpty() ? "" : "; " + String.join(", ", marks));
    }

    private static String since(Instant from, Instant to) {
        return String.format(java.util.Locale.ROOT, "%+.1f s",
                java.time.Duration.between(from, to).toMillis() / 1000.0);
    }

    /** What holds automation, in the server's words. */
    static String holds(JsonNode g) {
        List<String> holds = new ArrayList<>();
        JsonNode pin = g.path("pin");
        if (!pin.isMissingNode() && !pin.isNull()) {
            String from = text(pin, "switchedFrom");
            holds.add((pin.path("forced").asBoolean() ? "forced and pinned to " : "pinned to ") + text(pin, "target")
                    + (from.equals("-") ? "" : " (switchover from " + from + ")") + " by " + text(pin, "principal")
                    + (text(pin, "until").equals("-") ? "" : " until " + text(pin, "until")) + ": "
                    + text(pin, "reason"));
        }
        JsonNode pause = g.path("pause");
        if (!pause.isMissingNode() && !pause.isNull()) {
            holds.add("paused by " + text(pause, "principal") + ": " + text(pause, "reason"));
        }
        JsonNode drill = g.path("drill");
        if (!drill.isMissingNode() && !drill.isNull()) {
            holds.add("drill on " + text(drill, "target") + " until " + text(drill, "endsAt"));
        }
        JsonNode freeze = g.path("freeze");
        if (!freeze.isMissingNode() && !freeze.isNull()) {
            holds.add("frozen by the flap guard: " + text(freeze, "reason"));
        }
        JsonNode suspicion = g.path("safety").path("correlatedFailure");
        if (!suspicion.isMissingNode() && !suspicion.isNull()) {
            holds.add("correlated failure suspected: " + text(suspicion, "why"));
        }
        return holds.isEmpty() ? "none (automation runs on health)" : String.join("; ", holds);
    }

    /** Health per target and location, with whether automation may move traffic there. */
    static String health(JsonNode g) {
        Set<String> locations = new LinkedHashSet<>();
        for (JsonNode t : g.path("targets")) {
            for (JsonNode l : t.path("locations")) {
                locations.add(l.path("location").asText());
            }
        }
        List<String> header = new ArrayList<>(List.of("TARGET", "REGION", "HEALTH"));
        header.addAll(locations);
        header.add("DESTINATION");
        Table table = new Table(header.toArray(String[]::new));
        for (JsonNode t : g.path("targets")) {
            List<String> row = new ArrayList<>(
                    List.of(text(t, "target") + (text(t, "target").equals(text(g, "activeTarget"))
                            ? " *" : ""), text(t, "region"), text(t, "health")));
            for (String location : locations) {
                String verdict = "-";
                for (JsonNode l : t.path("locations")) {
                    if (location.equals(l.path("location").asText())) {
                        verdict = text(l, "verdict");
                    }
                }
                row.add(verdict);
            }
            row.add(text(t.path("destination"), "verdict"));
            table.row(row.toArray(String[]::new));
        }
        return table + "(* active; health per location after hysteresis: UP, DOWN, FLAPPING or UNKNOWN)\n";
    }

    static String decision(JsonNode d) {
        return text(d, "kind") + " " + text(d, "fromTarget") + " -> " + text(d, "toTarget") + " (epoch "
                + text(d, "epoch")
                + ", " + text(d, "decisionId") + ") at " + text(d, "issuedAt") + " by " + text(d, "principal") + ": "
                + text(d, "reason");
    }

    /** GET /groups/{id}/history: decisions and operator actions. */
    public static String history(JsonNode h) {
        Table decisions = new Table("ISSUED", "KIND", "FROM", "TO", "EPOCH", "BY", "DECISION", "REASON");
        for (JsonNode d : h.path("decisions")) {
            decisions.row(text(d, "issuedAt"), text(d, "kind"), text(d, "fromTarget"), text(d, "toTarget"),
                    text(d, "epoch"),
                    text(d, "principal"), text(d, "decisionId"), text(d, "reason"));
        }
        Table actions = new Table("AT", "BY", "ACTION", "REASON");
        for (JsonNode a : h.path("actions")) {
            actions.row(text(a, "at"), text(a, "principal"), text(a, "action"), text(a, "reason"));
        }
        return "decisions\n" + (decisions.isEmpty() ? "  none\n" : decisions.toString()) + "\nactions\n"
                + (actions.isEmpty() ? "  none\n" : actions.toString());
    }

    /** The reply to a write: what the owner did, and the decisions it made. */
    public static String applied(JsonNode reply) {
        StringBuilder out = new StringBuilder(text(reply, "status") + ": " + text(reply, "message") + "\n");
        for (JsonNode id : reply.path("decisionIds")) {
            out.append("decision ").append(id.asText()).append('\n');
        }
        JsonNode group = reply.path("group");
        if (!group.isMissingNode() && !group.isNull()) {
            out.append("active ").append(text(group, "activeTarget")).append(" at epoch ").append(text(group, "epoch"))
                    .append(", automation ").append(text(group, "automation")).append('\n');
        }
        return Text.fit(out.toString(), "  ");
    }

    /** GET .../explanation: why a decision was made, or why the group does what it does now. */
    public static String explanation(JsonNode e) {
        StringBuilder out = new StringBuilder();
        String decision = text(e, "decisionId");
        out.append(decision.equals("-") ? "now" : "decision " + decision).append(" of ").append(text(e, "group"))
                .append(" at ")
                .append(text(e, "at")).append(": ").append(text(e, "outcome"));
        if (!text(e, "kind").equals("-")) {
            out.append(' ').append(text(e, "kind")).append(' ').append(text(e, "fromTarget")).append(" -> ")
                    .append(text(e, "toTarget"));
        }
        if (!text(e, "holdReason").equals("-")) {
            out.append(" (held: ").append(text(e, "holdReason")).append(')');
        }
        out.append('\n').append(text(e, "summary")).append("\n\n");
        Table rules = new Table("RULE", "RESULT", "DETAIL");
        for (JsonNode r : e.path("rules")) {
            rules.row(text(r, "rule"), text(r, "result"), text(r, "detail"));
        }
        out.append(rules.isEmpty() ? "no rules recorded\n" : rules.toString());
        JsonNode thresholds = e.path("thresholds");
        if (thresholds.isObject() && thresholds.size() > 0) {
            List<String> parts = new ArrayList<>();
            thresholds.fields().forEachRemaining(f -> parts.add(f.getKey() + "=" + f.getValue().asText()));
            out.append("\nthresholds  ").append(String.join(" ", parts)).append('\n');
        }
        for (JsonNode t : e.path("targets")) {
            out.append('\n').append("target ").append(text(t, "target")).append(": ").append(text(t, "health"));
            if (!text(t, "margin").equals("-")) {
                out.append(" - ").append(text(t, "margin"));
            }
            out.append('\n');
            Table locations = new Table("  LOCATION", "VERDICT", "FAILS", "OKS", "RECENT RESULTS (oldest first)",
                    "MARGIN");
            for (JsonNode l : t.path("locations")) {
                List<String> results = new ArrayList<>();
                for (JsonNode r : l.path("results")) {
                    String at = text(r, "startedAt");
                    String time = at.length() >= 19 ? at.substring(11, 19) : at;
                    String position = r.hasNonNull("offset") ? "@" + text(r, "partition") + ":" + text(r, "offset")
                            : "";
                    results.add(text(r, "outcome") + " " + time + position);
                }
                locations.row("  " + text(l, "location"), text(l, "verdict"), text(l, "consecutiveFailures"),
                        text(l, "consecutiveSuccesses"), results.isEmpty() ? "-" : String.join(", ", results),
                        text(l, "margin"));
            }
            out.append(locations);
        }
        return Text.fit(out.toString(), "  ");
    }
}
