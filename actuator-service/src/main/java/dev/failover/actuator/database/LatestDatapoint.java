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
 * latest one-minute datapoint of the last five minutes, one {@code GetMetricStatistics} call. None in that window is an
 * unknown lag, which no data-loss budget accepts.
 */
final class LatestDatapoint {

    /** How far back a datapoint still counts. */
    static final Duration WINDOW = Duration.ofMinutes(5);

    private LatestDatapoint() {
    }

    /** The latest maximum of {@code metric} with the one dimension given; infinite when there is none in the window. */
    static double maximum(CloudWatchClient cloudWatch, String namespace, String metric, String dimension, String value,
            Instant now) {
        return cloudWatch.getMetricStatistics(r -> r.namespace(namespace).metricName(metric)
                .dimensions(Dimension.builder().name(dimension).value(value).build())
                .startTime(now.minus(WINDOW)).endTime(now).period(60).statistics(Statistic.MAXIMUM))
                .datapoints().stream().max(Comparator.comparing(Datapoint::timestamp)).map(Datapoint::maximum)
                .orElse(Double.POSITIVE_INFINITY);
    }
}
