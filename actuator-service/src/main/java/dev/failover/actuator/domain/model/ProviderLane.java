package dev.failover.actuator.domain.model;

import java.util.Objects;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.contract.topology.FailoverGroup;

/**
 * One provider a group's record is written to, with the plan its sets are written by (ADR 0036, "Where the lanes
 * live"): a group that names several providers in the topology has a lane each; one that names none has the one lane
 * {@link #ONLY}, the actuator's configured provider (or ARC for a group with an {@code arc} key).
 *
 * @param id           the topology's provider id; {@link #ONLY} for a group that names none
 * @param provider     the provider the lane writes to and reads from
 * @param plan         how the lane's sets carry traffic (weights, failback steps, TTL floor)
 * @param zone         the zone the lane's provider holds the record in; null: the group's {@code dns.zone}
 * @param hostedZoneId the lane's Route 53 hosted zone; null: the group's {@code dns.hostedZoneId}
 */
public record ProviderLane(String id, DnsProvider provider, TrafficPlan plan, String zone, String hostedZoneId) {

    /**
     * The id of a group's one lane when the topology names no providers for it: its change and mark are kept where they
     * always were in the desired state, so that its stored records stay byte for byte as older releases wrote them.
     */
    public static final String ONLY = "";

    public ProviderLane {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(plan, "plan");
    }

    /** The group's one lane: the actuator's configured provider, the record where the group's {@code dns} says. */
    public static ProviderLane only(DnsProvider provider, TrafficPlan plan) {
        return new ProviderLane(ONLY, provider, plan, null, null);
    }

    /** The group's record in this lane's provider: the group's name, the lane's zone. */
    public RecordKey key(FailoverGroup group) {
        RecordKey key = RecordKey.of(group);
        return new RecordKey(key.group(), zone != null ? zone : key.zone(), key.name(), key.type(),
                hostedZoneId != null ? hostedZoneId : key.hostedZoneId());
    }

    /** For people: the provider's name, and the lane's id when the group has several. */
    public String describe() {
        return id.equals(ONLY) ? provider.name() : id + " (" + provider.name() + ")";
    }
}
