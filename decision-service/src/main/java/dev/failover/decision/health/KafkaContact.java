package dev.failover.decision.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.TimeoutException;
import org.jboss.logging.Logger;

import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.kafka.KafkaClientProperties;
import io.quarkus.scheduler.Scheduled;

/**
 * Whether this instance can reach the Kafka cluster now, and since when (ADR 0019). Every {@value #EVERY} it asks the
 * cluster to describe itself, with a timeout of {@link #TIMEOUT}; the answer or its absence is what the operator page
 * shows, because an instance that cannot reach Kafka shows a view that no longer moves and cannot deliver a command.
 * The check runs beside the service's consumers and producers and never waits on them.
 */
@ApplicationScoped
public class KafkaContact {

    private static final Logger LOG = Logger.getLogger(KafkaContact.class);
    static final String EVERY = "2s";
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** What the last check said. */
    public enum State {
        /** No check has ended yet. */
        UNKNOWN,
        /** The cluster answered. */
        REACHABLE,
        /** The cluster did not answer within the timeout, or refused. */
        UNREACHABLE
    }

    /**
     * @param state     what the last check said
     * @param since     when the state began (the first check that said it); null while UNKNOWN
     * @param checkedAt when the last check ended; null while UNKNOWN
     * @param error     why the cluster was not reached; null unless UNREACHABLE
     */
    public record Contact(State state, Instant since, Instant checkedAt, String error) {

        static final Contact UNKNOWN = new Contact(State.UNKNOWN, null, null, null);

        /** The contact after a check that ended at {@code at}, with {@code error} null when the cluster answered. */
        Contact after(Instant at, String error) {
            State now = error == null ? State.REACHABLE : State.UNREACHABLE;
            return new Contact(now, now == state ? since : at, at, error);
        }
    }

    private final KafkaClientProperties kafka;
    private final DecisionServiceConfig config;

    @Inject
    KafkaContact(KafkaClientProperties kafka, DecisionServiceConfig config) {
        this.kafka = kafka;
        this.config = config;
    }

    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<Contact> contact = new AtomicReference<>(Contact.UNKNOWN);
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile Admin admin;

    /** What this instance knows of its contact with Kafka now. */
    public Contact contact() {
        return contact.get();
    }

    @Scheduled(every = EVERY, delayed = EVERY, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (!checking.compareAndSet(false, true)) {
            return; // the last check has not ended: it ends within its timeout
        }
        try {
            admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis())).clusterId()
                    .whenComplete((id, failure) -> ended(failure));
        } catch (RuntimeException e) {
            ended(e);
        }
    }

    private void ended(Throwable failure) {
        Contact before = contact.get();
        Contact after = contact.updateAndGet(c -> c.after(clock.instant(), failure == null ? null : reason(failure)));
        checking.set(false);
        if (after.state() != before.state() && after.state() == State.UNREACHABLE) {
            LOG.warnf("cannot reach Kafka: %s", after.error());
        } else if (after.state() != before.state() && before.state() == State.UNREACHABLE) {
            LOG.infof("Kafka reachable again, after %s unreachable", Duration.between(before.since(), after.since()));
        }
    }

    /** Why the cluster was not reached, in words: a timeout says how long was waited, anything else its message. */
    static String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException || failure instanceof ExecutionException
                ? Objects.requireNonNullElse(failure.getCause(), failure) : failure;
        if (cause instanceof TimeoutException) {
            return "no answer from the cluster within " + TIMEOUT.toMillis() + " ms";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private Admin admin() {
        Admin current = admin;
        if (current == null) {
            synchronized (this) {
                if (admin == null) {
                    int millis = (int) TIMEOUT.toMillis();
                    admin = Admin.create(kafka.with(Map.of(AdminClientConfig.CLIENT_ID_CONFIG,
                            config.instanceId() + "-kafka-contact", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis)));
                }
                current = admin;
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        Admin current = admin;
        if (current != null) {
            current.close(Duration.ofSeconds(1));
        }
    }
}
