package dev.failover.probe.scheduling;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.failover.contract.event.ProbeResult;

/**
 * The last results per target and per dependency of a target (newest first, at most {@link #KEPT} each), for the
 * read-only REST API and gauges. A dependency's results are kept apart from its target's.
 */
@ApplicationScoped
public class LatestResults {

    public static final int KEPT = 10;
    private final Map<Key, Deque<ProbeResult>> recent = new ConcurrentHashMap<>();

    /**
     * What results are kept for: a target of a group, or one of its dependencies.
     *
     * @param dependency null for the target itself
     */
    record Key(String group, String target, String dependency) {
    }

    void record(ProbeResult result) {
        Deque<ProbeResult> results = recent.computeIfAbsent(
                new Key(result.group(), result.target(), result.dependency()),
                k -> new ArrayDeque<>());
        synchronized (results) {
            results.addFirst(result);
            while (results.size() > KEPT) {
                results.removeLast();
            }
        }
    }

    public Optional<ProbeResult> last(String group, String target) {
        return recent(group, target).stream().findFirst();
    }

    /** The target's own results, without those of its dependencies. */
    public List<ProbeResult> recent(String group, String target) {
        return recent(group, target, null);
    }

    /** @param dependency null for the target itself */
    public List<ProbeResult> recent(String group, String target, String dependency) {
        Deque<ProbeResult> results = recent.get(new Key(group, target, dependency));
        if (results == null) {
            return List.of();
        }
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    /** Drops what is kept of targets and dependencies no longer in the topology. */
    void retain(Set<Key> probed) {
        recent.keySet().removeIf(k -> !probed.contains(k));
    }
}
