package dev.failover.contract.topology;

import java.util.List;

/**
 * What the record holds when the target is active: either plain values or a Route 53 alias.
 *
 * @param values        the record's values: IP addresses for A/AAAA, one host name for CNAME
 * @param alias         a Route 53 alias target instead of values
 * @param setIdentifier Route 53 weighted-record set identifier; defaults to the target id
 */
public record TargetDns(List<String> values, Alias alias, String setIdentifier) {

    public TargetDns {
        values = Lists.copy(values);
    }

    /**
     * A Route 53 alias (for example a load balancer).
     *
     * @param hostedZoneId         the alias target's hosted zone id
     * @param dnsName              the alias target's DNS name
     * @param evaluateTargetHealth whether Route 53 also evaluates the alias target's health
     */
    public record Alias(String hostedZoneId, String dnsName, Boolean evaluateTargetHealth) {
        public Alias {
            evaluateTargetHealth = evaluateTargetHealth != null && evaluateTargetHealth;
        }
    }
}
