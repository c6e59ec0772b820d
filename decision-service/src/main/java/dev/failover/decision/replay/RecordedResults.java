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
            super("the window holds more than " + max + " recorded results: name a group, shorten the window, or raise "
                    + "failover.whatif.max-results with the heap");
        }
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
                earliest[0] = earliest[0] == null || result.startedAt().isBefore(earliest[0]) ? result.startedAt() : earliest[0];
                results.add(result);
            });
        }
        return new Window(results, skipped[0], earliest[0]);
    }

    /** A record with no record header is a probe result; any other kind (a resolver's observation) is not. */
    private static boolean probeResult(ConsumerRecord<String, String> record) {
        Header kind = record.headers().lastHeader(Topics.RECORD_HEADER);
        return kind == null && record.value() != null;
    }
}
