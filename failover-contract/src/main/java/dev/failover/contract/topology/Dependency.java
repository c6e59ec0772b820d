package dev.failover.contract.topology;

/**
 * Something a target needs in its region to take traffic (its database writer, a queue), probed like the target itself
 * from every location. It gates only where traffic may go: a target with a dependency that is not HEALTHY is not
 * eligible as a failover or failback destination. A dependency failing under the active target does not move traffic by
 * itself (its own probe decides that).
 *
 * @param id    unique within the target; results carry it in {@code ProbeResult.dependency}
 * @param probe how it is checked, with the same keys and defaults as a target's probe
 */
public record Dependency(String id, ProbeSpec probe) {
}
