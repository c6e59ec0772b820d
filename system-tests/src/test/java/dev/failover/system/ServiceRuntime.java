package dev.failover.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The JDK the packaged services run on and the AOT cache they start with, as every script chooses them
 * (scripts/lib/java.sh: FAILOVER_JAVA_HOME, else JDK 25 or later under /usr/lib/jvm, else the java on the PATH; ADR
 * 0017). The rules live in that script only: this asks it.
 */
record ServiceRuntime(String java) {

    private static final ServiceRuntime CHOSEN = new ServiceRuntime(single(javaSh("runtime_java")));

    /** The runtime of this test run, asked of scripts/lib/java.sh once. */
    static ServiceRuntime chosen() {
        return CHOSEN;
    }

    /**
     * The JVM options for a service whose quarkus-app directory is {@code app} (scripts/lib/java.sh's aot_options): its
     * AOT cache when scripts/aot-train.sh made one and this JDK can read it. The JVM takes the cache only for
     * {@code -jar quarkus-run.jar} run from that directory, with that relative path.
     */
    List<String> aotOptions(Path app) {
        return javaSh("aot_options '" + java + "' '" + app + "'");
    }

    private static String single(List<String> lines) {
        if (lines.size() != 1) {
            throw new IllegalStateException("scripts/lib/java.sh chose no runtime JDK: " + lines);
        }
        return lines.get(0);
    }

    /** The words {@code command} prints after sourcing scripts/lib/java.sh; fails when it fails. */
    private static List<String> javaSh(String command) {
        String script = "source '" + ServiceProcess.ROOT.resolve("scripts/lib/java.sh") + "' && " + command;
        try {
            Process shell = new ProcessBuilder("bash", "-c", script).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String output = new String(shell.getInputStream().readAllBytes()).trim();
            if (shell.waitFor() != 0) {
                throw new IllegalStateException(
                        "scripts/lib/java.sh: " + command + " failed (its error is in the test output): "
                                + output);
            }
            return output.isEmpty() ? List.of() : List.of(output.split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
