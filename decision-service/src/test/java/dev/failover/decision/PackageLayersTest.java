package dev.failover.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The decision-service's packages by part, imports only downward (ADR 0015): a package may name a class of a package
 * listed after it in {@link #LAYERS}, never one listed before it, so there is no cycle between them either. Scans the
 * main sources' text: imports, static imports and fully qualified names alike.
 */
class PackageLayersTest {

    static final String ROOT = "dev.failover.decision";
    static final Path SOURCES = Path.of("src/main/java", ROOT.split("\\."));

    /** Top first. A new package gets its place here, with its line in ADR 0015. */
    static final List<String> LAYERS = List.of(
            "startup", // builds the engine from the topology, native-image registrations
            "rest", // the override API
            "health", // readiness
            "drill", // scheduled drills, sent as commands
            "replay", // the core over a recorded stream, offline
            "input", // the one consumer of group inputs, its lanes, the ticker
            "view", // a group's view for any instance: live or from the state topic; per-group gauges
            "publication", // decisions, explanations and state out to Kafka
            "ownership", // which groups this instance decides, restored on assignment, revoked on rebalance
            "command", // an operator command: its message, its id, submitting it
            "store", // the state and explanation topics: records, codec, directory, loader, topic set-up
            "metrics", // counters and timers, clock gauges
            "signing", // the keys of signed control messages
            "config", // the typed configuration
            "domain"); // the decision core: plain Java

    private static final Pattern REFERENCE = Pattern.compile("\\b" + Pattern.quote(ROOT) + "\\.([a-z][a-z0-9]*)\\.[A-Z*]");

    @Test
    void everyPackageIsALayer() {
        assertThat(packages()).as("packages under " + SOURCES + " (each needs its place in LAYERS)")
                .isSubsetOf(LAYERS);
    }

    @Test
    void importsRunOnlyDownward() {
        Set<String> upward = new TreeSet<>();
        for (String from : packages()) {
            for (Path source : sources(SOURCES.resolve(from))) {
                Matcher m = REFERENCE.matcher(text(source));
                while (m.find()) {
                    String to = m.group(1);
                    if (!to.equals(from) && LAYERS.indexOf(to) <= LAYERS.indexOf(from)) {
                        upward.add(from + " -> " + to + " (" + SOURCES.relativize(source) + ")");
                    }
                }
            }
        }
        assertThat(upward).as("imports running upward or sideways up (a package may use only those listed after it)")
                .isEmpty();
    }

    static Set<String> packages() {
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> sources(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(Path source) {
        try {
            // the package declaration names the file's own package
            return Files.readString(source).replaceFirst("(?m)^package [^;]+;", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
