package dev.failover.ctl.render;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A group's provider lanes (ADR 0036, "What the status shows"): one line in status, a table in a switch's report. A group
 * of one provider has none, and shows nothing of them.
 */
final class LaneViews {

    private LaneViews() {
    }

    /**
     * "r53 SERVED 2.3 s · bind SERVED 0.4 s · knot CONVERGING attempt 31: cannot reach 192.0.2.53:53": a lane served
     * with the time from the decision to its serving, any other with what the actuator said (else that time too); null
     * when the group's serving part has no lanes.
     */
    static String providers(JsonNode g) {
        JsonNode serving = g.path("serving");
        JsonNode lanes = serving.path("lanes");
        if (!lanes.isArray() || lanes.isEmpty()) {
            return null;
        }
        Instant decided = decidedAt(g, Views.text(serving, "decisionId"));
        List<String> parts = new ArrayList<>();
        for (JsonNode lane : lanes) {
            String state = Views.text(lane, "state");
            String detail = Views.text(lane, "detail");
            String seconds = seconds(decided, lane.path("since"));
            String after = !state.equals("SERVED") && !detail.equals("-") ? detail : seconds;
            parts.add(Views.text(lane, "lane") + " " + state + (after == null ? "" : " " + after));
        }
        return String.join(" · ", parts);
    }

    /** When decision {@code decisionId} was taken, from the group's recent decisions or its check; null if not known. */
    private static Instant decidedAt(JsonNode g, String decisionId) {
        for (JsonNode d : g.path("recentDecisions")) {
            if (decisionId.equals(Views.text(d, "decisionId"))) {
                return instant(d.path("issuedAt"));
            }
        }
        JsonNode check = g.path("decidedVsServed");
        return decisionId.equals(Views.text(check, "decided")) ? instant(check.path("decidedAt")) : null;
    }

    /** "2.3 s" from {@code decided} to {@code at}; null when either is not known. */
    private static String seconds(Instant decided, JsonNode at) {
        Instant reached = instant(at);
        return decided == null || reached == null ? null
                : String.format(Locale.ROOT, "%.1f s", Duration.between(decided, reached).toMillis() / 1000.0);
    }

    private static Instant instant(JsonNode node) {
        try {
            return node.isTextual() ? Instant.parse(node.asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The report's "Providers" section: a row per lane; empty when the switch had one provider. */
    static String reportSection(JsonNode r) {
        JsonNode lanes = r.path("lanes");
        if (!lanes.isArray() || lanes.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(
                "## Providers\n\n| provider | kind | end state | decided → served | results |\n"
                        + "|---|---|---|---|---|\n");
        for (JsonNode lane : lanes) {
            JsonNode served = lane.path("decidedToServed");
            out.append("| ").append(Views.text(lane, "lane")).append(" | ").append(Views.text(lane, "kind"))
                    .append(" | ")
                    .append(Views.text(lane, "state")).append(" | ")
                    .append(served.isNumber() ? ReportView.seconds(served.asLong()) : "-").append(" | ")
                    .append(lane.path("results").asInt()).append(" |\n");
        }
        return out.append('\n').toString();
    }
}
