package dev.failover.decision.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.TopicToEndReader;

/**
 * The recorded probe results of a time window, read from {@link Topics#PROBE_RESULTS}: from the offsets Kafka indexes
 * for {@code from} (by the records' timestamps) to the end offsets when the read starts, so a what-if sees what the
 * decision-service saw. Results the window holds by their own start time are kept; resolver observations on the same
 * topic, records that do not decode and other groups are passed over. The topic's retention bounds how far back this
 * reaches: a window older than it reads nothing ({@link Window#earliest} says what was there).
 */
public final class RecordedResults {

    /** The results read, and the earliest result time found (null when none). */
    public record Window(List<ProbeResult> results, int skipped, Instant earliest) {
    }

    /** More results in the window than one what-if may hold. */
    public static final class TooMany extends RuntimeException {
        public TooMany(int max) {
            super("the window holds more than " + max + " recorded results, the most this instance replays "
                    + "(failover.whatif.max-results, and a quarter of its heap): name a group, shorten the window, raise "
                    + "the heap or the setting, or replay an export offline (scripts/replay.sh)");
        }
    }

    /**
     * What one result held for a what-if costs on the heap, names shared: 184 bytes live a result measured by
     * {@code scripts/bench-whatif.sh} (docs/benchmarks.md, "What-if": 518,400 http results, 91 MiB after collection),
     * with room for the replay's own working set.
     */
    static final long BYTES_PER_RESULT = 250;

    /**
     * The most results a what-if may hold: the configured cap, and no more than a quarter of the heap at
     * {@link #BYTES_PER_RESULT}, so that a viewer's what-if cannot run the decision-service out of memory.
     */
    public static int cap(int configured, long maxHeapBytes) {
        return (int) Math.max(1, Math.min(configured, maxHeapBytes / 4 / BYTES_PER_RESULT));
    }

    private final KafkaClientProperties kafka;
    private final Duration timeout;
    private final int maxResults;

    public RecordedResults(KafkaClientProperties kafka, Duration timeout, int maxResults) {
        this.kafka = kafka;
        this.timeout = timeout;
        this.maxResults = maxResults;
    }

    /**
     * @throws TooMany               more than the maximum in the window
     * @throws IllegalStateException Kafka could not be read to the end within the timeout
     */
    public Window read(Instant from, Instant to, Optional<String> group) {
        List<ProbeResult> results = new ArrayList<>();
        Names names = new Names();
        int[] skipped = { 0 };
        Instant[] earliest = { null };
        try (TopicToEndReader reader = new TopicToEndReader(kafka, timeout)) {
            reader.readSince(Topics.PROBE_RESULTS, from, record -> {
                if (!probeResult(record) || group.map(g -> !g.equals(record.key())).orElse(false)) {
                    return;
                }
                ProbeResult result;
                try {
                    result = EventCodec.instance().decode(record.value(), ProbeResult.class);
                } catch (RuntimeException e) {
                    skipped[0]++;
                    return;
                }
                if (result.startedAt().isBefore(from) || result.startedAt().isAfter(to)
                        || group.map(g -> !g.equals(result.group())).orElse(false)) {
                    return;
                }
                if (results.size() >= maxResults) {
                    throw new TooMany(maxResults);
                }
                earliest[0] = earliest[0] == null || result.startedAt().isBefore(earliest[0]) ? result.startedAt()
                        : earliest[0];
                results.add(names.shared(result));
            });
        }
        return new Window(results, skipped[0], earliest[0]);
    }

    /** A record with no record header is a probe result; any other kind (a resolver's observation) is not. */
    private static boolean probeResult(ConsumerRecord<String, String> record) {
        Header kind = record.headers().lastHeader(Topics.RECORD_HEADER);
        return kind == null && record.value() != null;
    }

    /**
     * Each decoded result carries its own copies of the group, target, region, location and prober names and of its
     * detail (the same few messages, again and again); held by the hundred thousand they would cost more than the rest
     * of the result. One copy of each is kept instead.
     */
    static final class Names {
        private final java.util.Map<String, String> seen = new java.util.HashMap<>();

        private String one(String name) {
            return name == null ? null : seen.computeIfAbsent(name, n -> n);
        }

        ProbeResult shared(ProbeResult r) {
            return ProbeResult
                    .of(one(r.group()), one(r.target()), one(r.targetRegion()), one(r.location()), r.startedAt(),
                            r.outcome())
                    .schemaVersion(r.schemaVersion()).durationMillis(r.durationMillis())
                    .failureReason(r.failureReason()).httpStatus(r.httpStatus()).timings(r.timings())
                    .locationImpaired(r.locationImpaired()).tlsDaysToExpiry(r.tlsDaysToExpiry()).detail(one(r.detail()))
                    .impairment(r.impairment()).dependency(one(r.dependency())).prober(one(r.prober()))
                    .dnsAnswer(r.dnsAnswer()).build();
        }
    }
}
