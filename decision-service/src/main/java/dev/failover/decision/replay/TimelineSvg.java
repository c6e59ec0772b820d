package dev.failover.decision.replay;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.whatif.WhatIfReport;
import dev.failover.contract.whatif.WhatIfReport.GroupComparison;
import dev.failover.contract.whatif.WhatIfReport.SwitchEntry;

/**
 * The what-if as a picture: per group, a row of health per target and location (green up, red down, grey no result),
 * and one row of switches per policy (a triangle per switch, hollow and marked when it
 * was a false failover), on one time axis. Plain SVG with no script, deterministic for the same report. A row is drawn
 * one pixel column at a time: a column with any DOWN result is red, so a flap shorter than a pixel still shows.
 */
final class TimelineSvg {

    static final int WIDTH = 1000;
    private static final int LEFT = 210;
    private static final int ROW = 16;
    private static final String UP = "#2e9d4a";
    private static final String DOWN = "#d43c3c";
    private static final String NONE = "#d9d9d9";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private TimelineSvg() {
    }

    static String render(WhatIfReport report, RecordedHealth health) {
        StringBuilder body = new StringBuilder();
        int y = 24;
        Instant from = report.from();
        Instant to = report.to();
        if (from == null || !to.isAfter(from)) {
            body.append(text(LEFT, y, "no recorded results in the window", "start"));
            return svg(body, y + 10);
        }
        long spanMs = Duration.between(from, to).toMillis();
        body.append(text(LEFT, y, TIME.format(from) + " UTC", "start"));
        body.append(text(LEFT + WIDTH, y, TIME.format(to) + " UTC", "end"));
        y += 10;
        for (GroupComparison group : report.groups()) {
            y += 18;
            body.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-weight=\"bold\">%s</text>%n", y,
                    escape(group.group()
                            + (group.changes().isEmpty() ? "" : "  (" + String.join("; ", group.changes()) + ")"))));
            y += 6;
            for (String target : health.targets().getOrDefault(group.group(), List.of())) {
                for (Map.Entry<String, List<RecordedHealth.Span>> location : health.locations(group.group(), target)
                        .entrySet()) {
                    y = row(body, y, target + " @ " + location.getKey(), location.getValue(), from, spanMs);
                }
            }
            y = switches(body, y, "current policy", group.current().decisions(), from, spanMs);
            y = switches(body, y, "proposed policy", group.proposed().decisions(), from, spanMs);
        }
        y += 38;
        body.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%s<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%s"
                        + "<path d=\"M%d %d l5 -10 l5 10 z\" fill=\"#333\"/>%s<path d=\"M%d %d l5 -10 l5 10 z\" fill=\"none\" stroke=\"%s\"/>%s%n",
                LEFT, y - 10, UP, text(LEFT + 14, y, "up", "start"), LEFT + 50, y - 10, DOWN,
                text(LEFT + 64, y, "down", "start"),
                LEFT + 120, y, text(LEFT + 134, y, "switch", "start"), LEFT + 200, y, DOWN,
                text(LEFT + 214, y, "false failover (old target serving within " + report.recoveredWithin() + " s)",
                        "start")));
        return svg(body, y + 10);
    }

    private static int row(StringBuilder body, int y, String label, List<RecordedHealth.Span> spans, Instant from,
            long spanMs) {
        y += ROW;
        body.append(text(LEFT - 6, y + 10, label, "end"));
        String[] columns = new String[WIDTH];
        for (RecordedHealth.Span s : spans) {
            int a = x(s.start(), from, spanMs);
            int b = Math.max(a, x(s.end(), from, spanMs));
            for (int c = a; c <= Math.min(b, WIDTH - 1); c++) {
                if (s.outcome() == ProbeOutcome.DOWN || columns[c] == null) {
                    columns[c] = s.outcome() == ProbeOutcome.DOWN ? DOWN : UP;
                }
            }
        }
        int start = 0;
        for (int c = 1; c <= WIDTH; c++) {
            if (c == WIDTH || !String.valueOf(columns[c]).equals(String.valueOf(columns[start]))) {
                body.append(
                        String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                                LEFT + start, y, c - start, ROW - 3, columns[start] == null ? NONE : columns[start]));
                start = c;
            }
        }
        return y;
    }

    private static int switches(StringBuilder body, int y, String label, List<SwitchEntry> switches, Instant from,
            long spanMs) {
        y += ROW + 4;
        body.append(text(LEFT - 6, y + 10, label, "end"));
        body.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>%n",
                LEFT, y + 12,
                LEFT + WIDTH, y + 12));
        for (SwitchEntry s : switches) {
            int x = LEFT + x(s.at(), from, spanMs);
            body.append(String.format(Locale.ROOT, "<path d=\"M%d %d l5 -10 l5 10 z\" %s><title>%s</title></path>%n",
                    x - 5, y + 12,
                    s.falseFailover() ? "fill=\"none\" stroke=\"" + DOWN + "\" stroke-width=\"2\"" : "fill=\"#333\"",
                    escape(TIME.format(s.at()) + " " + s.kind() + " " + s.from() + " -> " + s.to()
                            + (s.falseFailover() ? " (false failover)" : ""))));
        }
        return y;
    }

    private static int x(Instant at, Instant from, long spanMs) {
        long offset = Duration.between(from, at).toMillis();
        return (int) Math.max(0, Math.min(WIDTH - 1, offset * (WIDTH - 1) / Math.max(1, spanMs)));
    }

    private static String text(int x, int y, String text, String anchor) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text>%n", x, y, anchor,
                escape(text));
    }

    private static String svg(StringBuilder body, int height) {
        return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n%s</svg>%n",
                LEFT + WIDTH + 10, height, body);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
