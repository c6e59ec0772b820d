package dev.failover.actuator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Database;

import dev.failover.actuator.domain.Convergence;
import dev.failover.actuator.domain.DataTier;
import dev.failover.actuator.domain.GroupReconciler;
import dev.failover.actuator.rest.GroupsResource.GroupStatusView;

/** The view of a group, for every state a status can be in. */
class GroupStatusViewTest {

    /** A group of another instance's partition: no decision, no initial state here. It was a 500 (a null unboxed). */
    @Test
    void aGroupThisInstanceDoesNotDriveIsIdleWithNothingDesired() {
        GroupStatusView view = GroupStatusView.of(new GroupReconciler.Status("api", null, new Convergence.Idle(), null, null,
                null));
        assertThat(view.status()).isEqualTo("IDLE");
        assertThat(view.desiredEpoch()).isNull();
        assertThat(view.desiredTarget()).isNull();
    }

    @Test
    void aGroupWithNoDecisionYetDesiresItsFirstTargetAtEpochZero() {
        GroupStatusView view = GroupStatusView.of(new GroupReconciler.Status("api", null, new Convergence.Idle(), null, null,
                "primary"));
        assertThat(view.desiredEpoch()).isZero();
        assertThat(view.desiredTarget()).isEqualTo("primary");
        assertThat(view.decisionId()).isEqualTo(GroupReconciler.INITIAL_DECISION_ID);
    }

    @Test
    void theDataTierSaysEachNodeAsLastObservedAndTheHold() {
        Instant at = Instant.parse("2026-11-25T03:00:00Z");
        DataTier tier = new DataTier(Map.of("primary", new DataTier.Node(new Database.Observation.Unavailable(
                "connect timed out"), at), "secondary", new DataTier.Node(new Database.Observation.Observed(
                        Database.Role.REPLICA, 4_096, 12.5, true), at)), at, Duration.ofMillis(1_500));
        GroupStatusView view = GroupStatusView.of(new GroupReconciler.Status("api", null, new Convergence.Idle(), null, null,
                "primary", null, tier));
        assertThat(view.databases()).containsExactlyInAnyOrder(
                new GroupsResource.DatabaseNodeView("primary", "UNAVAILABLE", null, null, null, "connect timed out", at),
                new GroupsResource.DatabaseNodeView("secondary", "REPLICA", 12.5, 4_096L, true, null, at));
        assertThat(view.heldForDataLossSince()).isEqualTo(at);
        assertThat(view.lastPromotionSeconds()).isEqualTo(1.5);
        assertThat(GroupStatusView.of(new GroupReconciler.Status("api", null, new Convergence.Idle(), null, null, null))
                .databases()).as("no data tier").isEmpty();
    }
}
