package dev.failover.ctl.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Left-aligned columns separated by two spaces, wide enough for their longest cell, the last column not padded; a table
 * wider than {@link Text#WIDTH} narrows its widest columns and wraps their cells onto more lines.
 */
public final class Table {

    /** A column is not narrowed below this. */
    private static final int MIN_WIDTH = 12;

    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        rows.add(List.of(header));
    }

    public Table row(String... cells) {
        rows.add(List.of(cells));
        return this;
    }

    public boolean isEmpty() {
        return rows.size() == 1;
    }

    @Override
    public String toString() {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        narrow(width);
        StringBuilder text = new StringBuilder();
        for (List<String> row : rows) {
            List<List<String>> cells = new ArrayList<>();
            int height = 1;
            for (int c = 0; c < row.size(); c++) {
                List<String> pieces = Text.lines(row.get(c), width[c], "");
                cells.add(pieces);
                height = Math.max(height, pieces.size());
            }
            for (int l = 0; l < height; l++) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < row.size(); c++) {
                    String piece = l < cells.get(c).size() ? cells.get(c).get(l) : "";
                    line.append(c == row.size() - 1 ? piece : String.format("%-" + width[c] + "s  ", piece));
                }
                text.append(line.toString().stripTrailing()).append('\n');
            }
        }
        return text.toString();
    }

    /** Takes the excess over the terminal width from the widest columns first. */
    private static void narrow(int[] width) {
        while (true) {
            int total = 2 * Math.max(0, width.length - 1);
            int widest = 0;
            for (int c = 0; c < width.length; c++) {
                total += width[c];
                widest = width[c] > width[widest] ? c : widest;
            }
            int excess = total - Text.WIDTH;
            if (excess <= 0 || width.length == 0 || width[widest] <= MIN_WIDTH) {
                return;
            }
            int second = 0;
            for (int c = 0; c < width.length; c++) {
                second = c != widest ? Math.max(second, width[c]) : second;
            }
            width[widest] = Math.max(MIN_WIDTH, Math.max(second, width[widest] - excess));
            if (width[widest] == second && excess > 0 && second > MIN_WIDTH) {
                width[widest] = Math.max(MIN_WIDTH, width[widest] - 1);
            }
        }
    }
}
