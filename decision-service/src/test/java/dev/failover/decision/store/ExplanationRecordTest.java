package dev.failover.decision.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.failover.decision.domain.model.Explanation;

/** The explanation topic's record: the newest explanations that fit, and a clear refusal of what cannot be read. */
class ExplanationRecordTest {

    static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");

    static Explanation explanation(String id, int second, int summaryLength) {
        return new Explanation("api", id, T0.plusSeconds(second), Explanation.Verdict.SWITCHED, null, "primary",
                "secondary",
                null, "x".repeat(summaryLength), List.of(), Map.of("quorum", 2), List.of(),
                new Explanation.StartingState("primary", 1, null, Map.of(), java.util.List.of()));
    }

    @Test
    void theOldestAreLeftOutUntilTheRecordFitsAndNothingWhenTheNewestAloneDoesNot() {
        List<Explanation> newestFirst = List.of(explanation("d-3", 3, 300), explanation("d-2", 2, 300),
                explanation("d-1", 1, 300));
        String all = ExplanationRecord.encodeFitting("api", newestFirst, T0, 10_000).orElseThrow();
        assertThat(StateCodec.decodeExplanations(all).explanations()).extracting(Explanation::decisionId)
                .containsExactly("d-3", "d-2", "d-1");

        int two = StateCodec
                .utf8Length(StateCodec.encode(new ExplanationRecord(1, "api", newestFirst.subList(0, 2), T0)));
        String trimmed = ExplanationRecord.encodeFitting("api", newestFirst, T0, two).orElseThrow();
        assertThat(StateCodec.decodeExplanations(trimmed).explanations()).extracting(Explanation::decisionId)
                .containsExactly("d-3", "d-2");

        assertThat(ExplanationRecord.encodeFitting("api", newestFirst, T0, 200)).as("not even the newest fits")
                .isEmpty();
    }

    @Test
    void aRecordOfAnotherSchemaOrUnreadableIsRefusedSaying() {
        assertThatThrownBy(() -> StateCodec.decodeExplanations("{\"schemaVersion\":2,\"group\":\"api\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema version 2");
        assertThatThrownBy(() -> StateCodec.decodeExplanations("{not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unreadable explanation record");
    }
}
