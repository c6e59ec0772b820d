package dev.failover.decision.domain.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What Alertmanager said was firing, as last read: the guard of a drill's start ({@code blockingAlerts}) and
 * its outcome check while it runs ({@code abortAlerts}). A reading older than {@link #STALE_AFTER}, or Alertmanager not
 * read, counts as unknown, and an unknown state guards as a firing alert would: no drill starts on it, a running one
 * is ended (as AWS zonal autoshift ends a practice run whose outcome alarm has insufficient data).
 */
public sealed interface Alerts {

    /** A reading is trusted this long; the poll runs every {@code failover.alertmanager.poll-interval} (10 s). */
    Duration STALE_AFTER = Duration.ofSeconds(30);

    /** The alert names active (not silenced, not inhibited) when Alertmanager was read at {@code readAt}. */
    record Read(Set<String> firing, Instant readAt) implements Alerts {
        public Read {
            firing = Set.copyOf(firing);
        }
    }

    /** Alertmanager could not be read since {@code since}. */
    record Unreadable(String why, Instant since) implements Alerts {
    }

    /**
     * Not read yet since this instance started at {@code since}: guards nothing for {@link #STALE_AFTER} (the first
     * poll's time; a new owner restoring a running drill does not abort it before it could read), then as unknown.
     */
    record NotRead(Instant since) implements Alerts {
    }

    /**
     * Why {@code names} guard now: the ones firing, or the reading is unknown; empty when none of them fires (and
     * always for no names).
     */
    default Optional<String> guard(List<String> names, Instant now) {
        if (names.isEmpty()) {
            return Optional.empty();
        }
        if (this instanceof Read read && !read.readAt().plus(STALE_AFTER).isBefore(now)) {
            List<String> firing = names.stream().filter(read.firing()::contains).toList();
            return firing.isEmpty() ? Optional.empty()
                    : Optional.of(
                            "alert " + String.join(", ", firing) + " firing in Alertmanager (read at " + read.readAt()
                                    + ")");
        }
        if (this instanceof NotRead notRead && !notRead.since().plus(STALE_AFTER).isBefore(now)) {
            return Optional.empty();
        }
        if (this instanceof Unreadable u) {
            return Optional.of("Alertmanager not readable since " + u.since() + ": " + u.why() + "; the alerts " + names
                    + " are unknown");
        }
        if (this instanceof NotRead n) {
            return Optional
                    .of("Alertmanager not read since this instance started at " + n.since() + "; the alerts " + names
                            + " are unknown");
        }
        return Optional
                .of("Alertmanager last read at " + ((Read) this).readAt() + ", more than " + STALE_AFTER.toSeconds()
                        + " s ago; the alerts " + names + " are unknown");
    }
}
