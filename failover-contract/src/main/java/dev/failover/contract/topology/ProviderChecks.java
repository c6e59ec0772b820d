package dev.failover.contract.topology;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group's record written to several DNS providers (ADR 0036, "The topology names providers"): the provider instances
 * the topology declares, the lanes each group's record names, and the combinations that are allowed, each refusal
 * saying why.
 */
final class ProviderChecks {

    /** Each lane costs a read of its provider every resync, and a laggard is one more answer clients may get. */
    static final int MOST_LANES = 3;
    static final int LEAST_DISAGREEMENT_SECONDS = 10;
    static final int MOST_DISAGREEMENT_SECONDS = 3600;

    private final Findings f;

    ProviderChecks(Findings f) {
        this.f = f;
    }

    /** The topology's provider instances by id: ids unique, a kind each. */
    Map<String, DnsProviderKind> declared(Topology t) {
        Map<String, DnsProviderKind> kinds = new LinkedHashMap<>();
        for (int i = 0; i < t.dnsProviders().size(); i++) {
            String path = "dnsProviders[" + i + "]";
            DnsProviderDecl provider = t.dnsProviders().get(i);
            if (provider == null) {
                f.error(path, "must not be empty");
                continue;
            }
            if (provider.kind() == null) {
                f.error(path + ".kind", "is required (route53, rfc2136 or route53-arc)");
            }
            if (f.id(path + ".id", provider.id()) && kinds.putIfAbsent(provider.id(), provider.kind()) != null) {
                f.error(path + ".id", "duplicate provider id '" + provider.id() + "'");
            }
        }
        return kinds;
    }

    /** The lanes of group {@code g}'s record ({@code path}: the group's). */
    void lanes(String path, FailoverGroup g, Map<String, DnsProviderKind> declared) {
        DnsRecord dns = g.dns();
        if (dns == null) {
            return;
        }
        String dpath = path + ".dns";
        List<DnsLane> lanes = dns.providers();
        if (dns.disagreementSeconds() < LEAST_DISAGREEMENT_SECONDS
                || dns.disagreementSeconds() > MOST_DISAGREEMENT_SECONDS) {
            f.error(dpath + ".disagreementSeconds", "must be between " + LEAST_DISAGREEMENT_SECONDS + " and "
                    + MOST_DISAGREEMENT_SECONDS + " seconds, was " + dns.disagreementSeconds());
        }
        if (dns.served() == ServePolicy.ANY && lanes.size() < 2) {
            f.error(dpath + ".served",
                    "'any' needs two providers or more in dns.providers: of one provider it is 'all'");
        }
        if (lanes.isEmpty()) {
            return;
        }
        if (lanes.size() > MOST_LANES) {
            f.error(dpath + ".providers", "at most " + MOST_LANES + " providers, got " + lanes.size() + ": each is read"
                    + " every resync and is one more answer clients may get while it lags");
        }
        if (dns.hostedZoneId() != null) {
            f.error(dpath + ".hostedZoneId", "is given on the route53 provider's lane when dns.providers is set"
                    + " (dns.providers[].hostedZoneId): said in one place");
        }
        Map<DnsProviderKind, Integer> count = new EnumMap<>(DnsProviderKind.class);
        Set<String> named = new HashSet<>();
        for (int i = 0; i < lanes.size(); i++) {
            String lpath = dpath + ".providers[" + i + "]";
            DnsLane lane = lanes.get(i);
            if (lane == null) {
                f.error(lpath, "must not be empty");
                continue;
            }
            DnsProviderKind kind = lane(lpath, lane, dns, declared);
            if (lane.provider() != null && !named.add(lane.provider())) {
                f.error(lpath + ".provider", "names provider '" + lane.provider() + "' twice: one instance would write"
                        + " the record twice under one mark");
            }
            if (kind != null) {
                count.merge(kind, 1, Integer::sum);
            }
        }
        if (count.getOrDefault(DnsProviderKind.ROUTE53, 0) > 1) {
            f.error(dpath + ".providers", "at most one route53 provider: two hosted zones are answered by one Route 53"
                    + " fleet and changed through one control plane in us-east-1, and draw on one account's 5 requests"
                    + " a second; no more independent than one");
        }
        int arc = count.getOrDefault(DnsProviderKind.ROUTE53_ARC, 0);
        if (arc > 1) {
            f.error(dpath + ".providers", "at most one route53-arc provider: a target has one routing control");
        }
        if (arc > 0 && count.getOrDefault(DnsProviderKind.ROUTE53, 0) > 0) {
            f.error(dpath + ".providers",
                    "route53-arc and route53 together: the routing controls gate the very Route 53"
                            + " records the route53 lane would write, and each would see the other's change as drift");
        }
        if (arc > 0 && g.arc() == null) {
            f.error(dpath + ".providers", "a route53-arc provider needs the group's arc key (its routing controls)");
        }
        if (arc == 0 && g.arc() != null) {
            f.error(dpath + ".providers", "the group has an arc key: list its route53-arc provider here too");
        }
        aliasesOnlyWithRoute53(path, g, count);
    }

