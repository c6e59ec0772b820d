package dev.failover.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The development secrets of the system tests, made once per test JVM by scripts/dev-secrets.sh (as the local stack
 * makes its own): nothing the services trust is committed to the repository. Each parallel fork has a directory of its
 * own (system property {@code dev.secrets}), since the script is not made to run twice at once on one directory.
 */
final class DevSecrets {

    private static Path dir;

    private DevSecrets() {
    }

    static synchronized Path dir() {
        if (dir == null) {
            Path target = Path.of(System.getProperty("dev.secrets", "target/dev-secrets")).toAbsolutePath();
            try {
                Process process = new ProcessBuilder("sh",
                        ServiceProcess.ROOT.resolve("scripts/dev-secrets.sh").toString(),
                        target.toString()).inheritIO().start();
                if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    throw new IllegalStateException("scripts/dev-secrets.sh " + target + " failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            dir = target;
        }
        return dir;
    }

    /** The key the decision-service verifies API tokens with. */
    static Path jwtPublicKey() {
        return dir().resolve("jwt/public.pem");
    }

    /** The key scripts/token.sh signs API tokens with. */
    static Path jwtPrivateKey() {
        return dir().resolve("jwt/private.pem");
    }
}
