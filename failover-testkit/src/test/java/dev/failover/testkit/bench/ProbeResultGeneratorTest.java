package dev.failover.testkit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;

class ProbeResultGeneratorTest {

    private static final Topology TOPOLOGY = TopologyLoader.parse("""
            version: 1
            locations: [loc-a, loc-b, loc-c]
            groups:
              - id: g0
                dns: {zone: bench.test., name: g0.bench.test., type: A, ttl: 30}
                targets:
                  - {id: primary, region: us-east-1, probe: {type: http, url: "http://127.0.0.1:25081/health?g=0", intervalSeconds: 2, timeoutMillis: 1500}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: us-west-2, probe: {type: http, url: "http://127.0.0.1:25082/health?g=0", intervalSeconds: 2, timeoutMillis: 1500}, dns: {values: [192.0.2.2]}}
              - id: g1
                dns: {zone: bench.test., name: g1.bench.test., type: A, ttl: 30}
                targets:
                  - {id: primary, region: us-east-1, probe: {type: http, url: "http://127.0.0.1:25081/health?g=1", intervalSeconds: 2, timeoutMillis: 1500}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: us-west-2, probe: {type: http, url: "http://127.0.0.1:25082/health?g=1", intervalSeconds: 2, timeoutMillis: 1500}, dns: {values: [192.0.2.2]}}
            """, "generator test");

    @Test
    void everyTargetHasOneSlotAPhaseWithinItsIntervalAndItsBackend() {
        List<ProbeResultGenerator.Slot> slots = ProbeResultGenerator.slots(TOPOLOGY, "loc-a");

        assertThat(slots).hasSize(4);
        assertThat(slots).allSatisfy(slot -> {
            assertThat(slot.intervalNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(2));
            assertThat(slot.phaseNanos()).isBetween(0L, slot.intervalNanos() - 1);
        });
        assertThat(slots).extracting(ProbeResultGenerator.Slot::backend).containsOnly("http://127.0.0.1:25081/health",
                "http://127.0.0.1:25082/health");
        assertThat(slots).extracting(ProbeResultGenerator.Slot::phaseNanos).isSorted();
    }

    @Test
    void locationsHaveTheirOwnPhases() {
        assertThat(ProbeResultGenerator.slots(TOPOLOGY, "loc-a")).extracting(ProbeResultGenerator.Slot::phaseNanos)
                .isNotEqualTo(ProbeResultGenerator.slots(TOPOLOGY, "loc-b").stream()
                        .map(ProbeResultGenerator.Slot::phaseNanos).toList());
    }

    @Test
    void resultsAreWhatAProbeLocationPublishesAndReadBackAsSuch() {
        ProbeResultGenerator.Slot slot = ProbeResultGenerator.slots(TOPOLOGY, "loc-b").get(0);

        ProbeResult down = EventCodec.instance().decode(EventCodec.instance().encode(
                ProbeResultGenerator.result(slot, "loc-b", "generator-loc-b", false)), ProbeResult.class);
        ProbeResult up = ProbeResultGenerator.result(slot, "loc-b", "generator-loc-b", true);

        assertThat(down.outcome()).isEqualTo(ProbeOutcome.DOWN);
        assertThat(down.failureReason()).isEqualTo(FailureReason.UNEXPECTED_STATUS);
        assertThat(down.httpStatus()).isEqualTo(503);
        assertThat(down.location()).isEqualTo("loc-b");
        assertThat(down.prober()).isEqualTo("generator-loc-b");
        assertThat(down.group()).isEqualTo(slot.group().id());
        assertThat(down.targetRegion()).isEqualTo(slot.target().region());
        assertThat(up.outcome()).isEqualTo(ProbeOutcome.UP);
        assertThat(up.failureReason()).isNull();
    }

    @Test
    void onlyHttpProbesAreStoodInFor() {
        Topology tcp = TopologyLoader.parse("""
                version: 1
                locations: [loc-a]
                groups:
                  - id: g0
                    dns: {zone: bench.test., name: g0.bench.test., type: A, ttl: 30}
                    targets:
                      - {id: primary, region: us-east-1, probe: {type: tcp, host: 127.0.0.1, port: 1}, dns: {values: [192.0.2.1]}}
                      - {id: secondary, region: us-west-2, probe: {type: tcp, host: 127.0.0.1, port: 2}, dns: {values: [192.0.2.2]}}
                """, "tcp");

        assertThatThrownBy(() -> ProbeResultGenerator.slots(tcp, "loc-a")).hasMessageContaining("http probes only");
    }
}
