package dev.failover.actuator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.Convergence;
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
}
