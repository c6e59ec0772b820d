package dev.failover.actuator.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.database.PostgresOnly;
import dev.failover.actuator.database.PostgresRef;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.LeasedDnsProvider;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.contract.topology.DatabaseRef;

/**
 * Every external write asks the lease first (ADR 0006). With the lease lapsed, a DNS write, a promotion, a fence and an
 * unfence reach no backend and come back Unavailable with the lease's reason; with it held they go through.
 */
class LeasedWritesTest {

    static final String LAPSED = "this actuator has not heard from its Kafka group coordinator for 4000 ms";

    /** A PostgreSQL backend that only records the writes that reach it. */
    static final class Recording implements Database<PostgresRef> {
        final List<String> writes = new ArrayList<>();

        @Override
        public Observation observe(PostgresRef ref) {
            return new Observation.Unavailable("not asked in this test");
        }

        @Override
        public WriteOutcome promote(PostgresRef ref, Move move) {
            writes.add("promote");
            return new WriteOutcome.Requested("promoted");
        }

        @Override
        public WriteOutcome fence(PostgresRef ref) {
            writes.add("fence");
            return new WriteOutcome.Requested("fenced");
        }

        @Override
        public WriteOutcome unfence(PostgresRef ref) {
            writes.add("unfence");
            return new WriteOutcome.Requested("unfenced");
        }
    }

    @ParameterizedTest(name = "lease held: {0}")
    @ValueSource(booleans = { true, false })
    void databaseWritesAskTheLease(boolean held) {
        Recording backend = new Recording();
        Lease lease = held ? Lease.HELD : () -> Optional.of(LAPSED);
        Databases databases = PostgresOnly.databases(backend, Map.of("app", new Databases.Login("failover", "pw")))
                .leasedBy(lease, java.time.Duration.ofSeconds(4), java.time.Duration.ofSeconds(5));
        DatabaseRef node = new DatabaseRef.Postgres("jdbc:postgresql://db-east:5432/app", "app");
        List<Database.WriteOutcome> outcomes = List.of(databases.promote(node, Database.Move.UNPLANNED).orElseThrow(),
                databases.fence(node).orElseThrow(), databases.unfence(node).orElseThrow());
        if (held) {
            assertThat(backend.writes).containsExactly("promote", "fence", "unfence");
            assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Database.WriteOutcome.Requested.class));
        } else {
            assertThat(backend.writes).as("writes that reached the database").isEmpty();
            assertThat(outcomes)
                    .allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(Database.WriteOutcome.Unavailable.class,
                            u -> assertThat(u.reason()).startsWith("not written: ").contains(LAPSED)));
        }
    }

    /**
     * ADR 0006, "A write lands within the lease's margin": the lease only says no other instance can own the group yet.
     * Another may act from the lease's end plus its margin (half the session timeout); a PostgreSQL fence asked for with
     * half a second of lease left, which may land up to two call timeouts later (its connection, then its statement),
     * could land after another owner acted. It is not made; once a heartbeat's answer renews the lease, it is.
     */
    @Test
    void aDatabaseWriteThatMayLandAfterTheLeasesMarginIsNotMade() {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        CoordinatorLease lease = new CoordinatorLease(nanos::get, java.time.Duration.ofSeconds(3));
        lease.rebalanced(); // held for 3 s from 0
        nanos.set(java.time.Duration.ofMillis(2500).toNanos()); // 0.5 s left; another owner no sooner than 3.5 s on
        Recording backend = new Recording();
        Databases databases = PostgresOnly.databases(backend, Map.of("app", new Databases.Login("failover", "pw")))
                .leasedBy(lease, java.time.Duration.ofSeconds(4), java.time.Duration.ofSeconds(5));
        DatabaseRef node = new DatabaseRef.Postgres("jdbc:postgresql://db-east:5432/app", "app");

        assertThat(databases.fence(node).orElseThrow()).isInstanceOfSatisfying(Database.WriteOutcome.Unavailable.class,
                u -> assertThat(u.reason()).startsWith("not written: ").contains("may land"));
        assertThat(backend.writes).as("writes that reached the database").isEmpty();

        lease.heard(nanos.get()); // a heartbeat sent now is answered: held for 3 s more
        assertThat(databases.fence(node).orElseThrow()).isInstanceOf(Database.WriteOutcome.Requested.class);
        assertThat(backend.writes).containsExactly("fence");
    }

    /** A DNS provider that only records the writes that reach it. */
    static final class RecordingDns implements DnsProvider {
        final List<RecordWrite> writes = new ArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Routing routing() {
            return Routing.SINGLE;
        }

        @Override
        public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
            return new ReadOutcome.Unavailable("not asked in this test");
        }

        @Override
        public WriteOutcome write(RecordWrite write) {
            writes.add(write);
            return new WriteOutcome.Written("written", null);
        }
    }

    @ParameterizedTest(name = "lease held: {0}")
    @ValueSource(booleans = { true, false })
    void dnsWritesAskTheLease(boolean held) {
        RecordingDns backend = new RecordingDns();
        DnsProvider leased = new LeasedDnsProvider(backend, held ? Lease.HELD : () -> Optional.of(LAPSED));
        DnsProvider.WriteOutcome outcome = leased.write(new RecordWrite(null, null, null, List.of(), null));
        if (held) {
            assertThat(outcome).isInstanceOf(DnsProvider.WriteOutcome.Written.class);
            assertThat(backend.writes).hasSize(1);
        } else {
            assertThat(outcome).isInstanceOfSatisfying(DnsProvider.WriteOutcome.Unavailable.class,
                    u -> assertThat(u.reason()).contains(LAPSED));
            assertThat(backend.writes).as("writes that reached the DNS server").isEmpty();
        }
    }
}
