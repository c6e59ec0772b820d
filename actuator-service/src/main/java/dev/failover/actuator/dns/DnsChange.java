package dev.failover.actuator.dns;

import java.util.List;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.RecordType;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.TargetDns;

/**
 * The state a group's record must have once {@code target} is active: one UPSERT, applied atomically by a provider.
 *
 * @param zone          the zone the record lives in
 * @param name          fully qualified record name
 * @param type          A, AAAA or CNAME
 * @param ttl           seconds
 * @param values        the record's values, when not an alias
 * @param alias         a Route 53 alias target, when not values
 * @param target        the target that becomes active
 * @param setIdentifier the weighted-record set identifier of that target (Route 53)
 * @param hostedZoneId  the Route 53 hosted zone id, when the group has one
 * @param inactive      the group's other targets: a weighted provider gives them weight 0 in the same request
 * @param previous      the target traffic comes from, when a weighted provider may move it over gradually (failback)
 */
public record DnsChange(String zone, String name, RecordType type, int ttl, List<String> values, TargetDns.Alias alias,
        String target, String setIdentifier, String hostedZoneId, List<Inactive> inactive, String previous) {

    /** Another target of the group and its record data. */
    public record Inactive(String target, String setIdentifier, List<String> values, TargetDns.Alias alias) {
    }

    public DnsChange {
        values = List.copyOf(values);
        inactive = inactive == null ? List.of() : List.copyOf(inactive);
    }

    public DnsChange(String zone, String name, RecordType type, int ttl, List<String> values, TargetDns.Alias alias, String target,
            String setIdentifier) {
        this(zone, name, type, ttl, values, alias, target, setIdentifier, null, List.of(), null);
    }

    /** The same change, marked as one that may move traffic from {@code previousTarget} gradually. */
    public DnsChange gradualFrom(String previousTarget) {
        return new DnsChange(zone, name, type, ttl, values, alias, target, setIdentifier, hostedZoneId, inactive, previousTarget);
    }

    public static DnsChange activate(FailoverGroup group, Target target) {
        TargetDns dns = target.dns();
        List<Inactive> others = group.targets().stream().filter(t -> !t.id().equals(target.id()))
                .map(t -> new Inactive(t.id(), setIdentifier(t), t.dns().values(), t.dns().alias())).toList();
        return new DnsChange(group.dns().zone(), group.dns().name(), group.dns().type(), group.dns().ttl(), dns.values(),
                dns.alias(), target.id(), setIdentifier(target), group.dns().hostedZoneId(), others, null);
    }

    private static String setIdentifier(Target target) {
        return target.dns().setIdentifier() == null ? target.id() : target.dns().setIdentifier();
    }

    /** The change as an operator reads it, in zone-file order. */
    public String describe() {
        String data = alias != null
                ? "ALIAS " + alias.dnsName() + " (zone " + alias.hostedZoneId() + ", evaluate health " + alias.evaluateTargetHealth() + ")"
                : type + " " + String.join(" ", values);
        return "UPSERT " + name + " " + ttl + " IN " + data + " in zone " + zone + " (target " + target + ")";
    }
}
