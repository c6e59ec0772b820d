package dev.failover.actuator.domain.model;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.contract.topology.DnsRecord;
import dev.failover.contract.topology.ServePolicy;

/**
 * The providers a group's record is written to, a lane each, and when the group counts as served (ADR 0036): the same
 * one lane for every group that names no providers in the topology (the actuator's configured provider, or ARC routing
 * controls for a group with an {@code arc} key).
 *
 * @param lanes        the group's lanes, in the topology's order; at least one, ids distinct
 * @param policy       when a group of several lanes is served: every lane, or any one
 * @param disagreement how long its lanes may serve different targets before it is alerted on
 */
public record GroupDns(List<ProviderLane> lanes, ServePolicy policy, Duration disagreement) {

    public GroupDns {
        lanes = List.copyOf(lanes);
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(disagreement, "disagreement");
        if (lanes.isEmpty()) {
            throw new IllegalArgumentException("a group's record is written to at least one provider");
        }
        if (lanes.stream().map(ProviderLane::id).filter(new HashSet<>()::add).count() != lanes.size()) {
            throw new IllegalArgumentException("a group names each provider once: " + lanes);
        }
    }

    /** The one lane of a group that names no providers: the actuator's configured provider (or ARC's). */
    public static GroupDns oneLane(DnsProvider provider, TrafficPlan plan) {
        return new GroupDns(List.of(ProviderLane.only(provider, plan)), ServePolicy.ALL,
                Duration.ofSeconds(DnsRecord.DEFAULT_DISAGREEMENT_SECONDS));
    }

    /**
     * The group's one lane. Several lanes are refused at start until their passes are built (ADR 0036, build order),
     * so that nothing half-built writes a record.
     */
    public ProviderLane only() {
        if (lanes.size() != 1) {
            throw new IllegalStateException(
                    "a group of several DNS providers is not served by this release (ADR 0036): "
                            + lanes.stream().map(ProviderLane::id).toList());
        }
        return lanes.get(0);
    }
}
