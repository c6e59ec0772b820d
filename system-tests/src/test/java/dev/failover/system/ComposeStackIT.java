package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml brought up for real, as docs/containers.md tells a newcomer to: the documented command
 * (scripts/compose-demo.sh) builds the images, starts the file's services with podman-compose, stops the primary
 * backend's container and waits for the zone's answer to move to the secondary, starts it again and waits for the
 * failback, then brings the stack down. The script fails when an answer does not move within its bound; this test
 * also holds it to the order of what it printed and to leaving no container behind.
 *
 * <p>The file publishes fixed host ports (8181-8183, 8280, 8380, 15353, ...), which a test in the other fork may hold
 * at that moment: the stack runs in a network namespace of its own, whose loopback has them all. The namespace is
 * entered with nsenter, not {@code ip netns exec}: that one mounts a new /sys, without the cgroup mounts runc needs.
 */
class ComposeStackIT {

    static final Path ROOT = ServiceProcess.ROOT;
    static final String NAMESPACE = "fo-compose-" + ProcessHandle.current().pid();
    /** One project name for every run: a run that died leaves containers the next one's "down" removes. */
    static final String PROJECT = "failover-compose-it";

    static List<String> printed;
    static int exit;

    @BeforeAll
    static void runTheDemo() throws Exception {
        run("ip", "netns", "add", NAMESPACE);
        run("ip", "-n", NAMESPACE, "link", "set", "lo", "up");
        Path log = ServiceProcess.LOGS.resolve("compose-demo.log");
        Files.createDirectories(log.getParent());
        // the images are made from Debian's mirror (scripts/images.sh, ADR 0033), which the namespace cannot reach:
        // made here first, outside it, the demo finds them built; a fresh machine has none
        Path images = ServiceProcess.LOGS.resolve("compose-images.log");
        Process made = ServiceProcess.podman(List.of("scripts/images.sh", "--compose")).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(images.toFile()).start();
        assertThat(made.waitFor(15, TimeUnit.MINUTES)).as("scripts/images.sh --compose ended within 15 minutes")
                .isTrue();
        assertThat(made.exitValue()).as("scripts/images.sh --compose (its output: " + images + ")").isZero();
        Process demo = inNamespace("scripts/compose-demo.sh").redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        assertThat(demo.waitFor(15, TimeUnit.MINUTES)).as("scripts/compose-demo.sh ended within 15 minutes").isTrue();
        exit = demo.exitValue();
        printed = Files.readAllLines(log);
        System.out.println(String.join("\n", printed));
    }

    @AfterAll
    static void removeTheNamespace() throws Exception {
        inNamespace("scripts/compose-demo.sh", "down").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor(2, TimeUnit.MINUTES);
        run("ip", "netns", "del", NAMESPACE);
    }

    @Test
    void theComposeStackFailsOverAndBackThroughItsContainers() {
        assertThat(exit).as("scripts/compose-demo.sh's exit (its output: target/system-logs/compose-demo.log)\n"
                + String.join("\n", printed)).isZero();
        // what the demo says happened, in this order: the services' readiness, the answers, the stops and starts
        List<String> said = printed.stream().filter(l -> l.startsWith("[t+")).map(l -> l.substring(l.indexOf(']') + 2))
                .toList();
        int at = -1;
        for (String expected : List.of("every service ready (probes :8181-8183, decision :8280, actuator :8380)",
                "api.failover.test -> 192.0.2.11 (primary)", "primary backend's container stopped",
                "api.failover.test -> 192.0.2.12 (secondary): ", "primary backend's container started again",
                "api.failover.test -> 192.0.2.11 (primary): ")) {
            int from = at + 1;
            at = from + indexOf(said.subList(from, said.size()), expected);
            assertThat(at)
                    .as("'" + expected + "' after line " + from + " of what the demo said:\n" + String.join("\n", said))
                    .isGreaterThanOrEqualTo(from);
        }
    }

    /** The first line that starts with {@code prefix}, or a negative number. */
    static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1 - lines.size();
    }

    @Test
    void theDemoLeavesNoContainerBehind() throws Exception {
        assertThat(run("podman", "ps", "-a", "-q", "--filter", "label=io.podman.compose.project=" + PROJECT))
                .as("the project's containers after scripts/compose-demo.sh").isBlank();
    }

    /** {@code command} in this test's namespace, for its project. */
    static ProcessBuilder inNamespace(String... command) {
        List<String> line = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + NAMESPACE));
        line.addAll(List.of(command));
        ProcessBuilder builder = ServiceProcess.podman(line).directory(ROOT.toFile());
        builder.environment().put("COMPOSE_PROJECT", PROJECT);
        return builder;
    }

    /** What {@code command} prints; it must succeed (podman's settings given to whatever it runs). */
    static String run(String... command) throws IOException, InterruptedException {
        return ContainerImagesIT.output(ServiceProcess.podman(List.of(command)));
    }
}
