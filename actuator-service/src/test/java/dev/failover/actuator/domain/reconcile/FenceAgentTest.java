package dev.failover.actuator.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.testkit.db.PostgresPair;
import dev.failover.testkit.db.PostgresPair.Replication;

/**
 * The shipped fence agent (deploy/postgres/failover-fence-agent) beside real PostgreSQL servers, run as the servers' OS
 * user as an operator installs it, with a stand-in for {@code failoverctl start-check} whose answer the test sets (the
 * CLI and the actuator's endpoint have tests of their own). A primary whose lease is renewed keeps taking writes past
 * the lease; once the answers stop (the plane cut off), the server is stopped before the lease ends and a client that
 * kept its connection, asking for read-write explicitly, writes no more; a replica is left alone (ADR 0020, "A promotion
 * beside an unreachable old primary").
 */
class FenceAgentTest {

    static final Path SCRIPT = Path.of("..", "deploy", "postgres", "failover-fence-agent").toAbsolutePath().normalize();
    static final Path GUARD = Path.of("..", "deploy", "postgres", "failover-start-guard").toAbsolutePath().normalize();
    static final int LEASE = 10;

    final List<Process> agents = new ArrayList<>();

    @AfterEach
    void stopAgents() {
        agents.forEach(Process::destroyForcibly);
    }

    /**
     * A stand-in for failoverctl start-check that answers with the number in {@code answer}: once, as its exit code, or
     * with --every, one line a second as failoverctl prints them, until its parent (the agent) is gone; readable and
     * runnable by postgres.
     */
    static Path failoverctl(Path dir, Path answer) throws IOException {
        Path script = dir.resolve("failoverctl");
        Files.writeString(script, """
                #!/bin/sh
                case " $* " in
                    *" --every "*) ;;
                    *) exit $(cat %1$s) ;;
                esac
                parent=$PPID
                while kill -0 "$parent" 2>/dev/null; do
                    read -r up _ </proc/uptime
                    echo "exit $(cat %1$s) asked ${up%%%%.*}"
                    sleep 1
                done
                """.formatted(answer), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** The file in {@code dir} that a stand-in for failoverctl exits with, readable by postgres, saying {@code exit}. */
    static Path answer(Path dir, String name, int exit) throws IOException {
        Path answer = dir.resolve(name);
        Files.writeString(answer, exit + "\n");
        Files.setPosixFilePermissions(answer, PosixFilePermissions.fromString("rw-r--r--"));
        return answer;
    }

    Process agent(PostgresPair.Node node, String target, Path failoverctl) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(PostgresPair.asPostgres(List.of("sh", SCRIPT.toString(),
                node.dataDirectory().toString(), "api", target, Integer.toString(LEASE))))
                .redirectErrorStream(true)
                .redirectOutput(node.dataDirectory().resolveSibling(target + "-agent.log").toFile());
        builder.environment().put("FAILOVERCTL", failoverctl.toString());
        builder.environment().put("PG_CTL", PostgresPair.bin("pg_ctl"));
        Process process = builder.start();
        agents.add(process);
        return process;
    }

    @Test
    void aPrimaryWhoseLeaseRunsOutIsStoppedBeforeItEndsAndAReplicaIsLeftAlone() throws Exception {
        try (PostgresPair pair = PostgresPair.start(Replication.ASYNC, 1)) {
            Path dir = Files.createTempDirectory("fence-agent");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path answer = answer(dir, "answer", 0);
            Path failoverctl = failoverctl(dir, answer);
            agent(pair.primary(), "primary", failoverctl);
            Path replicaAnswer = answer(dir, "replica-answer", 7); // the replica's agent reaches no actuator at all
            agent(pair.replica(), "secondary",
                    failoverctl(Files.createDirectories(dir.resolve("replica")), replicaAnswer));

            try (Connection pooled = DriverManager.getConnection(pair.primary().jdbcUrl(), PostgresPair.USER, null);
                    Statement statement = pooled.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS fenced (at timestamptz)");
                long renewedUntil = System.nanoTime() + Duration.ofSeconds(LEASE + 3).toNanos();
                while (System.nanoTime() < renewedUntil) { // past a whole lease: renewed, never stopped
                    statement.execute("INSERT INTO fenced VALUES (now())");
                    Thread.sleep(100);
                }
                assertThat(pair.primary().pid()).as("renewed: still running").isPositive();

                Files.writeString(answer, "7\n"); // the plane cut off: failoverctl reaches no actuator
                long cut = System.nanoTime();
                await("the server stopped").atMost(Duration.ofSeconds(LEASE)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !writes(statement));
                double stoppedAfter = (System.nanoTime() - cut) / 1e9;
                System.out.printf(
                        "fence agent: the primary stopped taking writes %.1f s after its last renewal (lease %d s)%n",
                        stoppedAfter, LEASE);
                assertThat(stoppedAfter).as("not before the lease was nearly used up").isGreaterThan(3.0);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> pair.primary().pid() < 0);
            try (Connection fresh = DriverManager.getConnection(pair.primary().jdbcUrl(), PostgresPair.USER, null)) {
                throw new AssertionError("a stopped server took a connection");
            } catch (SQLException expected) {
                assertThat(expected.getSQLState()).startsWith("08");
            }
            assertThat(pair.replica().pid()).as("a replica is not the agent's to stop").isPositive();
            assertThat(Files.readString(pair.primary().dataDirectory().resolveSibling("primary-agent.log")))
                    .contains("stops the server: no actuator has said it may write for");
        }
    }

    /**
     * An agent started beside a running primary (a restart of the agent, or its start after the server's under systemd)
     * goes on from the lease the start-up guard was given, kept in the data directory: a first question that fails (a
     * slow CLI on a loaded host, a moment without the plane) does not stop a primary whose lease is current, and the
     * lease is not extended either: the server stops before the guard's lease ends.
     */
    @Test
    void anAgentStartedBesideARunningPrimaryGoesOnFromTheLeaseItWasGivenAndNoFurther() throws Exception {
        try (PostgresPair pair = PostgresPair.start(Replication.ASYNC, 1)) {
            Path dir = Files.createTempDirectory("fence-agent");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path answer = answer(dir, "answer", 0);
            Path failoverctl = failoverctl(dir, answer);
            long given = System.nanoTime();
            guardLetsItWrite(pair.primary(), failoverctl);

            Files.writeString(answer, "7\n"); // from now on no actuator is reached
            agent(pair.primary(), "primary", failoverctl);
            await("a primary whose lease is current is not stopped at the first failed question")
                    .during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(100))
                    .until(() -> pair.primary().pid() > 0);
            await("stopped once the guard's lease is used up").atMost(Duration.ofSeconds(LEASE))
                    .pollInterval(Duration.ofMillis(100)).until(() -> pair.primary().pid() < 0);
            double stoppedAfter = (System.nanoTime() - given) / 1e9;
            System.out.printf(
                    "fence agent: started beside a running primary, stopped it %.1f s after the guard's yes (lease %d s)%n",
                    stoppedAfter, LEASE);
            assertThat(stoppedAfter).as("before the lease given to the guard ends").isLessThan(LEASE);
            assertThat(Files.readString(pair.primary().dataDirectory().resolveSibling("primary-agent.log")))
                    .contains("goes on from the lease given");
        }
    }

