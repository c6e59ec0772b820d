package dev.failover.actuator.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.plan.Progress;
import dev.failover.actuator.domain.plan.Stored;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;

/**
 * Lanes' writes taken into the newest desired state (ADR 0036, "Per-lane state in the signed desired state"): each
 * lane's pass works on the desired state it adopted, and another lane's write changes the newest meanwhile.
 */
class NewestDesiredTest {

    private static final Instant NOW = Instant.parse("2026-12-01T01:00:00Z");

    private final List<DesiredState> saved = new ArrayList<>();
    private final NewestDesired newest = new NewestDesired(saved::add);

    @Test
    void twoLanesWritingFromTheSameDesiredStateKeepBothChanges() {
        newest.offer(failover(7));
        Progress worked = Progress.idle().adopt(newest.get(), NOW);

        newest.apply(written("r53", "C1"), worked);
        Progress second = newest.apply(written("bind", "2026120101"), worked);
        newest.apply(new Stored.SaveUnstoredChange(), second);

        assertThat(newest.get().changeToCheck("r53")).contains("C1");
        assertThat(newest.get().changeToCheck("bind")).contains("2026120101");
        assertThat(saved).as("the last record stored holds every lane's change").last().isEqualTo(newest.get());
        assertThat(second.desired()).isEqualTo(newest.get());
    }

    @Test
    void aLanesChangeSeenPropagatedLeavesTheOtherLanesChange() {
        newest.offer(failover(7));
        Progress worked = Progress.idle().adopt(newest.get(), NOW);
        newest.apply(written("r53", "C1"), worked);
        newest.apply(written("bind", "2026120101"), worked);

        newest.apply(new Stored.ChangePropagated("bind"), worked);

        assertThat(newest.get().changeToCheck("bind")).isEmpty();
        assertThat(newest.get().changeToCheck("r53")).contains("C1");
    }

    @Test
    void aLaneWriteOfAnOlderDecisionIsNotTakenIntoANewerOne() {
        newest.offer(failover(7));
        Progress worked = Progress.idle().adopt(newest.get(), NOW);
        newest.offer(failover(8));

        Progress after = newest.apply(written("r53", "C1"), worked);

        assertThat(newest.get().epoch()).isEqualTo(8);
        assertThat(newest.get().changeToCheck("r53")).isEmpty();
        assertThat(after).isEqualTo(worked);
    }

    private static Stored.ChangeWritten written(String lane, String reference) {
        return new Stored.ChangeWritten(lane, Optional.of(reference), Optional.empty());
    }

    private static Decision failover(long epoch) {
        return new Decision(1, "d-" + epoch, "api", epoch, DecisionKind.FAILOVER, "primary", "secondary", "test",
                List.of(),
                NOW, DecisionMode.LIVE, Decision.AUTOMATION);
    }
}
