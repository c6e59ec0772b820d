package dev.failover.contract.topology;

/**
 * One provider a group's record is written to (ADR 0036): each lane is written under the decision's epoch with that
 * provider's own conditional write and ownership mark.
 *
 * @param provider     the id of one of the topology's {@code dnsProviders}
 * @param zone         the zone at that provider; default the record's {@code dns.zone}
 * @param hostedZoneId the hosted zone, for a route53 provider only (required there)
 */
public record DnsLane(String provider, String zone, String hostedZoneId) {
}
