package dev.failover.contract.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class ProbeResultTest {

    static final Instant AT = Instant.parse("2026-11-21T10:00:00Z");

    /** Each value differs from the others of its type, so a setter that fills the wrong component is seen. */
    @Test
    void eachFieldNamedOnTheBuilderLandsInItsOwnComponent() {
        PhaseTimings timings = new PhaseTimings(1L, 2L, 3L, 4L, 5L);
        DnsAnswer answer = new DnsAnswer("NOERROR", List.of("192.0.2.20"), 60L, "10.0.0.2:53");
        ProbeResult built = ProbeResult.of("api", "primary", "us-east-1", "loc-a", AT, ProbeOutcome.UNKNOWN)
                .schemaVersion(EventCodec.SCHEMA_VERSION).durationMillis(2004L).failureReason(FailureReason.TIMEOUT)
                .httpStatus(503).timings(timings).locationImpaired(true).tlsDaysToExpiry(61).detail("status 503")
                .impairment(LocationImpairment.SELF_CHECK_FAILED).dependency("orders-db").prober("probe-0")
                .dnsAnswer(answer)
                .build();
        assertThat(built)
                .isEqualTo(new ProbeResult(EventCodec.SCHEMA_VERSION, "api", "primary", "us-east-1", "loc-a", AT,
                        2004L, ProbeOutcome.UNKNOWN, FailureReason.TIMEOUT, 503, timings, true, 61, "status 503",
                        LocationImpairment.SELF_CHECK_FAILED, "orders-db", "probe-0", answer));
    }

    @Test
    void aFieldNotNamedIsAbsentAndTheVersionIsTheContracts() {
        ProbeResult built = ProbeResult.of("api", "primary", "us-east-1", "loc-a", AT, ProbeOutcome.UP)
                .durationMillis(12L)
                .build();
        assertThat(built)
                .isEqualTo(new ProbeResult(EventCodec.SCHEMA_VERSION, "api", "primary", "us-east-1", "loc-a", AT,
                        12L, ProbeOutcome.UP, null, null, null, false, null, null, null, null, null, null));
    }

    /** A built result is checked as a decoded one is: by the canonical constructor. */
    @Test
    void aResultMissingWhatItsOutcomeRequiresIsNotBuilt() {
        assertThatThrownBy(() -> ProbeResult.of("api", "primary", "us-east-1", "loc-a", AT, ProbeOutcome.UP).build())
                .hasMessageContaining("missing required field 'durationMillis'");
        assertThatThrownBy(() -> ProbeResult.of("api", "primary", "us-east-1", "loc-a", AT, ProbeOutcome.DOWN)
                .durationMillis(1L).build()).hasMessageContaining("missing required field 'failureReason'");
        assertThatThrownBy(() -> ProbeResult.of("api", "primary", "us-east-1", "loc-a", AT, ProbeOutcome.UNKNOWN)
                .durationMillis(1L).build()).hasMessageContaining("missing required field 'impairment'");
        assertThatThrownBy(
                () -> ProbeResult.of("api", " ", "us-east-1", "loc-a", AT, ProbeOutcome.UP).durationMillis(1L)
                        .build())
                .hasMessageContaining("field 'target' must not be blank");
        assertThatThrownBy(
                () -> ProbeResult.of("api", "primary", "us-east-1", "loc-a", AT, ProbeOutcome.UP).durationMillis(1L)
                        .schemaVersion(2).build())
                .hasMessageContaining("schemaVersion 2 is not supported");
    }
}
