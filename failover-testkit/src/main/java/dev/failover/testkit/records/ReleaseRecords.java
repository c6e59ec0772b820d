package dev.failover.testkit.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.testkit.golden.GoldenFile;

/**
 * The records each release wrote, kept as files, and the checks that a build still reads them (CHANGELOG, "Upgrade
 * order"; docs/release.md).
 * <p>
 * A module keeps one directory per release under {@code src/test/resources/records/<version>/}, one file per record
 * type ({@code <name>.json}, the record's value as that release's code encoded it). The directory of the version being
 * built ({@code records.release}, set from the poms by Surefire) must equal what the code writes now ({@link GoldenFile});
 * it is written by running the module's records test with {@code -Dgolden.write=true}, and is frozen once the release is
 * tagged. Every
 * other directory is an earlier release, and every one of its records must be read by today's code without losing a
 * field: read, then written again, each value the old record held must still be there, unless the release's
 * {@code <name>.dropped} file names its path (one per line, with the reason after a {@code #}).
 */
public final class ReleaseRecords {

    /** System property with the version being built. */
    public static final String RELEASE_PROPERTY = "records.release";

    private final Path root;
    private final String current;
    private final boolean rewrite;

    private ReleaseRecords(Path root, String current, boolean rewrite) {
        this.root = root;
        this.current = current;
        this.rewrite = rewrite;
    }

    /** The records under a module's {@code src/test/resources/records}, for the version Surefire names. */
    public static ReleaseRecords ofThisModule() {
        String release = System.getProperty(RELEASE_PROPERTY);
        if (release == null || release.isBlank()) {
            throw new IllegalStateException("system property " + RELEASE_PROPERTY
                    + " is not set: the parent pom's Surefire configuration sets it to the project's version");
        }
        return new ReleaseRecords(Path.of("src/test/resources/records"), release, GoldenFile.rewriting());
    }

    /** For the checker's own tests: compares, never writes. */
    public static ReleaseRecords of(Path root, String current) {
        return new ReleaseRecords(root, current, false);
    }

    /**
     * The record {@code name} as the code of this release writes it must be the file kept for this release (or becomes
     * it, with {@code -Dgolden.write=true}): a change of format shows in review as a change of that file.
     */
    public void assertWritten(String name, String written) {
        GoldenFile.assertMatches(root.resolve(current).resolve(name + ".json"), GoldenFile.tree(written,
                "the record " + name + " written now"), rewrite,
                "the record " + name + " as release " + current
                        + " writes it; if the change is meant and the release is not tagged yet, name it in CHANGELOG.md");
    }

    /**
     * This release writes exactly these records ({@link #assertWritten} each), and keeps no file for a record it no
     * longer writes.
     */
    public void assertThisReleaseWrites(Map<String, String> written) {
        written.forEach(this::assertWritten);
        if (rewrite) {
            // a record no longer written leaves no stale file behind
            for (String stale : names(current)) {
                if (!written.containsKey(stale)) {
                    try {
                        Files.delete(root.resolve(current).resolve(stale + ".json"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        } else if (!names(current).equals(new TreeSet<>(written.keySet()))) {
            throw new AssertionError("the files kept for release " + current + " " + names(current)
                    + " are not the records written now " + new TreeSet<>(written.keySet()));
        }
    }

    /**
     * Every record every earlier release kept, read by today's code ({@code readerOf} the record's name: decode, then
     * encode again) without losing a value it held. A record name this build has no reader for (a kind, step or type
     * removed since) fails, naming it. Returns the releases checked, so that a test can say none was there. Releases
     * later than this one (a release branch's view of main) are not read.
     */
    public List<String> assertEarlierReleasesRead(Function<String, UnaryOperator<String>> readerOf) {
        List<String> checked = new ArrayList<>();
        for (String release : releases()) {
            if (compareVersions(release, current) >= 0) {
                continue;
            }
            for (String name : names(release)) {
                UnaryOperator<String> readThenWrite = readerOf.apply(name);
                if (readThenWrite == null) {
                    throw new AssertionError("release " + release + " kept the record " + name
                            + ", which this build has no"
                            + " reader for: a record type or value removed since, which an upgrade from " + release
                            + " would meet in its topics");
                }
                assertRead(release, name, readThenWrite);
            }
            checked.add(release);
        }
        return checked;
    }

    private void assertRead(String release, String name, UnaryOperator<String> readThenWrite) {
        Path file = root.resolve(release).resolve(name + ".json");
        String old = read(file);
        String again;
        try {
            again = readThenWrite.apply(old);
        } catch (RuntimeException e) {
            throw new AssertionError("release " + release + "'s record " + name + " cannot be read: " + e.getMessage(),
                    e);
        }
        Set<String> dropped = dropped(root.resolve(release).resolve(name + ".dropped"));
        List<String> lost = lost(GoldenFile.tree(old, file.toString()), GoldenFile.tree(again, "the record read again"),
                dropped);
        if (!lost.isEmpty()) {
            throw new AssertionError("release " + release + "'s record " + name + " loses values when read now: " + lost
                    + " (a field renamed or retyped is read as absent, since readers ignore unknown fields; keep the"
                    + " old name, or list the path in " + name + ".dropped with the reason)");
        }
    }

    /** Every kept release, oldest first by version number. */
    public List<String> releases() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .sorted(ReleaseRecords::compareVersions).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record names kept for a release. */
    public Set<String> names(String release) {
        try (Stream<Path> files = Files.list(root.resolve(release))) {
            Set<String> names = new TreeSet<>();
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .forEach(n -> names.add(n.substring(0, n.length() - ".json".length())));
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The values of {@code old} (leaf paths) that {@code again} no longer holds equal; nulls in {@code old} may go. */
    static List<String> lost(JsonNode old, JsonNode again, Set<String> dropped) {
        Map<String, JsonNode> before = new LinkedHashMap<>();
        GoldenFile.leaves("", old, before);
        Map<String, JsonNode> after = new LinkedHashMap<>();
        GoldenFile.leaves("", again, after);
        List<String> lost = new ArrayList<>();
        before.forEach((path, value) -> {
            if (value.isNull() || dropped.contains(path)) {
                return;
            }
            JsonNode now = after.get(path);
            if (now == null || !sameValue(value, now)) {
                lost.add(path + "=" + value + (now == null ? " (absent)" : " (now " + now + ")"));
            }
        });
        return lost;
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static Set<String> dropped(Path file) {
        if (!Files.exists(file)) {
            return Set.of();
        }
        Set<String> paths = new TreeSet<>();
        for (String line : read(file).split("\n")) {
            String path = line.replaceFirst("#.*", "").trim();
            if (!path.isEmpty()) {
                paths.add(path);
            }
        }
        return paths;
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(part(x, i), part(y, i));
            if (c != 0) {
                return c;
            }
        }
        return a.compareTo(b);
    }

    /** The number a version part starts with ({@code 10} of {@code 10-rc1}); 0 for none. */
    private static int part(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        String digits = parts[i].replaceFirst("^(\\d*).*$", "$1");
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
