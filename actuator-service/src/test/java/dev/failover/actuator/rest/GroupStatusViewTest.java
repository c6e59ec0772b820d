package dev.failover.actuator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.domain.data.DataTier;
import dev.failover.actuator.domain.data.DataTiers;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.reconcile.GroupStatus;
import dev.failover.actuator.rest.GroupsResource.GroupStatusView;

/** The view of a group, for every state a status can be in. */
class GroupStatusViewTest {

    /** A group of another instance's partition: no decision, no initial state here. It was a 500 (a null unboxed). */
    @Test
    void aGroupThisInstanceDoesNotDriveIsIdleWithNothingDesired() {
        GroupStatusView view = GroupStatusView.of(new GroupStatus("api", null, new Convergence.Idle(), null, null,
                null));
        assertThat(view.status()).isEqualTo("IDLE");
        assertThat(view.desiredEpoch()).isNull();
        assertThat(view.desiredTarget()).isNull();
    }

    @Test
    void aGroupWithNoDecisionYetDesiresItsFirstTargetAtEpochZero() {
        GroupStatusView view = GroupStatusView.of(new GroupStatus("api", null, new Convergence.Idle(), null, null,
                "primary"));
        assertThat(view.desiredEpoch()).isZero();
        assertThat(view.desiredTarget()).isEqualTo("primary");
        assertThat(view.decisionId()).isEqualTo(DesiredState.INITIAL_DECISION_ID);
    }

    @Test
    void theDataTierSaysEachNodeAsLastObservedAndTheHold() {
        Instant at = Instant.parse("2026-11-25T03:00:00Z");
        DataTier tier = DataTiers.seen(Map.of("primary", new DataTier.Node(new Database.Observation.Unavailable(
                "connect timed out"), at), "secondary", new DataTier.Node(
                        new Database.Observation.Observed(
                                Database.Role.REPLICA, 4_096, 12.5, true, null, null, false),
                        at)),
                at, Duration.ofMillis(1_500));
        GroupStatusView view = GroupStatusView.of(new GroupStatus("api", null, new Convergence.Idle(), null, null,
                "primary", null, tier));
        assertThat(view.databases()).containsExactlyInAnyOrder(
                new GroupsResource.DatabaseNodeView("primary", "UNAVAILABLE", null, null, null, "connect timed out", at,
                        null,
                        null),
                new GroupsResource.DatabaseNodeView("secondary", "REPLICA", 12.5, 4_096L, true, null, at, null, null));
        assertThat(view.heldForDataLossSince()).isEqualTo(at);
        assertThat(view.lastPromotionSeconds()).isEqualTo(1.5);
        assertThat(GroupStatusView.of(new GroupStatus("api", null, new Convergence.Idle(), null, null, null))
                .databases()).as("no data tier").isEmpty();
    }

    /** The last promotion requested, with what it was known it may lose; none before any. */
    @Test
    void theLastPromotionSaysWhenAndWhatItMayHaveLost() {
        Instant at = Instant.parse("2026-11-26T03:00:00Z");
        DataTier tier = DataTiers.of(Map.of(), null, null,
                new DataTier.Promotion("secondary", at, new LossExposure.Window(
                        Duration.ofMillis(1_200), "received everything")),
                Map.of());
        GroupStatusView view = GroupStatusView.of(new GroupStatus("api", null, new Convergence.Idle(), null, null,
                "primary", null, tier));
        assertThat(view.lastPromotionRequested()).isEqualTo(new GroupsResource.PromotionView("secondary", at,
                new LossExposure.Window(Duration.ofMillis(1_200), "received everything").describe(), 1.2));
        assertThat(GroupStatusView.of(new GroupStatus("api", null, new Convergence.Idle(), null, null, "primary",
                null, DataTiers.of(Map.of(), null, null, new DataTier.Promotion("secondary", at, null), Map.of())))
                .lastPromotionRequested().lossExposureSeconds()).as("a force that measured nothing").isNull();
        assertThat(GroupStatusView.of(new GroupStatus("api", null, new Convergence.Idle(), null, null, null))
                .lastPromotionRequested()).isNull();
    }

    /** A replica's loss exposure, in words and seconds; the refused switch after the database moved. */
    @Test
    void aReplicaSaysWhatItsPromotionWouldLose() {
        Instant at = Instant.parse("2026-11-26T03:00:00Z");
        Map<String, DataTier.Node> nodes = Map.of("secondary",
                new DataTier.Node(Database.Observation.Observed.replicaByLag(0, null), at));
        GroupStatusView window = GroupStatusView.of(new GroupStatus("api", null, new Convergence.Idle(), null,
                null, "primary", null, new DataTier(nodes, null, null, null, Map.of("secondary",
                        new LossExposure.Window(Duration.ofMillis(2_500), "received everything")), at)));
        assertThat(window.databases().get(0).lossExposureSeconds()).isEqualTo(2.5);
        assertThat(window.databases().get(0).lossExposure()).contains("up to 2.5 s").contains("received everything");
        assertThat(window.switchRefusedAfterDatabaseMoveSince()).isEqualTo(at);
        GroupStatusView unknown = GroupStatusView.of(new GroupStatus("api", null, new Convergence.Idle(), null,
                null, "primary", null, DataTiers.of(nodes, null, null, null, Map.of("secondary",
                        new LossExposure.Unknown("never seen")))));
        assertThat(unknown.databases().get(0).lossExposureSeconds()).as("unknown").isNull();
        assertThat(unknown.databases().get(0).lossExposure()).contains("unknown: never seen");
    }
}
