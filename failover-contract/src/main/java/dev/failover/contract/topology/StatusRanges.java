package dev.failover.contract.topology;

import java.util.ArrayList;
import java.util.List;

/** A set of accepted HTTP statuses written as "200" or "200-299". */
public record StatusRanges(List<int[]> ranges) {

    public static StatusRanges parse(List<String> specs) {
        List<int[]> ranges = new ArrayList<>();
        for (String spec : specs) {
            ranges.add(parseOne(spec));
        }
        return new StatusRanges(List.copyOf(ranges));
    }

    /** @throws IllegalArgumentException with a message fit for a validation error */
    static int[] parseOne(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("must be a status like 200 or a range like 200-299");
        }
        String s = spec.trim();
        int dash = s.indexOf('-');
        try {
            int low = Integer.parseInt(dash < 0 ? s : s.substring(0, dash).trim());
            int high = dash < 0 ? low : Integer.parseInt(s.substring(dash + 1).trim());
            if (low < 100 || high > 599 || low > high) {
                throw new IllegalArgumentException("'" + spec + "' is not a status or range within 100-599");
            }
            return new int[] { low, high };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + spec + "' is not a status like 200 or a range like 200-299");
        }
    }

    public boolean accepts(int status) {
        for (int[] r : ranges) {
            if (status >= r[0] && status <= r[1]) {
                return true;
            }
        }
        return false;
    }
}
