package dev.failover.contract.topology;

/**
 * A resolver a probe location asks for the groups' failover records, as its clients would (ADR 0026): the location's
 * VPC resolver, a caching resolver in front of its clients, the authoritative servers, a public resolver. Named per
 * location in the topology's {@code observers}: only that location asks it, so a resolver reachable only inside the
 * location's network (a VPC's {@code .2}) is right here, unlike a dns probe's resolver, which every location asks.
 *
 * @param name      unique within the location, shown with what it answered
 * @param address   the resolver's IP address or host name
 * @param port      default 53
 * @param transport udp (default) or tcp
 * @param provider  the id of the DNS provider whose server this is, when it is one (ADR 0036); null: a resolver
 *                  of clients. A provider's server is asked only for the groups written to that provider, and counts
 *                  towards no location's observation: it is no client's resolver (ADR 0036, "Observed convergence per
 *                  provider")
 */
public record Observer(String name, String address, Integer port, DnsProbe.Transport transport, String provider) {

    public Observer {
        port = port == null ? DnsProbe.DEFAULT_PORT : port;
        transport = transport == null ? DnsProbe.Transport.UDP : transport;
    }

    /**
     * Whether observers can tell which target a resolver sends {@code group}'s clients to: its record is A or AAAA and
     * every target holds values (an answer is matched to them). A CNAME record, or a target that is a Route 53 alias, is
     * answered with addresses no value names: such a group is not observed at all (asked of no resolver, no switch of it
     * observed or alerted on as not observed).
     */
    public static boolean observes(FailoverGroup group) {
        return group.dns() != null && group.dns().name() != null && group.dns().type() != RecordType.CNAME
                && group.targets().stream().allMatch(t -> t.dns() != null && !t.dns().values().isEmpty());
    }

    /** Whether it is one of a DNS provider's servers rather than a resolver clients ask (ADR 0036). */
    public boolean tied() {
        return provider != null;
    }

    /**
     * Whether it is asked for {@code group}'s record: the group is {@linkplain #observes observed}, and a provider's
     * server only for a group with a lane of that provider (another provider's group is not in its zone, or not
     * written there by the plane).
     */
    public boolean asks(FailoverGroup group) {
        return observes(group)
                && (!tied() || group.dns().providers().stream().anyMatch(l -> provider.equals(l.provider())));
    }
}
