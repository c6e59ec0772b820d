package dev.failover.actuator.database;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

import dev.failover.actuator.scaling.AwsScalersTest;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.DatabaseRef;
import dev.failover.testkit.db.PostgresPair;
import dev.failover.testkit.net.FreePorts;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * {@link DatabaseContract} for each database backend: PostgreSQL against a real primary and its streaming replica
 * ({@link PostgresPair}, a new pair for each condition); RDS read replicas, fenced by a parameter group of their own, and
 * an Aurora global database through the real SDK against {@link ManagedDatabaseModel}, AWS's query protocol with state
 * on a clock the conditions move, a region whose API answers 503 standing for a node that does not answer.
 */
class DatabaseContractTest {

    @Nested
    class Postgres extends DatabaseContract<PostgresRef> {

        PostgresPair pair;
        PostgresDatabase database;

        @BeforeEach
        void start() {
            pair = PostgresPair.start();
            database = new PostgresDatabase(Duration.ofSeconds(2), "disable", null, "postgres");
        }

        @AfterEach
        void stop() {
            database.close();
            pair.close();
        }

        @Override
        Database<PostgresRef> database() {
            return database;
        }

        @Override
        PostgresRef writer() {
            return new PostgresRef(pair.primary().jdbcUrl(), PostgresPair.USER, null);
        }

        @Override
        PostgresRef replica() {
            return new PostgresRef(pair.replica().jdbcUrl(), PostgresPair.USER, null);
        }

        @Override
        PostgresRef notAnswering() {
            return new PostgresRef("jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/app", PostgresPair.USER, null);
        }

        @Override
        PostgresRef refused() {
            return new PostgresRef(pair.replica().jdbcUrl().replace("/app", "/nothing"), PostgresPair.USER, null);
        }

        @Override
        void passTime() {
            // a real server's own time: the contract's poll interval is all it needs
        }
    }

    /** The managed backends on the model's clock: one region's API answers 503 for the node that does not answer. */
    abstract static class Managed<R> extends DatabaseContract<R> {

        static final Instant T0 = Instant.parse("2026-11-25T03:00:00Z");
        static final String DOWN = "eu-west-1";

        final ManualClock clock = new ManualClock(T0);
        ManagedDatabaseModel aws;
        final Map<String, RdsClient> rds = new HashMap<>();
        final Map<String, CloudWatchClient> cloudWatch = new HashMap<>();

        @BeforeEach
        void start() {
            aws = new ManagedDatabaseModel(clock, aurora(), 30, 60, 10);
            String fence = aurora() ? null : "fence-";
            aws.add("orders-east", "us-east-1", null, fence == null ? null : fence + "east", 0);
            aws.add("orders-west", "us-west-2", "orders-east", fence == null ? null : fence + "west", 2);
            aws.add("orders-eu", DOWN, "orders-east", fence == null ? null : fence + "eu", 2);
            aws.down.add(DOWN);
            clock.advance(Duration.ofMinutes(3)); // the replicas' lag datapoints published
        }

        @AfterEach
        void stop() {
            rds.values().forEach(RdsClient::close);
            cloudWatch.values().forEach(CloudWatchClient::close);
            aws.close();
        }

        abstract boolean aurora();

        Function<String, RdsClient> rdsIn() {
            return region -> rds.computeIfAbsent(region,
                    r -> AwsScalersTest.client(RdsClient.builder(), aws.endpoint()).region(Region.of(r)).build());
        }

        Function<String, CloudWatchClient> cloudWatchIn() {
            return region -> cloudWatch.computeIfAbsent(region, r -> AwsScalersTest
                    .client(CloudWatchClient.builder(), aws.endpoint()).region(Region.of(r)).build());
        }

        @Override
        void passTime() {
            clock.advance(Duration.ofSeconds(5));
        }
    }

    @Nested
    class Rds extends Managed<DatabaseRef.Rds> {

        @Override
        boolean aurora() {
            return false;
        }

        @Override
        Database<DatabaseRef.Rds> database() {
            return new RdsDatabase(ref -> rdsIn().apply(ref.region()), ref -> cloudWatchIn().apply(ref.region()),
                    clock);
        }

        @Override
        DatabaseRef.Rds writer() {
            return new DatabaseRef.Rds("orders-east", "us-east-1", null, "fence-east");
        }

        @Override
        DatabaseRef.Rds replica() {
            return new DatabaseRef.Rds("orders-west", "us-west-2", null, "fence-west");
        }

        @Override
        DatabaseRef.Rds notAnswering() {
            return new DatabaseRef.Rds("orders-eu", DOWN, null, "fence-eu");
        }

        @Override
        DatabaseRef.Rds refused() {
            return new DatabaseRef.Rds("orders-nowhere", "us-west-2", null, "fence-nowhere");
        }
    }

    @Nested
    class Aurora extends Managed<DatabaseRef.AuroraGlobal> {

        @Override
        boolean aurora() {
            return true;
        }

        @Override
        Database<DatabaseRef.AuroraGlobal> database() {
            return new AuroraGlobalDatabase(ref -> rdsIn().apply(ref.region()),
                    ref -> cloudWatchIn().apply(ref.region()), clock);
        }

        static DatabaseRef.AuroraGlobal member(String region, String cluster) {
            return new DatabaseRef.AuroraGlobal("orders",
                    "arn:aws:rds:" + region + ":" + ManagedDatabaseModel.ACCOUNT + ":cluster:" + cluster, null);
        }

        @Override
        DatabaseRef.AuroraGlobal writer() {
            return member("us-east-1", "orders-east");
        }

        @Override
        DatabaseRef.AuroraGlobal replica() {
            return member("us-west-2", "orders-west");
        }

        @Override
        DatabaseRef.AuroraGlobal notAnswering() {
            return member(DOWN, "orders-eu");
        }

        @Override
        DatabaseRef.AuroraGlobal refused() {
            return member("us-west-2", "orders-nowhere");
        }
    }
}
