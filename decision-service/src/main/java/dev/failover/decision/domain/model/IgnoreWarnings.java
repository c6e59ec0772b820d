package dev.failover.decision.domain.model;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * When to warn that a probe location's results are being ignored: a location's first ignored result at once, later ones
 * counted and summed up in at most one warning per location per {@code every}. A location with a skewed clock has every
 * result ignored; a line per result would bury everything else in the log. Keys are locations of the topology only
 * (the reasons warned of come after the location was found), so the map stays as small as the topology.
 */
public final class IgnoreWarnings {

    /** One warning: the results of {@code location} ignored since {@code since}, by reason, and the latest of them. */
    public record Warning(String location, Instant since, Map<Outcome.IgnoreReason, Integer> ignored, String latest) {

        public String message() {
            int total = ignored.values().stream().mapToInt(Integer::intValue).sum();
            String byReason = ignored.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "));
            return "results of probe location " + location + " are being ignored: " + total + " since " + since + " ("
                    + byReason + "); latest: " + latest;
        }
    }

    private final Clock clock;
    private final Duration every;
    private final Map<String, Pending> byLocation = new HashMap<>();

    private static final class Pending {
        Instant lastWarnedAt;
        Instant since;
        final Map<Outcome.IgnoreReason, Integer> counts = new EnumMap<>(Outcome.IgnoreReason.class);
    }

    public IgnoreWarnings(Clock clock, Duration every) {
        this.clock = clock;
        this.every = every;
    }

    /** Counts one ignored result; returns the warning to log when one is due. {@code latest} describes this result. */
    public synchronized Optional<Warning> onIgnored(String location, Outcome.IgnoreReason reason, String latest) {
        Instant now = clock.instant();
        Pending pending = byLocation.computeIfAbsent(location, l -> new Pending());
        if (pending.counts.isEmpty()) {
            pending.since = now;
        }
        pending.counts.merge(reason, 1, Integer::sum);
        if (pending.lastWarnedAt != null && now.isBefore(pending.lastWarnedAt.plus(every))) {
            return Optional.empty();
        }
        Warning warning = new Warning(location, pending.since, new EnumMap<>(pending.counts), latest);
        pending.counts.clear();
        pending.lastWarnedAt = now;
        return Optional.of(warning);
    }
}
