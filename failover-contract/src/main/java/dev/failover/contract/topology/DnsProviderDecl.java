package dev.failover.contract.topology;

/**
 * A DNS provider instance groups may name in {@code dns.providers} (ADR 0036): its id and kind, never its credentials,
 * which are each actuator region's settings ({@code failover.dns.providers.<id>.*}).
 *
 * @param id   unique among the topology's providers
 * @param kind route53, rfc2136 or route53-arc
 */
public record DnsProviderDecl(String id, DnsProviderKind kind) {
}
