package dev.failover.actuator.domain.model;

import dev.failover.actuator.dns.DnsProvider;

/**
 * The DNS provider a group's traffic is switched with, and the plan its sets are written by: the same for every group
 * but those configured for another provider (ARC routing controls: the topology's groups with an {@code arc} key).
 */
public record GroupDns(DnsProvider provider, TrafficPlan plan) {
}
