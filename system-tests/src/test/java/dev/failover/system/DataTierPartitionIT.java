package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.failover.testkit.db.PostgresPair;
import dev.failover.testkit.db.WritingClient;
import dev.failover.testkit.net.PathCut;
import dev.failover.testkit.topology.TestTopology;

/**
 * A partition of the data tier (ADR 0020, "A promotion beside an unreachable old primary"), with the packaged services
 * and real PostgreSQL: an asynchronous pair; the actuator reaches the primary by its own address (127.0.0.2), the
 * primary region's application by another (127.0.0.1), as pooled connections inside the region do. The primary region's
 * application fails its health checks, and the plane's path to the primary is cut (nftables drops it) with the replica's
 * link (its WAL receiver frozen by SIGSTOP), while a client of the old region keeps committing to the old primary.
 * Before, the actuator promoted the replica beside it within the budget, and every row the old primary acknowledged
 * after that was lost (74,335 and 86,023 in the reproduction). Now the failover holds with the reason while nothing
 * shows the old primary's writes stopped; when the partition heals, the old primary is fenced, the replica receives
 * everything it wrote and is promoted, and DNS moves: no acknowledged row is lost, and the two never both take writes.
 */
class DataTierPartitionIT {

    /** The plane's own address of the primary: the path the partition cuts. */
    static final String PLANE_PATH = "127.0.0.2";

    /**
     * The stack over {@code pair}: the default for an unreachable old primary (hold), the actuator reaching the primary
     * through {@link #PLANE_PATH}, and its node with a fence agent of {@code selfFenceSeconds} (null: none).
     */
    static TestStack stack(String name, PostgresPair pair, Integer selfFenceSeconds) throws Exception {
        return DataTierIT.stack(name, pair, 5, PostgresPair.USER, cutOffAble(pair, selfFenceSeconds));
    }

    /**
     * A topology of {@link DataTierIT#topology} made for partitions: the default for an unreachable old primary (hold),
     * the actuator reaching the primary through {@link #PLANE_PATH}, its node with a fence agent of
     * {@code selfFenceSeconds} (null: none).
     */
    static java.util.function.UnaryOperator<String> cutOffAble(PostgresPair pair, Integer selfFenceSeconds) {
        return yaml -> yaml.replace(", unreachablePrimary: promote-within-budget", "")
                .replace("url: \"" + pair.primary().jdbcUrl() + "\"", "url: \"" + pair.primary().jdbcUrl(PLANE_PATH)
                        + "\"" + (selfFenceSeconds == null ? "" : ", selfFenceSeconds: " + selfFenceSeconds));
    }

