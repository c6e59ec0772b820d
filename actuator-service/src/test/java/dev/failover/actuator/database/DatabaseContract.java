package dev.failover.actuator.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Database.Role;
import dev.failover.actuator.database.Database.WriteOutcome;

/**
 * What every database backend promises the database step ({@link Database}; ADR 0020): a writer is observed writable
 * and its replica a replica; a promoted replica becomes writable and a second promotion changes nothing; the old writer
 * stops taking writes, by a fence that is observed and can be repeated, or, for a backend that switches over itself,
 * by the planned promotion; an undone fence either gives the node back its writes or is refused for good; a node that
 * does not answer for now gives {@code Unavailable}, to be observed again; one that does not exist or refuses the
 * login gives {@code Rejected}. No method throws, whatever the server or the API answers: every condition calls the
 * backend and asserts its outcome, so an exception fails it. The step tells "try again" from "stop" by these outcomes
 * alone, so each backend's test extends this class with its real client against a real server or a fixture of its API.
 *
 * @param <R> the backend's reference to one node
 */
abstract class DatabaseContract<R> {

    /**
     * The backend under test, where {@link #writer()} takes writes and {@link #replica()} replicates it; a fresh
     * pair for every condition.
     */
    abstract Database<R> database();

    /** The node that takes writes. */
    abstract R writer();

    /** A replica of {@link #writer()}. */
    abstract R replica();

    /** A node that does not answer for now: its server stopped, its region's API failing. */
    abstract R notAnswering();

    /** A node refused for good: no such instance or database, a login the server refuses. */
    abstract R refused();

    /**
     * Lets time pass for what was asked to take effect: a real server's own time (a short sleep), a fixture's clock moved
     * on.
     */
    abstract void passTime();

    @Test
    void theWriterIsWritableAndItsReplicaAReplica() {
        assertThat(role(writer())).isEqualTo(Role.WRITABLE);
        assertThat(role(replica())).isEqualTo(Role.REPLICA);
    }

    @Test
    void aPromotedReplicaBecomesWritableAndASecondPromotionChangesNothing() {
        assertThat(database().promote(replica(), Database.Move.UNPLANNED)).isInstanceOf(WriteOutcome.Requested.class);
        awaitRole(replica(), Role.WRITABLE);

        assertThat(database().promote(replica(), Database.Move.UNPLANNED))
                .as("promoting a writable node again: not refused for good (the step would stop)")
                .isNotInstanceOf(WriteOutcome.Rejected.class);
        assertThat(role(replica())).as("still writable").isEqualTo(Role.WRITABLE);
    }

    /**
     * The old writer stops taking writes. A backend that switches over itself (Aurora) refuses a fence, which it cannot
     * do, and its planned promotion demotes the writer; any other fences the writer, observed as fenced, and fencing
     * again changes nothing.
     */
    @Test
    void theOldWriterStopsTakingWrites() {
        if (database().switchesOverItself()) {
            assertThat(database().fence(writer())).as("a fence it cannot make")
                    .isInstanceOf(WriteOutcome.Rejected.class);
            assertThat(database().promote(replica(), Database.Move.PLANNED)).isInstanceOf(WriteOutcome.Requested.class);
            awaitRole(replica(), Role.WRITABLE);
            assertThat(role(writer())).as("the old writer, demoted").isNotEqualTo(Role.WRITABLE);
            return;
        }
        assertThat(database().fence(writer())).isInstanceOf(WriteOutcome.Requested.class);
        awaitRole(writer(), Role.FENCED);

        assertThat(database().fence(writer())).as("fencing again").isInstanceOf(WriteOutcome.Requested.class);
        assertThat(role(writer())).as("still fenced").isEqualTo(Role.FENCED);
    }

    /** The way back of a planned move (ADR 0020): the writes given back, or refused for good, never "try again". */
    @Test
    void anUndoneFenceGivesTheWritesBackOrIsRefused() {
        if (!database().switchesOverItself()) {
            assertThat(database().fence(writer())).isInstanceOf(WriteOutcome.Requested.class);
            awaitRole(writer(), Role.FENCED);
        }
        WriteOutcome undone = database().unfence(writer());

        assertThat(undone).isNotInstanceOf(WriteOutcome.Unavailable.class);
        if (undone instanceof WriteOutcome.Requested) {
            awaitRole(writer(), Role.WRITABLE);
        }
    }

    @Test
    void aNodeThatDoesNotAnswerIsUnavailable() {
        assertThat(database().observe(notAnswering())).as("observe").isInstanceOf(Observation.Unavailable.class);
        assertThat(database().promote(notAnswering(), Database.Move.UNPLANNED)).as("promote")
                .isInstanceOf(WriteOutcome.Unavailable.class);
        if (!database().switchesOverItself()) {
            assertThat(database().fence(notAnswering())).as("fence").isInstanceOf(WriteOutcome.Unavailable.class);
        }
    }

    @Test
    void aNodeRefusedForGoodIsRejected() {
        assertThat(database().observe(refused())).as("observe").isInstanceOf(Observation.Rejected.class);
        assertThat(database().promote(refused(), Database.Move.UNPLANNED)).as("promote")
                .isInstanceOf(WriteOutcome.Rejected.class);
        assertThat(database().fence(refused())).as("fence").isInstanceOf(WriteOutcome.Rejected.class);
    }

    private Role role(R ref) {
        Observation seen = database().observe(ref);
        assertThat(seen).as("observing %s", ref).isInstanceOf(Observation.Observed.class);
        return ((Observation.Observed) seen).role();
    }

    /** Observed again, time passing between, until {@code ref} is in {@code role}; unanswered observations too. */
    private void awaitRole(R ref, Role role) {
        await(ref + " " + role).atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    passTime();
                    return database().observe(ref) instanceof Observation.Observed o && o.role() == role;
                });
    }
}
