package dev.failover.testkit.layers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A module's packages by part, imports only downward (ADR 0015): a package may name a class of a package listed after it
 * in its module's layers, never one listed before it, so there is no cycle between them either; and none names a class of
 * the module's own package, which sits above them all. Reads the main sources'
 * text: imports, static imports and fully qualified names alike. Every module's architecture test calls {@link #check}.
 */
public final class PackageLayers {

    private PackageLayers() {
    }

    /**
     * Fails, naming each, when a package under {@code root} in {@code sources} has no place in {@code layers} (top first)
     * or names a class of a package at or above its own place.
     */
    public static void check(Path sources, String root, List<String> layers) {
        List<String> found = violations(sources, root, layers);
        if (!found.isEmpty()) {
            throw new AssertionError(
                    "the packages of " + root + " (layers, top first: " + layers + ") are not layered:\n  "
                            + String.join("\n  ", found));
        }
    }

    /** What {@link #check} fails for: packages without a layer, and references running upward; empty when layered. */
    public static List<String> violations(Path sources, String root, List<String> layers) {
        Path dir = sources.resolve(root.replace('.', '/'));
        List<String> found = new ArrayList<>();
        Set<String> packages = packages(dir);
        if (packages.isEmpty()) {
            found.add("no package under " + dir);
        }
        packages.stream().filter(p -> !layers.contains(p))
                .forEach(p -> found.add("package " + p + " has no place in the layers"));
        // a class of a package or of any package inside it: x.low.Low and x.low.inner.Deep both belong to low
        Pattern reference = Pattern.compile(
                "\\b" + Pattern.quote(root) + "\\.([a-z][a-z0-9]*)(?:\\.[a-z][a-z0-9]*)*\\.[A-Z*]");
        // the module's own package is above every layer (an entry point, the wiring of its parts): none of them names it
        Pattern own = Pattern.compile("\\b" + Pattern.quote(root) + "\\.[A-Z*]");
        Set<String> upward = new TreeSet<>();
        for (String from : packages) {
            for (Path source : sources(dir.resolve(from))) {
                String text = text(source);
                Matcher m = reference.matcher(text);
                while (m.find()) {
                    String to = m.group(1);
                    if (!to.equals(from) && layers.indexOf(to) <= layers.indexOf(from)) {
                        upward.add(from + " -> " + to + " (" + dir.relativize(source) + ")");
                    }
                }
                if (own.matcher(text).find()) {
                    upward.add(from + " -> the module's own package " + root + " (" + dir.relativize(source) + ")");
                }
            }
        }
        found.addAll(upward);
        return found;
    }

    private static Set<String> packages(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> sources(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(Path source) {
        try {
            // the package declaration names the file's own package
            return Files.readString(source).replaceFirst("(?m)^package [^;]+;", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
