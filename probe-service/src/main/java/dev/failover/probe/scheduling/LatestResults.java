package dev.failover.probe.scheduling;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.failover.contract.event.ProbeResult;

/** The last results per target (newest first, at most {@link #KEPT}), for the read-only REST API and gauges. */
@ApplicationScoped
public class LatestResults {

    public static final int KEPT = 10;
    private final Map<String, Deque<ProbeResult>> recent = new ConcurrentHashMap<>();

    void record(ProbeResult result) {
        Deque<ProbeResult> results = recent.computeIfAbsent(key(result.group(), result.target()), k -> new ArrayDeque<>());
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

    public List<ProbeResult> recent(String group, String target) {
        Deque<ProbeResult> results = recent.get(key(group, target));
        if (results == null) {
            return List.of();
        }
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    /** Drops what is kept of targets no longer in the topology. */
    void retain(java.util.Set<String> groupTargets) {
        recent.keySet().removeIf(k -> !groupTargets.contains(k));
    }

    static String key(String group, String target) {
        return group + '/' + target;
    }
}