    /** One lane: a declared provider, its zone holding the record, a hosted zone id exactly for route53. */
    private DnsProviderKind lane(String lpath, DnsLane lane, DnsRecord dns, Map<String, DnsProviderKind> declared) {
        DnsProviderKind kind = null;
        if (lane.provider() == null || lane.provider().isBlank()) {
            f.error(lpath + ".provider", "is required: the id of one of the topology's dnsProviders");
        } else if (!declared.containsKey(lane.provider())) {
            f.error(lpath + ".provider", "'" + lane.provider() + "' is not one of the topology's dnsProviders "
                    + declared.keySet());
        } else {
            kind = declared.get(lane.provider());
        }
        if (lane.zone() != null && f.hostName(lpath + ".zone", lane.zone()) && dns.name() != null
                && Findings.validHost(dns.name()) && !Findings.withinZone(dns.name(), lane.zone())) {
            f.error(lpath + ".zone", "'" + dns.name() + "' is not inside zone '" + lane.zone() + "'");
        }
        if (kind == DnsProviderKind.ROUTE53) {
            if (lane.hostedZoneId() == null) {
                f.error(lpath + ".hostedZoneId", "is required for a route53 provider");
            } else if (!RecordChecks.ROUTE53_ZONE_ID.matcher(lane.hostedZoneId()).matches()) {
                f.error(lpath + ".hostedZoneId", "'" + lane.hostedZoneId()
                        + "' is not a Route 53 hosted zone id (like Z0123456789ABC)");
            }
        } else if (kind != null && lane.hostedZoneId() != null) {
            f.error(lpath + ".hostedZoneId", "only a route53 provider has a hosted zone id");
        }
        return kind;
    }

    /** An RFC 2136 server has no alias records: a target that is a Route 53 alias has nothing to write there. */
    private void aliasesOnlyWithRoute53(String path, FailoverGroup g, Map<DnsProviderKind, Integer> count) {
        if (count.getOrDefault(DnsProviderKind.RFC2136, 0) == 0) {
            return;
        }
        for (int i = 0; i < g.targets().size(); i++) {
            Target target = g.targets().get(i);
            if (target != null && target.dns() != null && target.dns().alias() != null) {
                f.error(path + ".targets[" + i + "].dns.alias",
                        "an rfc2136 provider of dns.providers has no alias records:"
                                + " give the target's values instead");
            }
        }
    }

    /** An observer tied to a provider names a declared one. */
    void observers(Topology t, Map<String, DnsProviderKind> declared) {
        for (var entry : t.observers().entrySet()) {
            for (int i = 0; i < entry.getValue().size(); i++) {
                Observer o = entry.getValue().get(i);
                if (o != null && o.provider() != null && !declared.containsKey(o.provider())) {
                    f.error("observers." + entry.getKey() + "[" + i + "].provider", "'" + o.provider()
                            + "' is not one of the topology's dnsProviders " + declared.keySet());
                }
            }
        }
    }
}
