package dev.failover.decision.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.failover.decision.domain.model.Explanation;

/**
 * One record of the compacted failover.decision-explanations topic: the explanations of a group's latest decisions,
 * newest first (ADR 0011). A topic of its own, not a part of the state record: with full evidence they would take the
 * state record over its size budget (StateRecordSizeTest).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExplanationRecord(int schemaVersion, String group, List<Explanation> explanations, Instant publishedAt) {

    public static final int SCHEMA_VERSION = 1;
    /** Half the producer's default max.request.size (1 MiB), as for the state record. */
    public static final int MAX_BYTES = 512 * 1024;

    public ExplanationRecord {
        explanations = explanations == null ? List.of() : List.copyOf(explanations);
    }

    /**
     * The record of these explanations (newest first) that fits in {@link #MAX_BYTES}: the oldest are left out until it
     * does. Empty when not even the newest fits alone (a topology far beyond any seen: it stays in memory only).
     */
    public static Optional<String> encodeFitting(String group, List<Explanation> newestFirst, Instant now) {
        return encodeFitting(group, newestFirst, now, MAX_BYTES);
    }

    static Optional<String> encodeFitting(String group, List<Explanation> newestFirst, Instant now, int maxBytes) {
        List<Explanation> kept = new ArrayList<>(newestFirst);
        while (!kept.isEmpty()) {
            String json = StateCodec.encode(new ExplanationRecord(SCHEMA_VERSION, group, kept, now));
            if (StateCodec.utf8Length(json) <= maxBytes) {
                return Optional.of(json);
            }
            kept.remove(kept.size() - 1);
        }
        return Optional.empty();
    }

    public Optional<Explanation> explanation(String decisionId) {
        return explanations.stream().filter(e -> decisionId.equals(e.decisionId())).findFirst();
    }
}
