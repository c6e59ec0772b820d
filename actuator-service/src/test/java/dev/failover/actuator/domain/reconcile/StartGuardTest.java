package dev.failover.actuator.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.PostgresDatabase;
import dev.failover.actuator.database.PostgresRef;
import dev.failover.testkit.db.PostgresPair;
import dev.failover.testkit.db.PostgresPair.Replication;

/**
 * The shipped start-up guard (deploy/postgres/failover-start-guard) against real PostgreSQL servers, crashed and
 * started again by PID (ADR 0020, "A former primary never starts writable": a restarted old primary answered as
 * writable and took writes for 5.8 s before the fence reached it). A node told it is not the primary of record takes no
 * write from its first connection, is seen FENCED by the actuator, and stays so across restarts; the primary of record
 * starts as it was; a replica is left alone.
 */
class StartGuardTest {

    final PostgresDatabase database = new PostgresDatabase(Duration.ofSeconds(2), "disable", null, "postgres");

    @Test
    void aNodeThatIsNotThePrimaryOfRecordStartsReadOnlyAndStaysSo() throws Exception {
        try (PostgresPair pair = PostgresPair.start(Replication.ASYNC, 1)) {
            PostgresPair.Node primary = pair.primary();
            primary.crash();

            String said = StartGuard.run(primary, "primary",
                    new StartCheck.Verdict(false, "the group's primary of record"
                            + " is secondary's node (epoch 1)"));
            primary.start();

            assertThat(said).contains("api/primary starts read-only (failoverctl start-check exit 11)");
            assertThat(DataTierFaultsTest.writable(primary.jdbcUrl(), false)).as("no write from its first connection")
                    .isFalse();
            assertThat(role(primary)).as("the actuator sees it fenced").isEqualTo(Database.Role.FENCED);
            primary.stop();
            primary.start();
            assertThat(role(primary)).as("across a restart").isEqualTo(Database.Role.FENCED);
        }
    }

    @Test
    void thePrimaryOfRecordStartsAsItWasAndAReplicaIsLeftAlone() throws Exception {
        try (PostgresPair pair = PostgresPair.start(Replication.ASYNC, 1)) {
            PostgresPair.Node primary = pair.primary();
            primary.crash();
            StartGuard.run(primary, "primary", new StartCheck.Verdict(true, "primary's node is the group's primary of"
                    + " record"));
            primary.start();
            assertThat(role(primary)).isEqualTo(Database.Role.WRITABLE);

            Path settings = pair.replica().dataDirectory().resolve("postgresql.auto.conf");
            String before = Files.readString(settings);
            String said = StartGuard.run(pair.replica(), "secondary", new StartCheck.Verdict(false, "not of record"));
            assertThat(said).contains("starts as a replica (standby.signal): nothing to guard");
            assertThat(Files.readString(settings)).as("a promoted replica must not come up fenced").isEqualTo(before);
        }
    }

    private Database.Role role(PostgresPair.Node node) {
        Database.Observation seen = database.observe(new PostgresRef(node.jdbcUrl(), PostgresPair.USER, null));
        assertThat(seen).isInstanceOf(Database.Observation.Observed.class);
        return ((Database.Observation.Observed) seen).role();
    }
}
