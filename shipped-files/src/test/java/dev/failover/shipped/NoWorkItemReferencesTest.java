package dev.failover.shipped;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Code, tests and docs give the reason, or the ADR section that holds it, never a work-item number: a reader of this
 * repository has no tracker to resolve such a number in. Beside the layer checker, over the whole repository: every
 * module's sources, the docs, the README, the scripts and the deployment files. The changelog is a history and keeps
 * its references; a line that links to another project's issue (a URL) may name it.
 */
class NoWorkItemReferencesTest {

    static final Pattern WORK_ITEM = Pattern.compile("(?i)\\bissues?\\s+#?\\d+");
    static final Set<String> CHECKED = Set.of(".java", ".md", ".properties", ".yaml", ".yml", ".sh", ".py", ".js",
            ".html", ".xml", ".json", ".txt", ".conf", ".toml");
    /** Build output, dependencies, and the local stacks' run directories (.stack, .stack-region, ...). */
    static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules");
    static final Path ROOT = Repository.ROOT;

    @Test
    void noLineNamesAWorkItem() {
        assertThat(references(ROOT)).as("lines that name a work item instead of its reason").isEmpty();
    }

    /** The checker finds what it is for (so that an empty answer above means something). */
    @Test
    void theCheckerFindsAReference(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        String item = "Iss" + "ue #54"; // split, so that this file does not name one itself
        Files.writeString(dir.resolve("A.java"), "class A {\n    // fixed in " + item + ": slow\n}\n");
        Files.writeString(dir.resolve("B.md"), "See https://github.com/quarkusio/quarkus/issues/123 (" + item + ").\n");
        Files.writeString(dir.resolve("CHANGELOG.md"), "- " + item + "\n");
        assertThat(references(dir)).containsExactly("A.java:2: // fixed in " + item + ": slow");
    }

    static List<String> references(Path root) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).filter(f -> checked(root, f)).sorted().forEach(file -> {
                List<String> lines = lines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (WORK_ITEM.matcher(line).find() && !line.contains("://")) {
                        found.add(root.relativize(file) + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static boolean checked(Path root, Path file) {
        Path relative = root.relativize(file);
        for (Path part : relative) {
            if (SKIPPED_DIRS.contains(part.toString()) || part.toString().startsWith(".stack")) {
                return false;
            }
        }
        String name = file.getFileName().toString();
        return !relative.toString().equals("CHANGELOG.md") && CHECKED.stream().anyMatch(name::endsWith);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            return List.of(); // not text
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
