package dev.failover.contract.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantDeserializerTest {

    @ParameterizedTest
    @ValueSource(strings = { "2026-11-22T21:40:05Z", "2026-11-22T21:40:05.1Z", "2026-11-22T21:40:05.123Z",
            "2026-11-22T21:40:05.123456Z", "2026-11-22T21:40:05.123456789Z", "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999Z",
            "2024-02-29T12:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
            "2026-11-22T23:59:59.000000001Z" })
    void theContractsFormIsReadAsInstantParseReadsIt(String text) {
        assertThat(IsoInstantDeserializer.parseUtc(text)).isEqualTo(Instant.parse(text));
    }

    /** Not the exact form: left to Jackson's own deserializer (null), which accepts or refuses it as before. */
    @ParameterizedTest
    @ValueSource(strings = { "2026-11-22T21:40:05", "2026-11-22T21:40:05+01:00", "2026-11-22t21:40:05Z",
            "2026-11-22T21:40:05.Z",
            "2026-11-22T21:40:05.1234567890Z", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
            "2026-11-22T24:00:00Z", "2026-11-22T21:60:00Z", "2026-11-22T23:59:60Z", "+12026-11-22T21:40:05Z",
            "2026-11-22T21:40:05,5Z", "2026-1a-22T21:40:05Z", "2026-11-22 21:40:05Z", "2026-11-22T21:40:05.12a4Z", "" })
    void everyOtherFormIsLeftToJackson(String text) {
        assertThat(IsoInstantDeserializer.parseUtc(text)).isNull();
    }

    @Test
    void randomInstantsRoundTripThroughTheirText() {
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_800L),
                    random.nextInt(1_000_000_000));
            assertThat(IsoInstantDeserializer.parseUtc(instant.toString())).isEqualTo(instant);
        }
    }

    @Test
    void theCodecStillReadsOtherFormsAndNamesTheFieldWhenItCannot() {
        EventCodec codec = EventCodec.instance();
        String json = codec.encode(EventCodecTest.probeResult());
        assertThat(codec
                .decode(json.replace("\"2026-11-21T10:00:00Z\"", "\"2026-11-21T11:00:00+01:00\""), ProbeResult.class)
                .startedAt())
                .isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
        assertThatThrownBy(() -> codec.decode(json.replace("\"2026-11-21T10:00:00Z\"", "\"2026-02-30T10:00:00Z\""),
                ProbeResult.class))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("startedAt");
    }
}
