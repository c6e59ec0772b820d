package dev.failover.ctl.render;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A switch's signed report (GET /groups/{g}/decisions/{d}/report) as Markdown a person reads and a wiki or
 * GitHub renders: the stages with their times (RTO) and the data tier's loss exposure (RPO), a timeline picture (a
 * Mermaid Gantt chart), the rule path, the health per location at the decision, the actuation steps and when each
 * location's resolvers saw it.
 */
public final class ReportView {

    private ReportView() {
    }

    public static String markdown(JsonNode document) {
        JsonNode r = document.path("report");
        JsonNode d = r.path("decision");
        JsonNode observed = r.path("observed");
        JsonNode stages = r.path("stages");
        StringBuilder out = new StringBuilder();
        out.append("# ").append(title(d.path("kind").asText())).append(" report: group ").append(text(r, "group"))
                .append(", decision ").append(text(d, "decisionId")).append("\n\n");
        out.append(text(d, "kind")).append(' ').append(text(d, "fromTarget")).append(" → ").append(text(d, "toTarget"))
                .append(" at ").append(text(d, "issuedAt")).append(" (epoch ").append(text(d, "epoch")).append(") by ")
                .append(text(d, "principal")).append(": ").append(cell(text(d, "reason"))).append("\n\n");
        JsonNode signature = document.path("signature");
        out.append("Signed by the decision-service's key `").append(text(signature, "keyId")).append("` (Ed25519) at ")
                .append(text(r, "generatedAt")).append(" by ").append(text(r, "generatedBy"))
                .append("; check it with `failoverctl report verify FILE --trusted-keys DIR` on the JSON (`-o json`).\n\n");

        out.append("## Stages\n\n| stage | time |\n|---|---|\n");
        if (!observed.path("failedAt").isMissingNode()) {
            out.append("| failure: the first failing probe still failing at the decision | ")
                    .append(text(observed, "failedAt"))
                    .append(" |\n");
        }
        row(out, "failure → decided (detection)", stages.path("failureToDecided"));
        row(out, "decided → served (the record reads back the target)", stages.path("decidedToServed"));
        row(out, "served → observed by the quorum of locations' resolvers", stages.path("servedToObserved"));
        row(out, "**failure → observed: the failover as clients see it**", stages.path("failureToObserved"));
        row(out, "decided → complete (every step done)", stages.path("decidedToComplete"));
        JsonNode database = r.path("database");
        out.append("| data loss exposure (RPO) | ").append(database.isEmpty() ? "no data tier step"
                : cell(String.join("; ", details(database)))).append(" |\n\n");

        out.append(timeline(r));

        JsonNode explanation = r.path("explanation");
        out.append("## Why: the rule path\n\n");
        if (explanation.isMissingNode()) {
            out.append("The decision's explanation is no longer kept.\n\n");
        } else {
            out.append(cell(text(explanation, "summary"))).append("\n\n| rule | result | detail |\n|---|---|---|\n");
            for (JsonNode rule : explanation.path("rules")) {
                out.append("| ").append(text(rule, "rule")).append(" | ").append(text(rule, "result")).append(" | ")
                        .append(cell(text(rule, "detail"))).append(" |\n");
            }
            out.append("\n## Health per location at the decision\n\n");
            Set<String> locations = new LinkedHashSet<>();
            explanation.path("targets")
                    .forEach(t -> t.path("locations").forEach(l -> locations.add(l.path("location").asText())));
            out.append("| target | health |");
            locations.forEach(l -> out.append(' ').append(l).append(" |"));
            out.append("\n|---|---|").append("---|".repeat(locations.size())).append('\n');
            for (JsonNode t : explanation.path("targets")) {
                out.append("| ").append(text(t, "target")).append(" | ").append(text(t, "health")).append(" |");
                for (String location : locations) {
                    String cell = "-";
                    for (JsonNode l : t.path("locations")) {
                        if (location.equals(l.path("location").asText())) {
                            cell = text(l, "verdict") + " (" + l.path("consecutiveFailures").asInt() + " failed, "
                                    + l.path("consecutiveSuccesses").asInt() + " ok; " + l.path("results").size()
                                    + " results)";
                        }
                    }
                    out.append(' ').append(cell).append(" |");
                }
                out.append('\n');
            }
            out.append(
                    "\nEach result's Kafka partition and offset are in the JSON (`explanation.targets[].locations[].results`).\n\n");
        }

        out.append("## Actuation steps\n\n");
        if (r.path("actuations").isEmpty()) {
            out.append("None reported (or no longer kept).\n\n");
        } else {
            out.append("| at | step | status | provider | detail |\n|---|---|---|---|---|\n");
            for (JsonNode a : r.path("actuations")) {
                out.append("| ").append(text(a, "at")).append(" | ").append(text(a, "step")).append(" | ")
                        .append(text(a, "status")).append(" | ").append(text(a, "provider")).append(" | ")
                        .append(cell(text(a, "detail"))).append(" |\n");
            }
            out.append('\n');
        }

        out.append(LaneViews.reportSection(r));

        out.append("## Seen by clients\n\n");
        if (observed.path("observedAt").isMissingNode()) {
            out.append("Not observed: not the group's latest switch, or the topology names no observers.\n\n");
        } else {
            Instant decided = Instant.parse(d.path("issuedAt").asText());
            out.append("| location | every resolver answers ").append(text(d, "toTarget"))
                    .append(" since | after the decision |\n|---|---|---|\n");
            observed.path("observedAt").properties().forEach(e -> out.append("| ").append(e.getKey()).append(" | ")
                    .append(e.getValue().asText()).append(" | ")
                    .append(seconds(Duration.between(decided, Instant.parse(e.getValue().asText())).toMillis()))
                    .append(" |\n"));
            out.append("\nObserved by ").append(observed.path("observedAt").size()).append(" of ")
                    .append(observed.path("of").asInt())
                    .append(" locations; the quorum (").append(observed.path("need").asInt()).append(") at ")
                    .append(text(observed, "quorumAt")).append(".\n\n");
            out.append(ObservedProviders.reportTable(observed, text(d, "toTarget"), decided));
        }
        JsonNode drill = r.path("drill");
        if (!drill.isMissingNode()) {
            out.append("## Drill\n\nOn ").append(text(drill, "target")).append(" from ")
                    .append(text(drill, "startedAt"))
                    .append(" to ").append(text(drill, "endedAt")).append(": ").append(cell(text(drill, "outcome")))
                    .append(drill.path("recoveryMillis").isMissingNode() ? "" : "; switch verified "
                            + seconds(drill.path("recoveryMillis").asLong()) + " after its decision")
                    .append(".\n");
        }
        return out.toString();
    }

