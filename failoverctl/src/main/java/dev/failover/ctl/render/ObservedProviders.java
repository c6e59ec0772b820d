package dev.failover.ctl.render;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A switch as each DNS provider's servers answer it (ADR 0036, "Observed convergence per provider"): one line in status,
 * a table in a switch's report. A switch no provider's server observes has no {@code providers}, and shows nothing of
 * them.
 */
final class ObservedProviders {

    private ObservedProviders() {
    }

    /**
     * "bind +6.0 s · knot not yet": each provider with when all its servers answered the target, from the failure (or the
     * decision, for a switch without one) as the switch's other marks are; null without providers.
     */
    static String line(JsonNode lastSwitch) {
        JsonNode providers = lastSwitch.path("providers");
        if (!providers.isObject() || providers.isEmpty()) {
            return null;
        }
        Instant origin = instant(
                lastSwitch.path(lastSwitch.path("failedAt").isMissingNode() ? "decidedAt" : "failedAt"));
        List<String> parts = new ArrayList<>();
        providers.properties().forEach(e -> {
            Instant at = instant(e.getValue());
            parts.add(e.getKey() + (at == null ? " not yet" : origin == null ? " at " + at
                    : String.format(Locale.ROOT, " %+.1f s", Duration.between(origin, at).toMillis() / 1000.0)));
        });
        return String.join(" · ", parts);
    }

    /** The report's table of providers' servers, after the locations'; empty without providers. */
    static String reportTable(JsonNode observed, String target, Instant decided) {
        JsonNode providers = observed.path("providers");
        if (!providers.isObject() || providers.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("| provider | every server answers ").append(target)
                .append(" since | after the decision |\n|---|---|---|\n");
        providers.properties().forEach(e -> {
            Instant at = instant(e.getValue());
            out.append("| ").append(e.getKey()).append(" | ").append(at == null ? "not yet" : at.toString())
                    .append(" | ")
                    .append(at == null ? "-" : ReportView.seconds(Duration.between(decided, at).toMillis()))
                    .append(" |\n");
        });
        return out.append("\nA provider's servers are no clients' resolvers: they count towards no location.\n\n")
                .toString();
    }

    /** The timeline's section: a bar per provider whose servers all answered the target; none without one. */
    static List<String> timeline(JsonNode observed, long decided) {
        List<String> rows = new ArrayList<>();
        observed.path("providers").properties().forEach(e -> {
            Instant at = instant(e.getValue());
            if (at != null) {
                rows.add("  " + e.getKey() + " servers : " + decided + ", " + Math.max(at.toEpochMilli(), decided + 1));
            }
        });
        if (!rows.isEmpty()) {
            rows.add(0, "  section provider servers");
        }
        return rows;
    }

    private static Instant instant(JsonNode node) {
        try {
            return node.isTextual() ? Instant.parse(node.asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
