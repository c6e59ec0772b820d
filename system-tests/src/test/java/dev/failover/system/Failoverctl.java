package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/** The packaged failoverctl, run as a process the way an operator runs it, with FAILOVER_URL and FAILOVER_TOKEN set. */
final class Failoverctl {

    private Failoverctl() {
    }

    /** One run: its exit code and what it printed. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** failoverctl {@code args} against the decision-service at {@code url}, as the holder of {@code token}. */
    static Run at(String url, String token, String... args) {
        return run(List.of(ServiceProcess.javaBin(), "-XX:TieredStopAtLevel=1", "-jar",
                ServiceProcess.ROOT.resolve("failoverctl/target/quarkus-app/quarkus-run.jar").toString()), url, token,
                args);
    }

    /** As {@link #at}, failoverctl's image run by podman (scripts/images.sh), on this host's network. */
    static Run fromImage(String image, String url, String token, String... args) {
        return run(
                List.of("podman", "run", "--rm", "--network", "host", "-e", "FAILOVER_URL", "-e", "FAILOVER_TOKEN",
                        image),
                url, token, args);
    }

    private static Run run(List<String> prefix, String url, String token, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("failoverctl-out-", ".txt");
            Path err = Files.createTempFile("failoverctl-err-", ".txt");
            ProcessBuilder builder = (prefix.get(0).equals("podman") ? ServiceProcess.podman(command)
                    : new ProcessBuilder(command))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("FAILOVER_URL", url);
            builder.environment().put("FAILOVER_TOKEN", token);
            Process process = builder.start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("failoverctl " + args[0] + " ended").isTrue();
            Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return run;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A target's quorum health in the JSON of {@code status GROUP --output json}; "absent" when it has none. */
    static String health(JsonNode group, String target) {
        for (JsonNode t : group.path("targets")) {
            if (t.path("target").asText().equals(target)) {
                return t.path("health").asText();
            }
        }
        return "absent";
    }
}