    /** A Mermaid Gantt chart of the switch: the plane's stages, the actuator's steps, each location's resolvers. */
    static String timeline(JsonNode r) {
        JsonNode d = r.path("decision");
        JsonNode observed = r.path("observed");
        long decided = millis(d.path("issuedAt"));
        List<String> lines = new ArrayList<>();
        lines.add("```mermaid");
        lines.add("gantt");
        lines.add("  title " + text(d, "kind") + " " + text(d, "fromTarget") + " to " + text(d, "toTarget"));
        lines.add("  dateFormat x");
        lines.add("  axisFormat %H:%M:%S");
        lines.add("  section plane");
        if (!observed.path("failedAt").isMissingNode()) {
            lines.add("  detection : " + millis(observed.path("failedAt")) + ", " + decided);
        }
        long served = observed.path("servedAt").isMissingNode() ? -1 : millis(observed.path("servedAt"));
        if (served >= 0) {
            lines.add("  to converged : " + decided + ", " + Math.max(served, decided + 1));
        }
        long previous = decided;
        if (!r.path("actuations").isEmpty()) {
            lines.add("  section actuator");
            for (JsonNode a : r.path("actuations")) {
                long at = millis(a.path("at"));
                lines.add("  " + text(a, "step") + " " + text(a, "status") + " : " + previous + ", "
                        + Math.max(at, previous + 1));
                previous = Math.max(previous, at);
            }
        }
        if (!observed.path("observedAt").isMissingNode()) {
            lines.add("  section clients");
            observed.path("observedAt").properties().forEach(e -> lines.add("  " + e.getKey() + " resolvers : "
                    + decided + ", " + Math.max(millis(e.getValue()), decided + 1)));
            lines.addAll(ObservedProviders.timeline(observed, decided));
        }
        lines.add("```");
        return "## Timeline\n\n" + String.join("\n", lines) + "\n\n";
    }

    private static List<String> details(JsonNode steps) {
        List<String> out = new ArrayList<>();
        steps.forEach(s -> out.add(text(s, "step") + " " + text(s, "status") + ": " + text(s, "detail")));
        return out;
    }

    private static void row(StringBuilder out, String stage, JsonNode millis) {
        if (!millis.isMissingNode() && !millis.isNull()) {
            out.append("| ").append(stage).append(" | ").append(seconds(millis.asLong())).append(" |\n");
        }
    }

    private static long millis(JsonNode instant) {
        return Instant.parse(instant.asText()).toEpochMilli();
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f s", millis / 1000.0);
    }

    private static String title(String kind) {
        return switch (kind) {
            case "FAILOVER", "LAST_RESORT" -> "Failover";
            case "FAILBACK" -> "Failback";
            case "SWITCHOVER" -> "Switchover";
            case "DRILL_START", "DRILL_END", "DRILL_ABORT" -> "Drill";
            default -> "Switch";
        };
    }

    private static String text(JsonNode node, String field) {
        return Views.text(node, field);
    }

    /** A table cell: no line breaks, no column separator. */
    private static String cell(String text) {
        return text.replace("\n", " ").replace("|", "\\|");
    }
}
