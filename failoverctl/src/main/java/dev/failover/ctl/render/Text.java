package dev.failover.ctl.render;

import java.util.ArrayList;
import java.util.List;

/** Lines that fit a terminal: everything failoverctl prints for people stays within {@link #WIDTH} columns. */
public final class Text {

    /** The widest line printed for people (explain once printed lines of about 210 columns). */
    public static final int WIDTH = 120;

    private Text() {
    }

    /**
     * Wraps one line at spaces, after a comma when one is late enough in the line (a word longer than the width is cut) so that no line is wider than {@code width};
     * continuation lines start with {@code indent}.
     */
    public static String wrap(String line, int width, String indent) {
        return String.join("\n", lines(line, width, indent));
    }

    /** Every line of a text wrapped to {@link #WIDTH}, continuations indented by {@code indent}; ends with a newline. */
    public static String fit(String text, String indent) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            out.append(wrap(line, WIDTH, indent)).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    /** The pieces of one line, each at most {@code width} columns, continuations starting with {@code indent}. */
    static List<String> lines(String line, int width, String indent) {
        List<String> lines = new ArrayList<>();
        String rest = line;
        String prefix = "";
        while (prefix.length() + rest.length() > width) {
            int room = Math.max(1, width - prefix.length());
            int comma = rest.lastIndexOf(", ", room - 1); // keep list items whole: "DOWN 10:00:03@1:42, DOWN ..."
            int cut = comma >= room / 2 ? comma + 1 : rest.lastIndexOf(' ', room);
            if (cut <= 0) {
                cut = room;
            }
            lines.add((prefix + rest.substring(0, cut)).stripTrailing());
            rest = rest.substring(cut).stripLeading();
            prefix = indent.length() < width / 2 ? indent : "";
        }
        lines.add(prefix + rest);
        return lines;
    }
}
