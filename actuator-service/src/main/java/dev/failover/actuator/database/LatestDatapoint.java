package dev.failover.actuator.database;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;

import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * A managed database's replication lag as CloudWatch has it (the database APIs do not report it): the maximum of the
 * latest one-minute datapoint of the last five minutes, one {@code GetMetricStatistics} call, aged: the time since that
 * datapoint's minute began (its timestamp) is added to it. The database publishes a sample a minute, taken at any
 * moment of it, so the replica is known to hold what was written the sample's lag before a moment as early as the
 * minute's start; the lag may have grown by as much since. So the value returned bounds what the replica lacks now,
 * for a move of any kind (ADR 0020, "Lag from a datapoint"). None in that window, or a negative latest one (RDS's -1:
 * replication not active), is an unknown lag, which no data-loss budget accepts.
 */
final class LatestDatapoint {

    /** How far back a datapoint still counts. */
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** The datapoints' period, in seconds. */
    static final int PERIOD = 60;

    private LatestDatapoint() {
    }

    /**
     * The latest maximum of {@code metric} with the one dimension given, plus its age in the metric's unit
     * ({@code unitsPerSecond} of them a second); infinite when there is none in the window or it is negative.
     */
    static double maximum(CloudWatchClient cloudWatch, String namespace, String metric, String dimension, String value,
            Instant now, double unitsPerSecond) {
        return cloudWatch.getMetricStatistics(r -> r.namespace(namespace).metricName(metric)
                .dimensions(Dimension.builder().name(dimension).value(value).build())
                .startTime(now.minus(WINDOW)).endTime(now).period(PERIOD).statistics(Statistic.MAXIMUM))
                .datapoints().stream().max(Comparator.comparing(Datapoint::timestamp))
                .filter(latest -> latest.maximum() != null && latest.maximum() >= 0)
                .map(latest -> {
                    Duration age = Duration.between(latest.timestamp(), now);
                    return latest.maximum() + (age.isNegative() ? 0 : age.toMillis() / 1000.0 * unitsPerSecond);
                })
                .orElse(Double.POSITIVE_INFINITY);
    }
}
