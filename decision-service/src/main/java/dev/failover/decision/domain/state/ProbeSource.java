package dev.failover.decision.domain.state;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.failover.contract.event.ProbeResult;

/**
 * Which probe-service instance is in place for one (group, target, dependency, location), kept by its
 * {@link LocationTracker}: one location must be one instance, or its tracker counts each result of two instances and its
 * thresholds and flap window are effectively halved, and one bad instance makes the location FLAPPING (ADR 0008).
 * An instance is named by the result's {@code prober}; results without one (probe-services older than the field) are
 * one unnamed instance.
 * <p>
 * The first instance seen is in place. A result of another instance takes its place at once (a rollout or a restart
 * under a new name: the old one stops), unless that other instance had already reported within the window while the
 * one in place still reports: then two instances report as one location, and the result is left out. So a replacement
 * costs nothing, and two instances at once cost one result before one of them is left out for as long as both report.
 * The window is two probe intervals of the subject, by this instance's clock at arrival.
 * <p>
 * Sized for the usual case, one instance: the one in place and when it last reported, nothing allocated per result;
 * the other instances are kept only while there are some. Not thread-safe; the engine serialises access.
 */
final class ProbeSource {

    /** How a result without {@code prober} is named. */
    static final String UNNAMED = "(unnamed)";

    private String inPlace;
    private long inPlaceSeenMillis;
    /** The other instances that reported within the window and when; null while there are none. */
    private Map<String, Instant> others;

    /**
     * Notes the result's instance at {@code now}; returns, when the result is to be left out, why: the location, the
     * subject and both instances.
     *
     * @param window two probe intervals of what the result is about
     */
    Optional<String> admit(ProbeResult result, Instant now, Duration window) {
        String prober = result.prober() == null ? UNNAMED : result.prober();
        if (inPlace == null || inPlace.equals(prober)) {
            if (inPlace == null) {
                inPlace = prober;
            }
            inPlaceSeenMillis = now.toEpochMilli();
            return Optional.empty();
        }
        Instant since = now.minus(window);
        if (others != null) {
            others.values().removeIf(seen -> seen.isBefore(since));
        }
        boolean seenBefore = others != null && others.containsKey(prober);
        boolean inPlaceReports = inPlaceSeenMillis >= since.toEpochMilli();
        if (seenBefore && inPlaceReports) {
            others.put(prober, now);
            return Optional.of(
                    "probe location " + result.location() + " has two instances reporting on " + result.group() + "/"
                            + result.target()
                            + (result.dependency() == null ? "" : " dependency " + result.dependency()) + " within "
                            + window + ": " + inPlace + " (in place, used) and " + prober
                            + " (left out); run one probe-service per "
                            + "location, or give each instance a location of its own");
        }
        // the one in place is silent, or this instance is new: it replaces it, and may be found reporting still
        if (others == null) {
            others = new HashMap<>(4);
        }
        others.remove(prober);
        if (inPlaceReports) {
            others.put(inPlace, Instant.ofEpochMilli(inPlaceSeenMillis));
        }
        if (others.isEmpty()) {
            others = null;
        }
        inPlace = prober;
        inPlaceSeenMillis = now.toEpochMilli();
        return Optional.empty();
    }
}
