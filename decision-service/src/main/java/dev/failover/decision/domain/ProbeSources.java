package dev.failover.decision.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.failover.contract.event.ProbeResult;

/**
 * Which probe-service instance is in place for each (group, target, dependency, location): one location must be one
 * instance, or its tracker counts each result of two instances and its thresholds and flap window are effectively halved,
 * and one bad instance makes the location FLAPPING (issue 29, ADR 0008). An instance is named by the result's
 * {@code prober}; results without one (probe-services older than the field) are one unnamed instance.
 * <p>
 * The first instance seen is in place. A result of another instance takes its place at once (a rollout or a restart
 * under a new name: the old one stops), unless that other instance had already reported within the window while the
 * one in place still reports: then two instances report as one location, and the result is left out. So a replacement
 * costs nothing, and two instances at once cost one result before one of them is left out for as long as both report.
 * The window is two probe intervals of the subject, by this instance's clock at arrival. Keys are the topology's
 * subjects only (the caller checks them first), so the map stays as small as the topology. Not thread-safe; the engine
 * serialises access.
 */
final class ProbeSources {

    /** How a result without {@code prober} is named. */
    static final String UNNAMED = "(unnamed)";

    /** What a probe result is about, from where. */
    private record Subject(String group, String target, String dependency, String location) {
    }

    /** The instances that reported for one subject within its window, and the one in place. */
    private static final class Reporters {
        String inPlace;
        final Map<String, Instant> lastSeen = new LinkedHashMap<>();
    }

    private final Map<Subject, Reporters> subjects = new HashMap<>();

    /**
     * Notes the result's instance at {@code now}; returns, when the result is to be left out, why: the location, the
     * subject and both instances.
     *
     * @param window two probe intervals of what the result is about
     */
    Optional<String> admit(ProbeResult result, Instant now, Duration window) {
        String prober = result.prober() == null ? UNNAMED : result.prober();
        Reporters reporters = subjects.computeIfAbsent(
                new Subject(result.group(), result.target(), result.dependency(), result.location()), s -> new Reporters());
        Instant since = now.minus(window);
        reporters.lastSeen.values().removeIf(seen -> seen.isBefore(since));
        boolean seenBefore = reporters.lastSeen.containsKey(prober);
        reporters.lastSeen.put(prober, now);
        String inPlace = reporters.inPlace;
        if (inPlace == null || inPlace.equals(prober)) {
            reporters.inPlace = prober;
            return Optional.empty();
        }
        if (seenBefore && reporters.lastSeen.containsKey(inPlace)) {
            return Optional.of("probe location " + result.location() + " has two instances reporting on " + result.group() + "/"
                    + result.target() + (result.dependency() == null ? "" : " dependency " + result.dependency()) + " within "
                    + window + ": " + inPlace + " (in place, used) and " + prober + " (left out); run one probe-service per "
                    + "location, or give each instance a location of its own");
        }
        reporters.inPlace = prober; // the one in place is silent, or this instance is new: it replaces it
        return Optional.empty();
    }
}
