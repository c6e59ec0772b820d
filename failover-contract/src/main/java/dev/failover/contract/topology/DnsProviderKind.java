package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a DNS provider instance of the topology is (ADR 0036): the kinds the actuator has a backend for. */
public enum DnsProviderKind {
    /** A Route 53 hosted zone, written through its change API. */
    @JsonProperty("route53")
    ROUTE53,
    /** A zone on an RFC 2136 primary (BIND9, Knot, PowerDNS, ...), updated with a TSIG key. */
    @JsonProperty("rfc2136")
    RFC2136,
    /** Route 53 ARC routing controls, set through the cluster's data plane (ADR 0014). */
    @JsonProperty("route53-arc")
    ROUTE53_ARC
}
