package dev.failover.actuator.domain.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Database.Observation.Observed;
import dev.failover.actuator.database.Database.Role;

/**
 * An instance started after a promotion (restarted, or new) knows the group's newest history from the evidence
 * instances kept (ADR 0020, "Lineage before the fence"): an old primary it first sees writable, while the promoted
 * node's region is lost, is a former primary to it too, not the group's writer.
 */
class RestoredHistoryTest {

    static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    static final long CLUSTER = 7_300_000_000_000_000_001L;
    static final long UPGRADED = 7_300_000_000_000_000_002L;

    static Observed writing(long system, long timeline, long lsn) {
        return new Observed(Role.WRITABLE, 0, 0, false, new Database.Wal(timeline, lsn, true, List.of(), null, null, 0,
                system));
    }

    /** The watch of an instance that saw the promotion: the primary on timeline 1, then the secondary on 2. */
    static DataTierWatch sawThePromotion() {
        DataTierWatch watch = new DataTierWatch();
        watch.seen("primary", writing(CLUSTER, 1, 100), T0);
        watch.seen("primary", new Observed(Role.FENCED, 0, 0, false), T0.plusSeconds(1));
        watch.seen("secondary", writing(CLUSTER, 2, 150), T0.plusSeconds(2));
        return watch;
    }

    @Test
    void anOldPrimaryFirstSeenWritableAfterARestartIsAFormerPrimary() {
        DataTierWatch restarted = new DataTierWatch();
        restarted.restore(sawThePromotion().evidence().orElseThrow());

        restarted.seen("primary", writing(CLUSTER, 1, 300), T0.plusSeconds(10));

        assertThat(restarted.formerPrimary("primary")).as("timeline 1 after the secondary wrote 2")
                .map(FormerPrimary::newer).contains("secondary");
        assertThat(restarted.lastSeenWriter()).as("the old primary's writes are not the group's history")
                .isNotEqualTo(java.util.Optional.of("primary"));
    }

    @Test
    void aPromotedNodeUpgradedSinceIsNotAFormerPrimaryOfTheRestoredHistory() {
        DataTierWatch restarted = new DataTierWatch();
        restarted.restore(sawThePromotion().evidence().orElseThrow());

        // pg_upgrade: a new cluster, timeline 1 again; timelines compare within one system identifier only
        restarted.seen("secondary", writing(UPGRADED, 1, 20), T0.plusSeconds(10));

        assertThat(restarted.formerPrimary("secondary")).isEmpty();
        assertThat(restarted.lastSeenWriter()).contains("secondary");
    }

    /**
     * A record kept by an instance that never learnt of a way back (it watched, but did not drive, the group) still
     * names the promoted node's abandoned timeline: while that node is seen fenced, the primary it restored, writing
     * its timeline again, is the group's writer, not a former primary to fence.
     */
    @Test
    void aKeptHistoryWhoseWriterIsSeenFencedMakesNoFormerPrimary() {
        DataTierWatch restarted = new DataTierWatch();
        restarted.restore(sawThePromotion().evidence().orElseThrow());

        restarted.seen("secondary", new Observed(Role.FENCED, 0, 0, false), T0.plusSeconds(9));
        restarted.seen("primary", writing(CLUSTER, 1, 300), T0.plusSeconds(10));

        assertThat(restarted.formerPrimary("primary")).isEmpty();
        assertThat(restarted.lastSeenWriter()).contains("primary");
    }

    @Test
    void aRestoredHistoryOlderThanWhatThisInstanceSawChangesNothing() {
        DataTierWatch watching = sawThePromotion();
        DataTierWatch before = new DataTierWatch();
        before.seen("primary", writing(CLUSTER, 1, 100), T0);
        watching.restore(before.evidence().orElseThrow());

        watching.seen("secondary", writing(CLUSTER, 2, 400), T0.plusSeconds(10));

        assertThat(watching.formerPrimary("secondary")).isEmpty();
        assertThat(watching.lastSeenWriter()).contains("secondary");
    }
}
