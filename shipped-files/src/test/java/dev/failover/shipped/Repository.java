package dev.failover.shipped;

import java.nio.file.Path;

/** Where the checked files are: this checkout's root (the module's parent folder, or {@code -Drepo.root}). */
final class Repository {

    static final Path ROOT = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();

    private Repository() {
    }
}
