package dev.failover.actuator.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;

/** The record of failover.actuator-desired, and which of a group's records a restore keeps. */
class StoredDesiredStateTest {

    static final Decision FAILBACK = new Decision(1, "d-7", "api", 7L, DecisionKind.FAILBACK, "secondary", "primary",
            "test",
            List.of(), Instant.parse("2026-11-22T03:00:00Z"), DecisionMode.LIVE, Decision.AUTOMATION);

    @Test
    void aRecordOfAnOlderReleaseWithoutAChangeStillDecodes() {
        String older = "{\"schemaVersion\":1,\"decision\":" + EventCodec.instance().encode(FAILBACK) + ",\"step\":2}";

        assertThat(StoredDesiredState.decode(older)).isEqualTo(DesiredState.of(FAILBACK).atStep(2));
    }

    @Test
    void theChangeIdIsKeptAndLeftOutWhenThereIsNone() {
        DesiredState pending = DesiredState.of(FAILBACK).atStep(1).written(ProviderLane.ONLY, "C2682N5HXP0BZ4");
        String json = StoredDesiredState.encode(pending);

        assertThat(json).contains("\"pendingChange\":\"C2682N5HXP0BZ4\"");
        assertThat(StoredDesiredState.decode(json)).isEqualTo(pending);
        assertThat(StoredDesiredState.encode(DesiredState.of(FAILBACK).atStep(1))).as("as older releases wrote it")
                .doesNotContain("pendingChange");
    }

    /**
     * The plane's last promotion is kept, carried to the next decision (ADR 0020, "Lineage of a backend without
     * timelines"), forgotten once a way back took it back, and left out when there is none.
     */
    @Test
    void thePlanesLastPromotionIsKeptAndCarriedUntilTakenBack() {
        DesiredState.Promoted promoted = new DesiredState.Promoted(1, "secondary", java.time.Instant.parse(
                "2026-11-29T03:00:00Z"));
        DesiredState state = DesiredState.of(FAILBACK).atStep(0).with(promoted);
        String json = StoredDesiredState.encode(state);

        assertThat(StoredDesiredState.decode(json)).isEqualTo(state);
        assertThat(DesiredState.after(state, FAILBACK).lastPromoted()).as("carried").contains(promoted);
        assertThat(StoredDesiredState.encode(DesiredState.of(FAILBACK).atStep(0))).doesNotContain("promoted");
        DesiredState.Promotion takenBack = DesiredState.Promotion.requested(1, "secondary", "primary", 10)
                .takenBack(2, 1, "taken back");
        assertThat(state.with(takenBack).lastPromoted()).as("taken back").isEmpty();
        assertThat(state.with(takenBack.kept("a write reached it")).lastPromoted()).as("kept").contains(promoted);
    }

    /** The mark of an ARC write is kept, carried to the next decision, and left out when there is none. */
    @Test
    void theMarkOfAWriteWithoutAnOwnerRecordIsKept() {
        String mark = "failover-owner group=api epoch=7 decision=d-7/sets=0123456789abcdef";
        DesiredState marked = DesiredState.of(FAILBACK).atStep(1).marked(ProviderLane.ONLY, mark);
        String json = StoredDesiredState.encode(marked);

        assertThat(json).contains("\"mark\":\"" + mark + "\"");
        assertThat(StoredDesiredState.decode(json)).isEqualTo(marked);
        assertThat(DesiredState.after(marked, FAILBACK).storedMark(ProviderLane.ONLY))
                .as("carried to the next decision").contains(mark);
        assertThat(StoredDesiredState.encode(DesiredState.of(FAILBACK).atStep(1))).doesNotContain("mark");
    }

    /**
     * A group's records, earlier first, and the one a restore keeps. The change id is stored after the write, at the step
     * stored before it: at the same step the later record wins, unless only the earlier holds a change (a late duplicate
     * must not hide a change that may still be pending).
     */
    @Test
    void aRestoreKeepsTheChangeWrittenLastOfTheFurthestStep() {
        DesiredState offered = DesiredState.of(FAILBACK);
        DesiredState written = offered.written(ProviderLane.ONLY, "C1");
        DesiredState rewritten = offered.written(ProviderLane.ONLY, "C2");
        DesiredState nextStep = offered.atStep(1);

        assertThat(KafkaDesiredStore.further(offered, written)).as("the change stored after the write")
                .isEqualTo(written);
        assertThat(KafkaDesiredStore.further(written, offered)).as("a late duplicate without it").isEqualTo(written);
        assertThat(KafkaDesiredStore.further(written, rewritten)).as("the change written last").isEqualTo(rewritten);
        assertThat(KafkaDesiredStore.further(nextStep, written)).as("the further step").isEqualTo(nextStep);
        DesiredState older = DesiredState
                .of(new Decision(1, "d-6", "api", 6L, DecisionKind.FAILOVER, "primary", "secondary",
                        "test", List.of(), FAILBACK.issuedAt(), DecisionMode.LIVE, Decision.AUTOMATION))
                .written(ProviderLane.ONLY, "C0");
        assertThat(KafkaDesiredStore.further(offered, older)).as("the higher epoch").isEqualTo(offered);
    }

    @Test
    void theLanesOfAGroupOfSeveralProvidersAreKeptBesideTheUnnamedOnesFields() {
        // ADR 0036, "Per-lane state in the signed desired state": a Route 53 lane's change id until INSYNC, an ARC
        // lane's mark; the unnamed lane of a group naming no providers stays where older releases wrote it
        DesiredState lanes = DesiredState.of(FAILBACK).atStep(1).written("r53", "C1").marked("arc", "failback/api/7")
                .written("bind", "2026113001");
        String json = StoredDesiredState.encode(lanes);

        assertThat(json).contains("\"lanes\":{\"arc\":{\"mark\":\"failback/api/7\"}")
                .doesNotContain("\"step\":1,\"pendingChange\"");
        assertThat(StoredDesiredState.decode(json)).isEqualTo(lanes);
        assertThat(DesiredState.after(StoredDesiredState.decode(json), FAILBACK).lanes())
                .as("the next decision carries each lane's mark, no change to check")
                .isEqualTo(java.util.Map.of("arc", new DesiredState.LaneRecord(null, "failback/api/7")));
        assertThat(lanes.propagated("r53").changeToCheck("r53")).isEmpty();
        assertThat(lanes.propagated("r53").changeToCheck("bind")).contains("2026113001");
    }

    @Test
    void aRecordNamingTheUnnamedLaneAmongTheLanesIsRefusedNamingTheField() {
        String bad = "{\"schemaVersion\":1,\"decision\":" + EventCodec.instance().encode(FAILBACK)
                + ",\"step\":0,\"lanes\":{\"\":{\"pendingChange\":\"C1\"}}}";

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StoredDesiredState.decode(bad))
                .hasMessageContaining("'lanes'");
    }
}