    @Test
    void aPrimaryCutOffFromThePlaneWhileItsClientsWriteHoldsTheFailoverAndNothingAcknowledgedIsLost() throws Exception {
        try (PostgresPair pair = PostgresPair.start(PostgresPair.Replication.ASYNC, 1);
                TestStack stack = stack("data-partition", pair, null);
                PathCut cut = new PathCut(PLANE_PATH, pair.primary().port())) {
            DataTierIT.ready(stack, pair);
            // the old region's application servers keep their pooled connections to their own database
            try (WritingClient writer = new WritingClient(() -> pair.primary().jdbcUrl(), PostgresPair.USER).start()) {
                await("rows written to the primary").atMost(Duration.ofSeconds(20))
                        .until(() -> writer.acknowledgedCount() >= 50);
                cut.drop();
                pair.replica().signalWalReceiver("STOP");
                stack.backend(TestTopology.PRIMARY).fail();
                Instant failedAt = Instant.now();

                await("the failover held, saying why").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> DataTierNemesisIT.status(stack.actuator()).path("detail").asText()
                                .contains("nothing shows that its writes stopped"));
                System.out.printf("held %.1f s after the failure: %s%n",
                        Duration.between(failedAt, Instant.now()).toMillis()
                                / 1000.0,
                        DataTierNemesisIT.status(stack.actuator()).path("detail").asText());
                int atHold = writer.acknowledgedCount();
                await("nothing promoted while the old primary takes writes").during(Duration.ofSeconds(8))
                        .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !DataTierIT.isPrimary(pair.replica().jdbcUrl()));
                assertThat(writer.acknowledgedCount()).as("the old primary still acknowledges its clients' writes")
                        .isGreaterThan(atHold);
                assertThat(DataTierIT.answers(stack)).as("DNS not switched").isEqualTo(Set.of(TestTopology.PRIMARY_IP));

                cut.heal();
                pair.replica().signalWalReceiver("CONT");
                Instant healedAt = Instant.now();
                await("BIND answers the secondary").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> DataTierIT.answers(stack).equals(Set.of(TestTopology.SECONDARY_IP)));
                System.out.printf("DNS switched %.1f s after the partition healed; %d rows acknowledged by the old"
                        + " primary%n", Duration.between(healedAt, Instant.now()).toMillis() / 1000.0,
                        writer.acknowledgedCount());
                writer.stop();
                // the fence closed the old primary's database, a catalog change the replica received with the WAL the
                // promotion waited for; the plane opens it once the switch is served (OpenPromotedDatabase, ADR 0020).
                // Counting the rows before that reopened it beside the plane's own opening: "tuple concurrently updated"
                await("the promoted node open to new sessions").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> {
                            try (java.sql.Connection session = DataTierIT.connect(pair.replica().jdbcUrl())) {
                                return session.isValid(2);
                            }
                        });
                assertThat(DataTierIT.refusesWrites(pair.primary().jdbcUrl())).as("the old primary fenced").isTrue();
                assertThat(DataTierIT.isPrimary(pair.replica().jdbcUrl())).as("the replica promoted").isTrue();
                assertThat(writer.missingOn(pair.replica().jdbcUrl()))
                        .as("every row the old primary acknowledged, during the partition too, on the promoted node")
                        .isEmpty();
            }
        }
    }

    /**
     * The same partition with the shipped fence agent beside the old primary (lease 20 s), asking the packaged failoverctl
     * as its OS user: the plane's path to the primary is cut while its region's client keeps committing, and the
     * synchronous replica's link stays. Once the failover is decided, no actuator says the old primary may write; its
     * agent stops it before its lease ends, and only then, a lease and 2 s after the actuator first found it
     * unreachable, is the replica promoted: nothing the old primary acknowledged is lost, and the two never take writes
     * at once (the replica refuses writes until the old primary has stopped).
     */
    @Test
    void aFenceAgentStopsTheCutOffPrimaryBeforeTheReplicaIsPromotedAndNothingAcknowledgedIsLost() throws Exception {
        int lease = 20;
        try (PostgresPair pair = PostgresPair.start(PostgresPair.Replication.SYNC, 1);
                TestStack stack = stack("data-partition-agent", pair, lease);
                PathCut cut = new PathCut(PLANE_PATH, pair.primary().port())) {
            DataTierIT.ready(stack, pair);
            Path dir = Files.createTempDirectory("fence-agent");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path failoverctl = dir.resolve("failoverctl");
            Files.writeString(failoverctl,
                    "#!/bin/sh\nexec " + ServiceProcess.javaBin() + " -XX:TieredStopAtLevel=1 -jar "
                            + ServiceProcess.ROOT.resolve("failoverctl/target/quarkus-app/quarkus-run.jar") + " \"$@\""
                            + " --actuator-url http://" + stack.actuator().host + ":" + stack.actuator().port
                            + " --token " + ServiceProcess.token("viewer", "failover-actuator-service") + "\n");
            Files.setPosixFilePermissions(failoverctl, PosixFilePermissions.fromString("rwxr-xr-x"));
            // as installed (the agent's header): the agent starts before the server and asks while it is down, the
            // start-up guard asks before the server is let write, then the server starts
            pair.primary().stop();
            ProcessBuilder builder = new ProcessBuilder(PostgresPair.asPostgres(List.of("sh",
                    ServiceProcess.ROOT.resolve("deploy/postgres/failover-fence-agent").toString(),
                    pair.primary().dataDirectory().toString(), "api", TestTopology.PRIMARY, Integer.toString(lease))))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
            builder.environment().put("FAILOVERCTL", failoverctl.toString());
            builder.environment().put("PG_CTL", PostgresPair.bin("pg_ctl"));
            Process agent = builder.start();
            try {
                ProcessBuilder guard = new ProcessBuilder(PostgresPair.asPostgres(List.of("sh",
                        ServiceProcess.ROOT.resolve("deploy/postgres/failover-start-guard").toString(),
                        pair.primary().dataDirectory().toString(), "api", TestTopology.PRIMARY)))
                        .redirectErrorStream(true).redirectOutput(dir.resolve("guard.log").toFile());
                guard.environment().put("FAILOVERCTL", failoverctl.toString());
                assertThat(guard.start().waitFor()).as("the start-up guard's answer").isZero();
                assertThat(Files.readString(dir.resolve("guard.log"))).as("the guard let it write")
                        .doesNotContain("read-only");
                pair.primary().start();
                try (WritingClient writer = new WritingClient(() -> pair.primary().jdbcUrl(), PostgresPair.USER)
                        .start()) {
                    await("rows written to the primary").atMost(Duration.ofSeconds(20))
                            .until(() -> writer.acknowledgedCount() >= 50);
                    await("the agent renews its lease past a whole lease").during(Duration.ofSeconds(lease + 2))
                            .atMost(Duration.ofSeconds(lease + 5)).pollInterval(Duration.ofMillis(500))
                            .until(() -> pair.primary().pid() > 0);
                    cut.drop();
                    stack.backend(TestTopology.PRIMARY).fail();
                    Instant failedAt = Instant.now();

                    await("the old primary stopped by its agent").atMost(Duration.ofSeconds(90))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> pair.primary().pid() < 0);
                    Instant stoppedAt = Instant.now();
                    await("BIND answers the secondary").atMost(Duration.ofSeconds(90))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> DataTierIT.answers(stack).equals(Set.of(TestTopology.SECONDARY_IP)));
                    Instant switchedAt = Instant.now();
                    writer.stop();
                    System.out.printf(
                            "fence agent: the old primary stopped %.1f s after the failure, DNS switched %.1f s after"
                                    + " it; %d rows acknowledged by the old primary%n",
                            Duration.between(failedAt, stoppedAt).toMillis()
                                    / 1000.0,
                            Duration.between(stoppedAt, switchedAt).toMillis() / 1000.0,
                            writer.acknowledgedCount());
                    assertThat(DataTierIT.isPrimary(pair.replica().jdbcUrl())).as("the replica promoted").isTrue();
                    assertThat(writer.missingOn(pair.replica().jdbcUrl()))
                            .as("every row the old primary acknowledged on the promoted node").isEmpty();
                    assertThat(writer.acknowledgedAt().values())
                            .as("no write acknowledged after the promotion's switch")
                            .allMatch(at -> at.isBefore(switchedAt));
                }
            } finally {
                agent.destroyForcibly();
                System.out.println("agent log:\n" + Files.readString(dir.resolve("agent.log")));
            }
        }
    }
}
