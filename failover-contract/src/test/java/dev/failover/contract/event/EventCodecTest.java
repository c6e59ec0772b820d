package dev.failover.contract.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    private final EventCodec codec = EventCodec.instance();

    static ProbeResult probeResult() {
        return ProbeResult.of("api", "primary", "us-east-1", "loc-a", Instant.parse("2026-11-21T10:00:00Z"),
                ProbeOutcome.DOWN).durationMillis(12L).failureReason(FailureReason.UNEXPECTED_STATUS).httpStatus(503)
                .timings(new PhaseTimings(1L, 2L, null, 10L, 12L)).detail("status 503").build();
    }

    @Test
    void probeResultRoundTrips() {
        ProbeResult original = probeResult();
        String json = codec.encode(original);
        assertThat(json).contains("\"schemaVersion\":1").contains("\"startedAt\":\"2026-11-21T10:00:00Z\"");
        assertThat(codec.decode(json, ProbeResult.class)).isEqualTo(original);
    }

    static ProbeResult unknownResult() {
        return ProbeResult.of("api", "primary", "us-east-1", "loc-a", Instant.parse("2026-11-21T10:00:00Z"),
                ProbeOutcome.UNKNOWN).durationMillis(2004L).failureReason(FailureReason.TIMEOUT)
                .detail("no response head within 2000 ms").impairment(LocationImpairment.CPU_STARVED).build();
    }

    @Test
    void unknownResultRoundTripsWithItsImpairment() {
        ProbeResult original = unknownResult();
        String json = codec.encode(original);
        assertThat(json).contains("\"outcome\":\"UNKNOWN\"").contains("\"impairment\":\"CPU_STARVED\"");
        assertThat(codec.decode(json, ProbeResult.class)).isEqualTo(original);
        assertThat(codec.encode(probeResult())).as("a result about the target carries no impairment")
                .doesNotContain("impairment");
    }

    @Test
    void onlyAnUnknownResultCarriesAnImpairment() {
        String unknown = codec.encode(unknownResult());
        assertThatThrownBy(
                () -> codec.decode(unknown.replace(",\"impairment\":\"CPU_STARVED\"", ""), ProbeResult.class))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("missing required field 'impairment'");
        assertThatThrownBy(() -> ProbeResult.of("api", "primary", "r", "loc-a", Instant.EPOCH, ProbeOutcome.UP)
                .durationMillis(1L).httpStatus(200).impairment(LocationImpairment.LATE_START).build())
                .hasMessageContaining("field 'impairment' must be absent");
        assertThatThrownBy(() -> codec.decode(unknown.replace("CPU_STARVED", "TIRED"), ProbeResult.class))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("impairment: invalid value TIRED");
    }

    /** The prober is optional: results of probe-services older than the field have none and decode as before. */
    @Test
    void theProberIsOptionalAndNeverBlank() {
        ProbeResult named = probeResult().withProber("probe-service-7f9c-x2");
        String json = codec.encode(named);
        assertThat(json).contains("\"prober\":\"probe-service-7f9c-x2\"");
        assertThat(codec.decode(json, ProbeResult.class)).isEqualTo(named);
        assertThat(codec.encode(probeResult())).as("absent when not named").doesNotContain("prober");
        assertThat(codec.decode(codec.encode(probeResult()), ProbeResult.class).prober()).isNull();
        assertThat(named.forDependency("db").prober()).as("kept for a dependency's result")
                .isEqualTo("probe-service-7f9c-x2");
        assertThatThrownBy(() -> probeResult().withProber(" "))
                .hasMessageContaining("field 'prober' must not be blank");
    }

    @Test
    void decisionRoundTripsWithEvidence() {
        Decision original = new Decision(1, "d-1", "api", 7L, DecisionKind.FAILOVER, "primary", "secondary",
                "primary down",
                List.of(new TargetEvidence("primary", TargetHealth.UNHEALTHY,
                        List.of(new LocationEvidence("loc-a", LocationVerdict.DOWN, 3, 0,
                                Instant.parse("2026-11-21T10:00:00Z"))))),
                Instant.parse("2026-11-21T10:00:01Z"), DecisionMode.LIVE, Decision.AUTOMATION);
        assertThat(codec.decode(codec.encode(original), Decision.class)).isEqualTo(original);
    }

    @Test
    void actuationResultRoundTrips() {
        ActuationResult original = new ActuationResult(1, "api", "d-1", 7L, ActuationStep.DNS_SWITCH,
                ActuationStatus.SUCCEEDED,
                "dry-run", "UPSERT api.failover.test. A 60 127.0.0.12", Instant.parse("2026-11-21T10:00:01Z"),
                Instant.parse("2026-11-21T10:00:02Z"), 1000L, DecisionKind.FAILOVER);
        assertThat(codec.decode(codec.encode(original), ActuationResult.class)).isEqualTo(original);
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() {
        String json = codec.encode(probeResult()).replace("{\"schemaVersion\":1,",
                "{\"schemaVersion\":1,\"addedInAMinorRelease\":{\"x\":[1,2]},");
        assertThat(codec.decode(json, ProbeResult.class)).isEqualTo(probeResult());
    }

    static Stream<Arguments> malformed() {
        String good = EventCodec.instance().encode(probeResult());
        return Stream.of(
                Arguments.of("not json", "{oops", "not valid JSON"),
                Arguments.of("empty", "", "empty message"),
                Arguments.of("array", "[1]", "expected a ProbeResult JSON object"),
                Arguments.of("no version", good.replace("\"schemaVersion\":1,", ""),
                        "missing required field 'schemaVersion'"),
                Arguments.of("future version", good.replace("\"schemaVersion\":1", "\"schemaVersion\":2"),
                        "schemaVersion 2 is not supported"),
                Arguments.of("version as a string", good.replace("\"schemaVersion\":1", "\"schemaVersion\":\"1\""),
                        "schemaVersion \"1\" is not supported"),
                Arguments.of("fractional version", good.replace("\"schemaVersion\":1", "\"schemaVersion\":1.5"),
                        "schemaVersion 1.5 is not supported"),
                Arguments.of("missing group", good.replace("\"group\":\"api\",", ""), "missing required field 'group'"),
                Arguments.of("null location", good.replace("\"location\":\"loc-a\"", "\"location\":null"),
                        "missing required field 'location'"),
                Arguments.of("down without reason", good.replace("\"failureReason\":\"UNEXPECTED_STATUS\",", ""),
                        "missing required field 'failureReason'"),
                Arguments.of("bad enum", good.replace("\"outcome\":\"DOWN\"", "\"outcome\":\"SIDEWAYS\""),
                        "outcome: invalid value SIDEWAYS"),
                Arguments.of("bad instant", good.replace("2026-11-21T10:00:00Z", "yesterday"), "startedAt:"),
                Arguments.of("bad nested type", good.replace("\"dnsMillis\":1", "\"dnsMillis\":\"fast\""),
                        "timings.dnsMillis:"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedEventsAreRejectedNamingTheField(String name, String json, String expectedMessage) {
        assertThatThrownBy(() -> codec.decode(json, ProbeResult.class))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining(expectedMessage);
    }

    @Test
    void nestedMissingFieldNamesWhereItIs() {
        String json = """
                {"schemaVersion":1,"decisionId":"d","group":"g","epoch":1,"kind":"FAILOVER","toTarget":"b","reason":"r",
                 "issuedAt":"2026-11-21T10:00:00Z","mode":"LIVE","principal":"automation",
                 "evidence":[{"target":"a","health":"UNHEALTHY","locations":[{"location":"loc-a"}]}]}
                """;
        assertThatThrownBy(() -> codec.decode(json, Decision.class))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("evidence[0].locations[0]")
                .hasMessageContaining("missing required field 'verdict'");
    }

    @Test
    void producersCannotBuildAnEventWithoutRequiredFields() {
        assertThatThrownBy(
                () -> new Decision(1, "d", "g", 0L, DecisionKind.FAILOVER, null, "b", "r", null, Instant.now(),
                        DecisionMode.LIVE, "automation"))
                .hasMessageContaining("'epoch' must be at least 1");
    }
}
