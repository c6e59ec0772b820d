package dev.failover.actuator.dns;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.failover.contract.topology.TargetDns;

/**
 * One record set, as a provider serves it or as the reconciler wants it: with simple routing the record's only set
 * (no identifier, no weight); with weighted routing one set per target.
 *
 * @param setIdentifier the weighted set's identifier; null with simple routing
 * @param weight        the weighted set's weight; null with simple routing
 * @param ttl           seconds; null for an alias (Route 53 takes the alias target's)
 * @param values        the values, normalised (lower case, no trailing dot); empty for an alias
 * @param alias         a Route 53 alias instead of values
 */
public record RecordSet(String setIdentifier, Long weight, Integer ttl, Set<String> values, TargetDns.Alias alias) {

    public RecordSet {
        values = values == null ? Set.of()
                : values.stream().map(RecordSet::normalise).collect(Collectors.toUnmodifiableSet());
        if (alias != null) {
            alias = new TargetDns.Alias(alias.hostedZoneId(), normalise(alias.dnsName()), alias.evaluateTargetHealth());
        }
    }

    public static RecordSet simple(int ttl, Set<String> values) {
        return new RecordSet(null, null, ttl, values, null);
    }

    /** Values as DNS servers write them back: lower case, no trailing dot; IPv6 text kept as it is. */
    public static String normalise(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return v.endsWith(".") ? v.substring(0, v.length() - 1) : v;
    }

    /** For operators, in zone-file order. */
    public String describe() {
        String data = alias != null ? "ALIAS " + alias.dnsName() : String.join(" ", new TreeSet<>(values));
        return (setIdentifier == null ? "" : "[" + setIdentifier + " weight " + weight + "] ")
                + (ttl == null ? "" : ttl + " ") + data;
    }
}
