package dev.failover.decision.domain.engine;

import java.time.Duration;
import java.time.Instant;

import dev.failover.decision.domain.state.GroupView;

/**
 * How far one probe location's clock is ahead of this instance's. A result ends at {@code e} by the location's clock and
 * arrives at {@code a} by this one: {@code e - a = offset - transit}, and transit (publishing, Kafka, consumer lag) is
 * never negative, so every sample is a lower bound of the offset. The largest sample of the last 30 to 60 s is the
 * tightest bound (the result that travelled fastest) and a corrected clock is forgotten within a minute. Two buckets
 * keep that in constant memory whatever the result rate. Not thread-safe; the engine serialises access.
 */
final class ClockOffsetEstimate {

    static final long BUCKET_MILLIS = 30_000;

    private long bucket = Long.MIN_VALUE;
    private Long currentMax;
    private Long previousMax;
    private Instant lastSampleAt;

    void sample(Instant endedAtLocation, Instant arrivedAt) {
        long index = Math.floorDiv(arrivedAt.toEpochMilli(), BUCKET_MILLIS);
        if (index > bucket) {
            previousMax = index == bucket + 1 ? currentMax : null;
            currentMax = null;
            bucket = index;
        }
        long sample = Duration.between(arrivedAt, endedAtLocation).toMillis();
        currentMax = currentMax == null ? sample : Math.max(currentMax, sample);
        lastSampleAt = arrivedAt;
    }

    /** The lower bound in milliseconds; null without a sample in the last 30 to 60 s. */
    Long offsetMillis(Instant now) {
        long index = Math.floorDiv(now.toEpochMilli(), BUCKET_MILLIS);
        if (index <= bucket) {
            return previousMax == null ? currentMax : Math.max(currentMax, previousMax);
        }
        return index == bucket + 1 ? currentMax : null;
    }

    GroupView.LocationClock view(String location, Instant now, Duration tolerance) {
        Long offset = offsetMillis(now);
        GroupView.ClockSkew skew = offset == null ? GroupView.ClockSkew.NO_RECENT_RESULTS
                : offset > tolerance.toMillis() ? GroupView.ClockSkew.AHEAD
                        : offset < -tolerance.toMillis() ? GroupView.ClockSkew.BEHIND_OR_DELAYED
                                : GroupView.ClockSkew.WITHIN_TOLERANCE;
        return new GroupView.LocationClock(location, offset, skew, lastSampleAt);
    }
}
