package dev.failover.shipped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the checked files are: this checkout's root (the module's parent folder, or {@code -Drepo.root}). */
final class Repository {

    static final Path ROOT = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();

    private Repository() {
    }

    /** Every module's {@code src/main/java}: the main code the source rules hold. */
    static List<Path> mainSources() {
        try (Stream<Path> dirs = Files.walk(ROOT)) {
            return dirs.filter(d -> d.endsWith(Path.of("src", "main", "java")) && Files.isDirectory(d))
                    .filter(d -> !d.toString().contains("/target/") && !d.toString().contains("/node_modules/"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
