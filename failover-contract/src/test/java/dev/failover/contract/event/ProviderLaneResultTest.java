package dev.failover.contract.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A provider lane's result is read as strictly as an ActuationResult (ADR 0036): bad input names the field. */
class ProviderLaneResultTest {

    private final EventCodec codec = EventCodec.instance();

    static ProviderLaneResult knotConverging() {
        return new ProviderLaneResult(1, "api", "d-7", 7L, "knot", "rfc2136", LaneState.CONVERGING,
                "attempt 31: cannot reach 192.0.2.53:53", Instant.parse("2026-11-30T10:00:01Z"),
                Instant.parse("2026-11-30T10:02:00Z"));
    }

    @Test
    void roundTripsWithItsFieldNames() {
        String json = codec.encode(knotConverging());
        assertThat(json).isEqualTo("{\"schemaVersion\":1,\"group\":\"api\",\"decision\":\"d-7\",\"epoch\":7,"
                + "\"lane\":\"knot\",\"kind\":\"rfc2136\",\"state\":\"CONVERGING\","
                + "\"detail\":\"attempt 31: cannot reach 192.0.2.53:53\",\"since\":\"2026-11-30T10:00:01Z\","
                + "\"at\":\"2026-11-30T10:02:00Z\"}");
        assertThat(codec.decode(json, ProviderLaneResult.class)).isEqualTo(knotConverging());
    }

    @Test
    void theDetailIsOptional() {
        ProviderLaneResult served = new ProviderLaneResult(1, "api", "d-7", 7L, "r53", "route53", LaneState.SERVED,
                null,
                Instant.parse("2026-11-30T10:00:03Z"), Instant.parse("2026-11-30T10:00:03Z"));
        assertThat(codec.encode(served)).doesNotContain("detail");
        assertThat(codec.decode(codec.encode(served), ProviderLaneResult.class)).isEqualTo(served);
    }

    @Test
    void anUnknownFieldIsIgnoredAsInEveryEvent() {
        String json = codec.encode(knotConverging()).replace("{\"schemaVersion\":1,",
                "{\"schemaVersion\":1,\"attempt\":31,");
        assertThat(codec.decode(json, ProviderLaneResult.class)).isEqualTo(knotConverging());
    }

    static Stream<Arguments> malformed() {
        String good = EventCodec.instance().encode(knotConverging());
        return Stream.of(
                Arguments.of("future version", good.replace("\"schemaVersion\":1", "\"schemaVersion\":2"),
                        "schemaVersion 2 is not supported"),
                Arguments.of("no group", good.replace("\"group\":\"api\",", ""), "missing required field 'group'"),
                Arguments.of("no decision", good.replace("\"decision\":\"d-7\",", ""),
                        "missing required field 'decision'"),
                Arguments.of("no epoch", good.replace("\"epoch\":7,", ""), "missing required field 'epoch'"),
                Arguments.of("negative epoch", good.replace("\"epoch\":7", "\"epoch\":-1"),
                        "field 'epoch' must not be negative"),
                Arguments.of("blank lane", good.replace("\"lane\":\"knot\"", "\"lane\":\" \""),
                        "field 'lane' must not be blank"),
                Arguments.of("no kind", good.replace("\"kind\":\"rfc2136\",", ""), "missing required field 'kind'"),
                Arguments.of("a state this release does not know", good.replace("\"CONVERGING\"", "\"PAUSED\""),
                        "state: invalid value PAUSED for LaneState"),
                Arguments.of("no state", good.replace("\"state\":\"CONVERGING\",", ""),
                        "missing required field 'state'"),
                Arguments.of("bad since", good.replace("2026-11-30T10:00:01Z", "yesterday"), "since:"),
                Arguments.of("no at", good.replace(",\"at\":\"2026-11-30T10:02:00Z\"", ""),
                        "missing required field 'at'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void badInputIsRefusedNamingTheField(String name, String json, String expected) {
        assertThatThrownBy(() -> codec.decode(json, ProviderLaneResult.class))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void theHeaderValueSitsBesideTheOthers() {
        assertThat(Topics.PROVIDER_LANE_RECORD).isEqualTo("provider-lane")
                .isNotEqualTo(ActuatorRetry.RECORD).isNotEqualTo(ResolverObservation.RECORD);
    }
}