    /**
     * Installed as the agent's header says, the agent starts before its server and asks while the server is down, so a
     * server whose start outlasts what the start-up guard's yes covers (a crash recovery, a loaded host) is not stopped
     * when it comes up: the agent's own answers, asked while it started, are newer than the guard's. Started after the
     * server instead, as the header used to say, the agent had only the guard's lease and its first question still to
     * ask (a JVM starting): the fresh clone's suite saw a healthy primary of record stopped that way.
     */
    @Test
    void anAgentStartedBeforeItsServerCoversAStartLongerThanTheGuardsLease() throws Exception {
        try (PostgresPair pair = PostgresPair.start(Replication.ASYNC, 1)) {
            Path dir = Files.createTempDirectory("fence-agent");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path failoverctl = failoverctl(dir, answer(dir, "answer", 0));
            pair.primary().stop();
            agent(pair.primary(), "primary", failoverctl);
            guardLetsItWrite(pair.primary(), failoverctl);
            Thread.sleep(Duration.ofSeconds(LEASE - 3).toMillis()); // the server's start takes this long after the yes
            pair.primary().start();
            await("the primary of record keeps running past a whole lease").during(Duration.ofSeconds(LEASE + 2))
                    .atMost(Duration.ofSeconds(LEASE + 4)).pollInterval(Duration.ofMillis(200))
                    .until(() -> pair.primary().pid() > 0);
            assertThat(Files.readString(pair.primary().dataDirectory().resolveSibling("primary-agent.log")))
                    .doesNotContain("stops the server");
        }
    }

    /** The start-up guard run on {@code node} as installed, asking {@code failoverctl}; it must answer 0. */
    static void guardLetsItWrite(PostgresPair.Node node, Path failoverctl) throws IOException, InterruptedException {
        ProcessBuilder guard = new ProcessBuilder(PostgresPair.asPostgres(List.of("sh", GUARD.toString(),
                node.dataDirectory().toString(), "api", "primary"))).redirectErrorStream(true);
        guard.environment().put("FAILOVERCTL", failoverctl.toString());
        Process guarding = guard.start();
        String guardSaid = new String(guarding.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(guarding.waitFor()).as("the guard lets it start writable: %s", guardSaid).isZero();
    }

    /** A write on the kept connection, asking for read-write explicitly as a client may; false once refused. */
    private static boolean writes(Statement statement) {
        try {
            statement.execute("BEGIN READ WRITE; INSERT INTO fenced VALUES (now()); COMMIT");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
