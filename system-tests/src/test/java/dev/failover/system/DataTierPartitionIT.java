package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.failover.testkit.db.PostgresPair;
import dev.failover.testkit.db.WritingClient;
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

    /** The plane's path to one server dropped by nftables, in a table of its own (removed on close). */
    static final class Cut implements AutoCloseable {
        private final String table;
        private final int port;

        Cut(int port) {
            this.port = port;
            this.table = "failover_partition_" + port;
        }

        void drop() throws IOException, InterruptedException {
            nft("add table inet " + table);
            nft("add chain inet " + table + " out { type filter hook output priority 0; policy accept; }");
            nft("add rule inet " + table + " out ip daddr " + PLANE_PATH + " tcp dport " + port + " drop");
        }

        void heal() throws IOException, InterruptedException {
            nft("delete table inet " + table);
        }

        @Override
        public void close() throws Exception {
            new ProcessBuilder(List.of("nft", "delete", "table", "inet", table)).redirectErrorStream(true).start()
                    .waitFor(10, TimeUnit.SECONDS);
        }

        private static void nft(String command) throws IOException, InterruptedException {
            Process nft = new ProcessBuilder(List.of("sh", "-c", "nft '" + command.replace("'", "") + "'"))
                    .redirectErrorStream(true).start();
            String out = new String(nft.getInputStream().readAllBytes());
            if (!nft.waitFor(10, TimeUnit.SECONDS) || nft.exitValue() != 0) {
                throw new IllegalStateException("nft " + command + ": " + out);
            }
        }
    }

    @Test
    void aPrimaryCutOffFromThePlaneWhileItsClientsWriteHoldsTheFailoverAndNothingAcknowledgedIsLost() throws Exception {
        try (PostgresPair pair = PostgresPair.start(PostgresPair.Replication.ASYNC, 1);
                TestStack stack = TestStack.named("data-partition").backends(TestTopology.PRIMARY, TestTopology.SECONDARY)
                        .topology(s -> DataTierIT.topology(s.backend(TestTopology.PRIMARY).healthUrl(),
                                s.backend(TestTopology.SECONDARY).healthUrl(), pair, 5)
                                // the default for an unreachable old primary (hold), through the plane's own path
                                .replace(", unreachablePrimary: promote-within-budget", "")
                                .replace(pair.primary().jdbcUrl(), pair.primary().jdbcUrl(PLANE_PATH)))
                        .bind9("failover.test.", List.of("api IN A " + TestTopology.PRIMARY_IP)).probes().deciders(1)
                        .actuator().env(TestStack.ACTUATOR, "failover.database.credentials." + DataTierIT.EAST + ".user",
                                PostgresPair.USER, "failover.database.credentials." + DataTierIT.WEST + ".user",
                                PostgresPair.USER, "failover.database.ssl-mode", "disable")
                        .start();
                Cut cut = new Cut(pair.primary().port())) {
            DataTierIT.ready(stack, pair);
            // the old region's application servers keep their pooled connections to their own database
            try (WritingClient writer = new WritingClient(() -> pair.primary().jdbcUrl(), PostgresPair.USER).start()) {
                await("rows written to the primary").atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledgedCount() >= 50);
                cut.drop();
                pair.replica().signalWalReceiver("STOP");
                stack.backend(TestTopology.PRIMARY).fail();
                Instant failedAt = Instant.now();

                await("the failover held, saying why").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> DataTierNemesisIT.status(stack.actuator()).path("detail").asText()
                                .contains("nothing shows that its writes stopped"));
                System.out.printf("held %.1f s after the failure: %s%n", Duration.between(failedAt, Instant.now()).toMillis()
                        / 1000.0, DataTierNemesisIT.status(stack.actuator()).path("detail").asText());
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
                assertThat(DataTierIT.refusesWrites(pair.primary().jdbcUrl())).as("the old primary fenced").isTrue();
                assertThat(DataTierIT.isPrimary(pair.replica().jdbcUrl())).as("the replica promoted").isTrue();
                assertThat(WritingClient.ids(pair.replica().jdbcUrl(), PostgresPair.USER))
                        .as("every row the old primary acknowledged, during the partition too, on the promoted node")
                        .containsAll(writer.acknowledged());
            }
        }
    }
}
