package dev.failover.contract.whatif;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.failover.contract.whatif.WhatIfReport.Difference;
import dev.failover.contract.whatif.WhatIfReport.GroupComparison;
import dev.failover.contract.whatif.WhatIfReport.Incident;
import dev.failover.contract.whatif.WhatIfReport.PolicySummary;
import dev.failover.contract.whatif.WhatIfReport.SwitchEntry;

/**
 * A what-if for people: per group the changed settings, a table of both policies side by side, the incidents with each
 * policy's detection time, and the switches only one policy makes with the rule path that made them. The one text form
 * of a {@link WhatIfReport}, printed by {@code failoverctl whatif} and by {@code scripts/replay.sh} alike.
 */
public final class WhatIfText {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private WhatIfText() {
    }

    public static String render(WhatIfReport report) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "What-if over %d recorded results, %s to %s UTC%n", report.results(),
                time(report.from()), time(report.to())));
        for (GroupComparison g : report.groups()) {
            out.append(String.format(Locale.ROOT, "%nGroup %s: %s%n", g.group(),
                    g.changes().isEmpty() ? "no setting differs" : String.join("; ", g.changes())));
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] { "", "current", "proposed" });
            rows.add(row("switches", g.current().switches(), g.proposed().switches()));
            rows.add(row("failovers", g.current().failovers(), g.proposed().failovers()));
            rows.add(row("false failovers (old target up within " + report.recoveredWithin() + " s)",
                    g.current().falseFailovers(),
                    g.proposed().falseFailovers()));
            rows.add(row("flaps held", g.current().flapHolds(), g.proposed().flapHolds()));
            rows.add(row("holds (any rule)", g.current().holds(), g.proposed().holds()));
            rows.add(new String[] { "incidents of the active target failed over", detected(g.current()),
                    detected(g.proposed()) });
            rows.add(new String[] { "detection, median", seconds(g.current().medianDetectionMs()),
                    seconds(g.proposed().medianDetectionMs()) });
            rows.add(new String[] { "detection, worst", seconds(g.current().worstDetectionMs()),
                    seconds(g.proposed().worstDetectionMs()) });
            table(out, rows);
            if (!g.incidents().isEmpty()) {
                out.append(String.format(Locale.ROOT,
                        "  Incidents (a majority of locations saw the target down; %d shorter blips not listed):%n",
                        g.blips()));
                List<String[]> incidents = new ArrayList<>();
                incidents.add(new String[] { "start", "seconds", "target", "current", "proposed" });
                for (Incident i : g.incidents()) {
                    incidents.add(new String[] { time(i.start()),
                            String.format(Locale.ROOT, "%.0f",
                                    (i.end().toEpochMilli() - i.start().toEpochMilli()) / 1000.0),
                            i.target(),
                            detection(i.activeUnderCurrent(), i.currentDetectionMs()),
                            detection(i.activeUnderProposed(), i.proposedDetectionMs()) });
                }
                table(out, incidents);
            }
            if (g.differences().isEmpty()) {
                out.append("  Both policies make the same switches.\n");
            }
            for (Difference d : g.differences()) {
                SwitchEntry s = d.decision();
                out.append(String.format(Locale.ROOT, "  only %s: %s %s %s -> %s%s%n      rule path: %s%n",
                        d.onlyIn().name().toLowerCase(Locale.ROOT), time(s.at()), s.kind(), s.from(), s.to(),
                        s.falseFailover() ? " (false failover)" : "", String.join(" > ", s.rulePath())));
            }
        }
        out.append("\nLimits:\n");
        report.limits().forEach(l -> out.append("  - ").append(l).append('\n'));
        return out.toString();
    }

    private static String[] row(String label, int current, int proposed) {
        return new String[] { label, String.valueOf(current), String.valueOf(proposed) };
    }

    private static String detected(PolicySummary p) {
        return p.detectedIncidents() + " of " + p.activeIncidents();
    }

    private static String detection(boolean active, Long ms) {
        return ms != null ? seconds(ms) : active ? "not switched" : "not active";
    }

    private static String seconds(Long ms) {
        return ms == null ? "-" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String time(Instant at) {
        return at == null ? "-" : TIME.format(at);
    }

    private static void table(StringBuilder out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < r.length; i++) {
                line.append(i == 0 ? pad(r[i], widths[i]) : "  " + padLeft(r[i], widths[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static String padLeft(String s, int width) {
        return " ".repeat(width - s.length()) + s;
    }
}
