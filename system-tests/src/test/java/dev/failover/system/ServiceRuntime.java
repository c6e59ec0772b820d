package dev.failover.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JDK the packaged services run on, chosen as every script chooses it (scripts/lib/java.sh: FAILOVER_JAVA_HOME, else
 * JDK 25 or later under /usr/lib/jvm, else the java on the PATH; ADR 0017), and the AOT cache they start with.
 */
record ServiceRuntime(String java, int feature) {

    private static final ServiceRuntime CHOSEN = choose();

    /** The runtime of this test run, asked of scripts/lib/java.sh once. */
    static ServiceRuntime chosen() {
        return CHOSEN;
    }

    /**
     * The JVM options for a service whose quarkus-app directory is {@code app}: its AOT cache when scripts/aot-train.sh
     * made one and this JDK can read it. The JVM takes the cache only for {@code -jar quarkus-run.jar} run from that
     * directory, with that relative path; a cache it cannot use (another JDK build, a jar rebuilt since) it ignores with a
     * warning.
     */
    List<String> aotOptions(Path app) {
        return feature >= 25 && Files.isRegularFile(app.resolve("app.aot")) ? List.of("-XX:AOTCache=app.aot") : List.of();
    }

    private static ServiceRuntime choose() {
        String script = "source '" + ServiceProcess.ROOT.resolve("scripts/lib/java.sh") + "' && java=\"$(runtime_java)\""
                + " && echo \"$java\" && java_feature \"$java\"";
        try {
            Process shell = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
            List<String> lines = new String(shell.getInputStream().readAllBytes()).lines().toList();
            if (shell.waitFor() != 0 || lines.size() != 2) {
                throw new IllegalStateException("scripts/lib/java.sh chose no runtime JDK: " + lines);
            }
            return new ServiceRuntime(lines.get(0), Integer.parseInt(lines.get(1).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
