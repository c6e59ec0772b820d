package dev.failover.actuator.messaging;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.jboss.logging.Logger;

import dev.failover.actuator.lease.CoordinatorLease;
import dev.failover.actuator.lease.LeaseTerms;
import dev.failover.actuator.metrics.ActuatorMetrics;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * Feeds the actuator's {@link CoordinatorLease} from its decisions consumer: every 200 ms the consumer's own
 * count of heartbeat responses ({@code consumer-coordinator-metrics}' {@code heartbeat-total}, recorded when a response
 * arrives) is read; when it grew, the coordinator answered a heartbeat sent no earlier than the previous reading less
 * the slowest recent answer ({@code heartbeat-response-time-max}), and the lease is renewed from then. When the lease
 * lapses, a rebalance is asked for: only a new assignment makes it hold again. Thin: the lease is the core.
 */
@ApplicationScoped
public class CoordinatorContact {

    static final String CHANNEL = "decisions";
    private static final Logger LOG = Logger.getLogger(CoordinatorContact.class);
    private static final long SAMPLE_MILLIS = LeaseTerms.READING.toMillis();
    private static final String GROUP = "consumer-coordinator-metrics";

    private final KafkaClientService kafkaClients;
    private final CoordinatorLease lease;
    private final ActuatorMetrics metrics;

    @Inject
    CoordinatorContact(KafkaClientService kafkaClients, CoordinatorLease lease, ActuatorMetrics metrics) {
        this.kafkaClients = kafkaClients;
        this.lease = lease;
        this.metrics = metrics;
    }

    private ScheduledExecutorService sampler;
    private double lastTotal = Double.NaN;
    private long lastSampleNanos;
    private boolean held;

    void start(@Observes StartupEvent event) {
        metrics.trackLease(() -> lease.lapsed().isEmpty());
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "coordinator-lease");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleWithFixedDelay(this::sample, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    private void sample() {
        try {
            long now = System.nanoTime();
            Map<MetricName, ? extends Metric> read = consumerMetrics();
            double total = value(read, "heartbeat-total");
            if (!Double.isNaN(lastTotal) && total > lastTotal) {
                double slowest = value(read, "heartbeat-response-time-max");
                long slowestNanos = Double.isNaN(slowest) || slowest < 0 ? 0 : (long) (slowest * 1_000_000);
                lease.heard(lastSampleNanos - slowestNanos);
            }
            lastTotal = total;
            lastSampleNanos = now;
            if (lease.check()) {
                askForRebalance();
            }
            boolean holds = lease.lapsed().isEmpty();
            if (held && !holds) {
                LOG.warnf("writes stop: %s", lease.lapsed().orElse(""));
            } else if (!held && holds) {
                LOG.infof("the lease on the consumer group's assignment holds: external writes allowed");
            }
            held = holds;
        } catch (RuntimeException e) {
            LOG.debugf("the decisions consumer's metrics cannot be read yet: %s", e.getMessage());
        }
    }

    private Map<MetricName, ? extends Metric> consumerMetrics() {
        Consumer<Object, Object> consumer = kafkaClients.getConsumer(CHANNEL).unwrap();
        return consumer == null ? Map.of() : consumer.metrics();
    }

    private static double value(Map<MetricName, ? extends Metric> metrics, String name) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().group().equals(GROUP) && e.getKey().name().equals(name))
                .map(e -> e.getValue().metricValue()).filter(Number.class::isInstance)
                .mapToDouble(v -> ((Number) v).doubleValue()).findFirst().orElse(Double.NaN);
    }

    /** Only a new assignment from the coordinator brings the lease back: a rebalance is asked for at once. */
    private void askForRebalance() {
        LOG.warnf("the lease lapsed; asking the consumer group to rebalance");
        kafkaClients.<Object, Object>getConsumer(CHANNEL)
                .runOnPollingThread((java.util.function.Consumer<Consumer<Object, Object>>) c -> c.enforceRebalance(
                        "the actuator's lease lapsed"))
                .subscribe()
                .with(ok -> {
                }, e -> LOG.warnf("could not ask for a rebalance: %s", e.getMessage()));
    }
}
