package dev.failover.actuator.state;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.actuator.domain.data.DataTierEvidence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.testkit.records.ReleaseRecords;

/**
 * The actuator's own records (desired states and data-tier evidence, compacted topics every actuator restores from at
 * start) as this release writes them, and every earlier release's read by this build (ReleaseRecords): an upgraded
 * actuator must go on from the desired state and the WAL positions the one before it left.
 */
class ActuatorRecordsTest {

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReleaseRecords records = ReleaseRecords.ofThisModule();

    @Test
    void thisReleaseWritesTheRecordsKeptForIt() {
        records.assertThisReleaseWrites(written());
    }

    @Test
    void everyEarlierReleasesRecordsAreReadWithoutLosingAValue() {
        records.assertEarlierReleasesRead(name -> name.startsWith("desired-state")
                ? json -> StoredDesiredState.encode(StoredDesiredState.decode(json))
                : name.startsWith("data-tier-evidence")
                        ? json -> KafkaEvidenceStore.encode("api", KafkaEvidenceStore.decode(tree(json)))
                        : null);
    }

    static Map<String, String> written() {
        Decision failover = new Decision(1, "d-7", "api", 7L, DecisionKind.FAILOVER, "primary", "secondary",
                "primary down from 2 of 3 locations", List.of(), AT, DecisionMode.LIVE, Decision.AUTOMATION);
        Decision failback = new Decision(1, "d-8", "api", 8L, DecisionKind.FAILBACK, "secondary", "primary",
                "primary healthy for 300 s", List.of(), AT.plusSeconds(600), DecisionMode.LIVE, Decision.AUTOMATION);
        DesiredState.Promotion promoted = DesiredState.Promotion.requested(7, "secondary", "primary", 74_211);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("desired-state", StoredDesiredState.encode(DesiredState.of(failover).atStep(0)));
        out.put("desired-state-promoted", StoredDesiredState.encode(new DesiredState(failover, 0,
                Map.of(ProviderLane.ONLY,
                        new DesiredState.LaneRecord("/change/C02689331NQ5VSIUI8HBU", "failover/api/7")),
                promoted, null)));
        out.put("desired-state-taken-back", StoredDesiredState.encode(new DesiredState(failover, 0, Map.of(),
                promoted.takingBack("the switch was refused").takenBack(2, 1, "primary takes writes again"), null)));
        out.put("desired-state-stepped-failback", StoredDesiredState.encode(DesiredState.of(failback).atStep(2)));
        out.put("data-tier-evidence", KafkaEvidenceStore.encode("api", new DataTierEvidence(
                new DataTierEvidence.Point("primary", AT, 2, 0x3000060L, List.of("replica-a")),
                Map.of("secondary",
                        new DataTierEvidence.Point("primary", AT.minusSeconds(1), 2, 0x3000028L, List.of())),
                new DataTierEvidence.History("primary", 2, 7_300_123_456_789_012_345L))));
        return out;
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
