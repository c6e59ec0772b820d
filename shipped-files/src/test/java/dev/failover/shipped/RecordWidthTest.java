package dev.failover.shipped;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record of main code has at most ten components: a wider one grows by copies of every component (a new flag changed
 * dozens of lines of {@code Progress} once) and by calls with bare positional values. Grouped by concern instead
 * (sub-records, a set of milestones), a new part is one line. The records below are wider for a reason that is theirs
 * to keep, each at its width today, so that none of them grows either.
 */
class RecordWidthTest {

    static final int MOST = 10;

    /** The wider records, at their width: the reason, then the record. */
    static final Map<String, Integer> WIDER = Map.ofEntries(
            // the events on the topics: their JSON is a format kept per release (ADR 0024), not reshaped
            Map.entry("ProbeResult", 18), Map.entry("Decision", 12), Map.entry("ActuationResult", 12),
            // the topology file's keys, as the file and its schema have them
            Map.entry("HttpProbe", 14), Map.entry("FailoverGroup", 11),
            // JSON of the APIs (their OpenAPI documents are published): a field each
            Map.entry("GroupView", 21), Map.entry("GroupSnapshot", 21), Map.entry("GroupStatusView", 16),
            Map.entry("SwitchReport", 11), Map.entry("Explanation", 13),
            // resolved configuration: one component per setting group, checked at start
            Map.entry("ProbeSettings", 13), Map.entry("ActuatorSettings", 11),
            // the decision core's evidence of one target, what the rule chain reads
            Map.entry("OfTarget", 15));

    static final Pattern RECORD = Pattern.compile("\\brecord\\s+(\\w+)\\s*(<(?:[^<>]|<[^<>]*>)*>)?\\s*\\(");

    @Test
    void noRecordOfMainCodeIsWiderThanTen() {
        Map<String, Integer> wide = new TreeMap<>();
        try (Stream<Path> modules = Files.list(Repository.ROOT)) {
            modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).forEach(main -> wide.putAll(wide(main)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        wide.entrySet().removeIf(e -> e.getValue() <= WIDER.getOrDefault(e.getKey(), MOST));
        assertThat(wide).as("records of main code wider than " + MOST + " components (or than their width in WIDER)")
                .isEmpty();
    }

    /** The counter finds what it is for: generics and annotations with commas count as one component. */
    @Test
    void theCounterCountsComponents(@TempDir Path main) throws IOException {
        Files.writeString(main.resolve("A.java"), """
                record Narrow(int a, Map<String, List<Integer>> b) {}
                public record Wide<T extends Comparable<T>>(@Size(min = 1, max = 2) String a, int b, int c, int d,
                        int e, int f, int g, int h, int i, int j, T k) implements X {
                    record Inner() {}
                }
                """);
        assertThat(wide(main)).isEqualTo(Map.of("Narrow", 2, "Wide", 11, "Inner", 0));
    }

    /** Every record declared under {@code main}, by name, with its count of components. */
    static Map<String, Integer> wide(Path main) {
        Map<String, Integer> widths = new TreeMap<>();
        try (Stream<Path> files = Files.walk(main)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
                String source = read(file);
                Matcher record = RECORD.matcher(source);
                while (record.find()) {
                    widths.merge(record.group(1), components(source, record.end()), Math::max);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return widths;
    }

    /** The components of the header that starts at {@code from}: commas outside brackets, up to its closing one. */
    static int components(String source, int from) {
        int depth = 0;
        int commas = 0;
        boolean any = false;
        for (int i = from; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '(' || c == '<' || c == '{' || c == '[') {
                depth++;
            } else if ((c == ')' || c == '>' || c == '}' || c == ']') && depth > 0) {
                depth--;
            } else if (c == ')') {
                return any ? commas + 1 : 0;
            } else if (c == ',' && depth == 0) {
                commas++;
            }
            any |= !Character.isWhitespace(c);
        }
        throw new IllegalStateException("a record header that does not end");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
