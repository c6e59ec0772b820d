package dev.failover.probe.scheduling;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.failover.contract.event.ProbeResult;

/** The last result per target, for the read-only REST API. */
@ApplicationScoped
public class LatestResults {

    private final Map<String, ProbeResult> latest = new ConcurrentHashMap<>();

    void record(ProbeResult result) {
        latest.put(key(result.group(), result.target()), result);
    }

    public Optional<ProbeResult> of(String group, String target) {
        return Optional.ofNullable(latest.get(key(group, target)));
    }

    private static String key(String group, String target) {
        return group + '\u0000' + target;
    }
}
