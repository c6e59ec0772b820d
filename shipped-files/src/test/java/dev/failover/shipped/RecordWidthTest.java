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

    /** The wider records, at their width, by file and name: the reason, then the record. */
    static final Map<String, Integer> WIDER = Map.ofEntries(
            // the events on the topics: their JSON is a format kept per release (ADR 0024), not reshaped
            Map.entry("ProbeResult.java:ProbeResult", 18), Map.entry("Decision.java:Decision", 12),
            Map.entry("ActuationResult.java:ActuationResult", 12),
            // the topology file's keys, as the file and its schema have them
            Map.entry("HttpProbe.java:HttpProbe", 14), Map.entry("FailoverGroup.java:FailoverGroup", 11),
            // JSON of the APIs (their OpenAPI documents are published): a field each
            Map.entry("GroupView.java:GroupView", 21), Map.entry("GroupSnapshot.java:GroupSnapshot", 21),
            Map.entry("GroupsResource.java:GroupStatusView", 16), Map.entry("SwitchReport.java:SwitchReport", 12),
            Map.entry("Explanation.java:Explanation", 13),
            // the decision-service's stored state: a group's snapshot, its JSON kept per release (ADR 0024)
            Map.entry("ObservedSwitch.java:ObservedSwitch", 11),
            // resolved configuration: one component per setting group, checked at start
            Map.entry("ProbeSettings.java:ProbeSettings", 13),
            // the decision core's evidence of one target, what the rule chain reads
            Map.entry("Evidence.java:OfTarget", 15));

    /** A record's name and where its header starts: after its type parameters, however deep they nest. */
    static final Pattern RECORD = Pattern.compile("\\brecord\\s+(\\w+)\\s*(?=[<(])");

    @Test
    void noRecordOfMainCodeIsWiderThanTen() {
        Map<String, Integer> wide = new TreeMap<>();
        Repository.mainSources().forEach(main -> wide.putAll(wide(main)));
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
                record Quoted(@Schema(description = "a > b, (c)") String a, char d) {}
                record Deep<T extends Map<String, List<Set<Integer>>>>(T a, int b, int c) {}
                """);
        assertThat(wide(main)).isEqualTo(Map.of("A.java:Narrow", 2, "A.java:Wide", 11, "A.java:Inner", 0,
                "A.java:Quoted", 2, "A.java:Deep", 3));
    }

    /** Every record declared under {@code main}, by file and name, with its count of components. */
    static Map<String, Integer> wide(Path main) {
        Map<String, Integer> widths = new TreeMap<>();
        try (Stream<Path> files = Files.walk(main)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
                String source = read(file);
                Matcher record = RECORD.matcher(source);
                while (record.find()) {
                    int header = headerStart(source, record.end());
                    if (header >= 0) {
                        widths.merge(file.getFileName() + ":" + record.group(1), components(source, header),
                                Math::max);
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return widths;
    }

    /** Where the header's components start: past the type parameters (balanced angle brackets) and the "(". */
    static int headerStart(String source, int from) {
        int i = from;
        if (source.charAt(i) == '<') {
            int depth = 0;
            do {
                char c = source.charAt(i++);
                depth += c == '<' ? 1 : c == '>' ? -1 : 0;
            } while (depth > 0 && i < source.length());
            while (i < source.length() && Character.isWhitespace(source.charAt(i))) {
                i++;
            }
        }
        return i < source.length() && source.charAt(i) == '(' ? i + 1 : -1;
    }

    /**
     * The components of the header that starts at {@code from}: commas outside brackets and outside string and character
     * literals (an annotation's text may hold any of them), up to its closing parenthesis.
     */
    static int components(String source, int from) {
        int depth = 0;
        int commas = 0;
        boolean any = false;
        for (int i = from; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '"' || c == '\'') {
                i = literalEnd(source, i);
                any = true;
                continue;
            }
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

    /** The index of the quote that closes the literal opened at {@code open}. */
    private static int literalEnd(String source, int open) {
        char quote = source.charAt(open);
        for (int i = open + 1; i < source.length(); i++) {
            if (source.charAt(i) == '\\') {
                i++;
            } else if (source.charAt(i) == quote) {
                return i;
            }
        }
        throw new IllegalStateException("a literal that does not end");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
