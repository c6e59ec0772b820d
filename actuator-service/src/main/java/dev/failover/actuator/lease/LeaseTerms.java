package dev.failover.actuator.lease;

import java.time.Duration;

/**
 * The terms of the lease the decisions consumer's group gives (ADR 0006): its session timeout and heartbeat interval.
 * They bound how long a write made under the lease may take to land (ADR 0006, "A write lands within the lease's
 * margin"), which the configuration's call timeouts are checked against at start.
 *
 * @param sessionTimeout    {@code mp.messaging.incoming.decisions.session.timeout.ms}
 * @param heartbeatInterval {@code mp.messaging.incoming.decisions.heartbeat.interval.ms}
 */
public record LeaseTerms(Duration sessionTimeout, Duration heartbeatInterval) {

    /** The keys, named when a call timeout does not fit them. */
    public static final String SESSION_KEY = "mp.messaging.incoming.decisions.session.timeout.ms";
    public static final String HEARTBEAT_KEY = "mp.messaging.incoming.decisions.heartbeat.interval.ms";

    /** The actuator's own defaults (application.properties). */
    public static final LeaseTerms DEFAULTS = new LeaseTerms(Duration.ofSeconds(6), Duration.ofSeconds(1));

    /** How often the decisions consumer's count of heartbeat answers is read (CoordinatorContact). */
    public static final Duration READING = Duration.ofMillis(200);

    /**
     * How long a heartbeat's answer may take and still be "in time": the lease is renewed from the reading before the
     * answer less the slowest answer, so this much of the session is spent before a renewal even when nothing is late.
     */
    public static final Duration ANSWER = Duration.ofMillis(300);

    /** See {@link CoordinatorLease#lengthFor}. */
    public Duration length() {
        return CoordinatorLease.lengthFor(sessionTimeout);
    }

    /** See {@link CoordinatorLease#margin()}. */
    public Duration margin() {
        return sessionTimeout.minus(length());
    }

    /**
     * How far ahead the lease's end and its margin are at least while heartbeats are answered in time (within
     * {@link #ANSWER}): a write that lands within this is refused only when an answer is late. Just before a renewal the
     * lease counts from a heartbeat interval, a {@link #READING} and an answer ago; the session less the interval alone
     * (as before 2026-11-30) refused a write asked at that moment of every cycle, and a retry every five intervals met
     * that moment each time (ADR 0006, "A write lands within the lease's margin").
     */
    public Duration surelyAhead() {
        return sessionTimeout.minus(heartbeatInterval).minus(READING).minus(ANSWER);
    }

    /** How late a PostgreSQL write may land: its connection, then its statement, each up to {@code callTimeout}. */
    public static Duration postgresLandsWithin(Duration callTimeout) {
        return callTimeout.multipliedBy(2);
    }

    /**
     * The timeout of the AWS and Kubernetes clients that write under the lease: a write of theirs is a read, then the
     * write ({@link #clientLandsWithin}), which must fit {@link #surelyAhead()}; {@code wanted} where it does.
     */
    public Duration clientCallTimeout(Duration wanted) {
        Duration fits = surelyAhead().dividedBy(2);
        return wanted.compareTo(fits) <= 0 ? wanted : fits;
    }

    /** How late a write of the AWS or Kubernetes clients may land: a read, then the write, each up to their timeout. */
    public static Duration clientLandsWithin(Duration clientCallTimeout) {
        return clientCallTimeout.multipliedBy(2);
    }
}
