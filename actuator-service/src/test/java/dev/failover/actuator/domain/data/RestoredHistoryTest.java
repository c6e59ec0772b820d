package dev.failover.actuator.domain.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Database.Observation.Observed;
import dev.failover.actuator.database.Database.Role;
import dev.failover.actuator.domain.model.DesiredState;

/**
 * An instance started after a promotion (restarted, or new) knows the group's newest history from the evidence
 * instances kept (ADR 0020, "Timelines within one system identifier"): an old primary it first sees writable, while
 * the node the plane promoted is out of sight, is a former primary to it too, not the group's writer.
 */
class RestoredHistoryTest {

    static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    static final long CLUSTER = 7_300_000_000_000_000_001L;
    static final long UPGRADED = 7_300_000_000_000_000_002L;
    /** The plane's last promotion, as the group's signed desired state carries it from owner to owner. */
    static final DesiredState.Promoted SECONDARY_PROMOTED = new DesiredState.Promoted(7, "secondary",
            T0.plusSeconds(2));

    static Observed writing(long system, long timeline, long lsn) {
        return Observed.withWal(Role.WRITABLE, new Database.Wal(timeline, lsn, true, List.of(), null, null, 0,
                system));
    }

    /** The watch of an instance that saw the promotion: the primary on timeline 1, then the secondary on 2. */
    static DataTierWatch sawThePromotion() {
        DataTierWatch watch = new DataTierWatch();
        watch.seen("primary", writing(CLUSTER, 1, 100), T0);
        watch.seen("primary", Observed.fenced(), T0.plusSeconds(1));
        watch.seen("secondary", writing(CLUSTER, 2, 150), T0.plusSeconds(2));
        return watch;
    }

    /** An instance started after it, which restored what the first kept and drives the group. */
    static DataTierWatch restarted(DesiredState.Promoted promoted) {
        DataTierWatch restarted = new DataTierWatch();
        restarted.restore(sawThePromotion().evidence().orElseThrow());
        restarted.promotedByThePlane(promoted);
        return restarted;
    }

    @Test
    void anOldPrimaryFirstSeenWritableAfterARestartIsAFormerPrimary() {
        DataTierWatch restarted = restarted(SECONDARY_PROMOTED);

        restarted.seen("primary", writing(CLUSTER, 1, 300), T0.plusSeconds(10));

        assertThat(restarted.formerPrimary("primary")).as("timeline 1 after the secondary wrote 2")
                .map(FormerPrimary::newer).contains("secondary");
        assertThat(restarted.lastSeenWriter()).as("the old primary's writes are not the group's history")
                .isNotEqualTo(java.util.Optional.of("primary"));
    }

    /** Kept beyond this instance's life again: a second restart under the same instance id forgets nothing. */
    @Test
    void theRestoredHistoryIsKeptAgain() {
        DataTierWatch restarted = restarted(SECONDARY_PROMOTED);
        restarted.seen("primary", writing(CLUSTER, 1, 300), T0.plusSeconds(10));

        assertThat(restarted.evidence().orElseThrow().newest())
                .isEqualTo(new DataTierEvidence.History("secondary", 2, CLUSTER));
    }

    /** Timelines compare within one system identifier: pg_upgrade begins a new cluster on timeline 1. */
    @Test
    void nodesWritingAnUpgradedClusterAreNotFormerPrimariesOfTheRestoredHistory() {
        DataTierWatch upgradedPromoted = restarted(SECONDARY_PROMOTED);
        upgradedPromoted.seen("secondary", writing(UPGRADED, 1, 20), T0.plusSeconds(10));
        assertThat(upgradedPromoted.formerPrimary("secondary")).isEmpty();
        assertThat(upgradedPromoted.lastSeenWriter()).contains("secondary");

        DataTierWatch upgradedOther = restarted(SECONDARY_PROMOTED);
        upgradedOther.seen("primary", writing(UPGRADED, 1, 20), T0.plusSeconds(10));
        assertThat(upgradedOther.formerPrimary("primary")).as("timeline 1 of another cluster than the kept 2's")
                .isEmpty();
    }

    /**
     * A record kept by an instance that watched but did not drive the group never learnt of a way back since, and
     * still names the promoted node's abandoned timeline; the desired state, which took the promotion back, no longer
     * names that node: the primary the way back restored, writing its timeline again, is the group's writer.
     */
    @Test
    void aKeptHistoryOfANodeThePlaneNoLongerNamesMakesNoFormerPrimary() {
        DataTierWatch restarted = restarted(null);

        restarted.seen("primary", writing(CLUSTER, 1, 300), T0.plusSeconds(10));

        assertThat(restarted.formerPrimary("primary")).isEmpty();
        assertThat(restarted.lastSeenWriter()).contains("primary");
    }

    @Test
    void aRestoredHistoryOlderThanWhatThisInstanceSawChangesNothing() {
        DataTierWatch watching = sawThePromotion();
        watching.promotedByThePlane(SECONDARY_PROMOTED);
        DataTierWatch before = new DataTierWatch();
        before.seen("primary", writing(CLUSTER, 1, 100), T0);
        watching.restore(before.evidence().orElseThrow());

        watching.seen("secondary", writing(CLUSTER, 2, 400), T0.plusSeconds(10));

        assertThat(watching.formerPrimary("secondary")).isEmpty();
        assertThat(watching.lastSeenWriter()).contains("secondary");
    }

    /** Two clusters' histories kept, none seen: which is newer is unknown, and neither is kept again as the newest. */
    @Test
    void nothingIsKeptAgainWhenTwoClustersHistoriesWereRestoredAndNoneSeen() {
        DataTierWatch restarted = new DataTierWatch();
        restarted.restore(sawThePromotion().evidence().orElseThrow());
        DataTierWatch upgraded = new DataTierWatch();
        upgraded.seen("secondary", writing(UPGRADED, 1, 10), T0.plusSeconds(5));
        restarted.restore(upgraded.evidence().orElseThrow());

        assertThat(restarted.evidence().orElseThrow().newest()).isNull();
    }
}
