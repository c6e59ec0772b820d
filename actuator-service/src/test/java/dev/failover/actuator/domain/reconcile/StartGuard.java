package dev.failover.actuator.domain.reconcile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.failover.testkit.db.PostgresPair;

/**
 * Runs the shipped start-up guard (deploy/postgres/failover-start-guard) on a node before its server starts, as an
 * operator installs it, with a stand-in for {@code failoverctl start-check} that answers a given verdict (the CLI and
 * the actuator's endpoint have tests of their own).
 */
final class StartGuard {

    static final Path SCRIPT = Path.of("..", "deploy", "postgres", "failover-start-guard").toAbsolutePath().normalize();

    private StartGuard() {
    }

    /** Runs the guard for {@code node} (group api, target {@code target}); returns what it printed. */
    static String run(PostgresPair.Node node, String target, StartCheck.Verdict verdict) throws IOException,
            InterruptedException {
        Path failoverctl = Files.createTempFile("failoverctl", ".sh");
        try {
            Files.writeString(failoverctl, "#!/bin/sh\necho 'api/" + target + ": " + verdict.reason().replace("'", "")
                    + "'\nexit " + (verdict.writable() ? 0 : 11) + "\n", StandardCharsets.UTF_8);
            failoverctl.toFile().setExecutable(true);
            ProcessBuilder guard = new ProcessBuilder("sh", SCRIPT.toString(), node.dataDirectory().toString(), "api",
                    target)
                    .redirectErrorStream(true);
            guard.environment().put("FAILOVERCTL", failoverctl.toString());
            Process process = guard.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("failover-start-guard exited " + exit + ": " + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(failoverctl);
        }
    }
}
