package dev.failover.decision.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.decision.ownership.PartitionOwnership.Standing;

/** A partition is decided only when assigned, restored and under a valid lease; a stall longer than the lease holds it. */
class PartitionOwnershipTest {

    static final Duration LEASE = Duration.ofSeconds(5);

    /** The test's monotonic clock, and the ownership under test. */
    record Fixture(AtomicLong nanos, PartitionOwnership ownership) {
        void pass(Duration d) {
            nanos.addAndGet(d.toNanos());
        }

        /** The process runs for {@code d}, seen by the watchdog every 200 ms. */
        void run(Duration d) {
            for (long t = 0; t < d.toMillis(); t += 200) {
                pass(Duration.ofMillis(200));
                ownership.beat();
            }
        }
    }

    static Arguments row(String what, Consumer<Fixture> steps, Standing expected) {
        return Arguments.of(what, steps, expected);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                row("never assigned", f -> {
                }, Standing.NOT_ASSIGNED),
                row("assigned, restore running", f -> f.ownership.assigned(List.of(0)), Standing.NOT_RESTORED),
                row("assigned, restore failed", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restoreFailed(0, "broker away");
                }, Standing.NOT_RESTORED),
                row("assigned, restore failed then succeeded", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restoreFailed(0, "broker away");
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                }, Standing.DECIDING),
                row("restored, then revoked", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                    f.ownership.revoked(List.of(0));
                }, Standing.NOT_ASSIGNED),
                row("another partition restored only", f -> {
                    f.ownership.assigned(List.of(1));
                    f.ownership.restored(1);
                    f.ownership.rebalanced();
                }, Standing.NOT_ASSIGNED),
                row("restored, running for a minute", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                    f.run(Duration.ofMinutes(1));
                }, Standing.DECIDING),
                row("restored, stalled just under the lease", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                    f.pass(LEASE.minusMillis(1));
                }, Standing.DECIDING),
                row("restored, stalled longer than the lease (SIGSTOP)", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                    f.pass(LEASE.plusMillis(1));
                }, Standing.LEASE_LAPSED),
                row("stalled, then running again: still lapsed until a rebalance", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                    f.pass(Duration.ofMinutes(1));
                    f.run(Duration.ofMinutes(1));
                }, Standing.LEASE_LAPSED),
                row("stalled, then a rebalance kept the partition", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                    f.pass(Duration.ofMinutes(1));
                    f.ownership.beat();
                    f.ownership.revoked(List.of(0));
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                }, Standing.DECIDING),
                row("stalled, then a rebalance moved the partition away", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                    f.pass(Duration.ofMinutes(1));
                    f.ownership.revoked(List.of(0));
                    f.ownership.assigned(List.of(1));
                    f.ownership.restored(1);
                    f.ownership.rebalanced();
                }, Standing.NOT_ASSIGNED),
                row("restored, behind the end it had at assignment: catching up", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.behind(0, 100);
                    f.ownership.rebalanced();
                    f.ownership.consumed(0, 98);
                }, Standing.CATCHING_UP),
                row("restored, caught up with the end it had at assignment", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.behind(0, 100);
                    f.ownership.rebalanced();
                    f.ownership.consumed(0, 98);
                    f.ownership.consumed(0, 99);
                }, Standing.DECIDING),
                row("another partition's records do not catch this one up", f -> {
                    f.ownership.assigned(List.of(0, 1));
                    f.ownership.restored(0);
                    f.ownership.restored(1);
                    f.ownership.behind(0, 100);
                    f.ownership.rebalanced();
                    f.ownership.consumed(1, 500);
                }, Standing.CATCHING_UP),
                row("catching up, then revoked and assigned again with nothing behind", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.behind(0, 100);
                    f.ownership.rebalanced();
                    f.ownership.revoked(List.of(0));
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                }, Standing.DECIDING),
                row("catching up and stalled longer than the lease: lapsed", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.behind(0, 100);
                    f.ownership.rebalanced();
                    f.pass(LEASE.plusMillis(1));
                }, Standing.LEASE_LAPSED),
                row("a start slower than the lease, before anything was assigned: deciding", f -> {
                    f.pass(LEASE.plusSeconds(1)); // from construction to the first assignment: nothing held to lose
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                }, Standing.DECIDING),
                row("stalled while holding nothing, then assigned: deciding", f -> {
                    f.ownership.assigned(List.of(1));
                    f.ownership.restored(1);
                    f.ownership.rebalanced();
                    f.ownership.revoked(List.of(1));
                    f.pass(Duration.ofMinutes(1));
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.ownership.rebalanced();
                }, Standing.DECIDING),
                row("stalled inside the rebalance callback: its outcome is doubtful too", f -> {
                    f.ownership.assigned(List.of(0));
                    f.ownership.restored(0);
                    f.pass(Duration.ofMinutes(1));
                    f.ownership.rebalanced();
                }, Standing.LEASE_LAPSED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void standingOfPartitionZero(String what, Consumer<Fixture> steps, Standing expected) {
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        Fixture fixture = new Fixture(nanos, new PartitionOwnership(nanos::get, LEASE));
        steps.accept(fixture);
        assertThat(fixture.ownership().standing(0)).as(what).isEqualTo(expected);
    }

    /**
     * A decision-service restarted on a busy machine took longer than the lease (3 s) from building its ownership to the
     * watchdog's first beat: it found itself "stalled", asked for a rebalance it did not need, and restored every
     * partition twice before deciding (DecisionTakeoverIT, 2026-11-25: 18.2 s from the failure to the new answer against
     * a bound of 12 s). A stall can only cost partitions held when it began.
     */
    @Test
    void aStartSlowerThanTheLeaseAsksForNoRebalance() {
        AtomicLong nanos = new AtomicLong();
        PartitionOwnership ownership = new PartitionOwnership(nanos::get, LEASE);
        nanos.addAndGet(LEASE.plusSeconds(1).toNanos());
        assertThat(ownership.beat()).as("the first beat, later than the lease after start, nothing assigned").isFalse();
    }

    @Test
    void eachLapseAsksForOneRebalance() {
        AtomicLong nanos = new AtomicLong();
        PartitionOwnership ownership = new PartitionOwnership(nanos::get, LEASE);
        ownership.assigned(List.of(0)); // a stall costs only what is held (aStartSlowerThanTheLeaseAsksForNoRebalance)
        assertThat(ownership.beat()).as("running: no rebalance asked").isFalse();
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(ownership.beat()).as("after a stall: a rebalance asked").isTrue();
        assertThat(ownership.beat()).as("the same lapse: not asked again").isFalse();
        ownership.rebalanced();
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(ownership.beat()).as("a second stall after the rebalance: asked again").isTrue();
    }

    @Test
    void aFailingRestoreIsReportedWithItsAttemptsAndLastError() {
        AtomicLong nanos = new AtomicLong();
        PartitionOwnership ownership = new PartitionOwnership(nanos::get, LEASE);
        ownership.assigned(List.of(2, 0));
        ownership.restoreFailed(2, "timeout");
        ownership.restoreFailed(2, "unreachable");
        ownership.restored(0);
        assertThat(ownership.unrestored()).as("partitions not restored")
                .containsExactly(new PartitionOwnership.Unrestored(2, 2, "unreachable"));
    }

    /**
     * The evidence of a partition revoked and assigned again continues only when nothing after the last record handled
     * here was consumed elsewhere: the new position is at most one past it. Records handled while not deciding do not
     * count. Asked once per assignment.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("continuity")
    void evidenceContinuesOnlyWhenNothingWasReadElsewhere(String what, long position, boolean decidingWhileConsumed,
            boolean expected) {
        PartitionOwnership ownership = new PartitionOwnership(new AtomicLong()::get, LEASE);
        if (decidingWhileConsumed) {
            ownership.assigned(List.of(0));
            ownership.restored(0);
            ownership.rebalanced();
        }
        ownership.consumed(0, 40);
        ownership.consumed(0, 41);
        ownership.revoked(List.of(0));
        assertThat(ownership.evidenceContinues(0, position)).as(what).isEqualTo(expected);
        assertThat(ownership.evidenceContinues(0, position)).as(what + ", asked again").isFalse();
    }

    static Stream<Arguments> continuity() {
        return Stream.of(
                Arguments.of("back at the next record", 42L, true, true),
                Arguments.of("back behind it: records read again, counted once", 30L, true, true),
                Arguments.of("one record read elsewhere", 43L, true, false),
                Arguments.of("handled while not deciding", 42L, false, false));
    }
}
