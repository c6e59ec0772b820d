package dev.failover.contract.topology;

import java.util.List;

/**
 * The record that points at the active target.
 *
 * @param zone        the zone (for Route 53, the hosted zone name; for RFC 2136, the zone the server is primary for)
 * @param name        the fully qualified record name, inside the zone
 * @param type        A, AAAA or CNAME
 * @param ttl         seconds; keep it short, clients cache the old answer this long after a switch
 * @param hostedZoneId Route 53 hosted zone id, needed only by the Route 53 provider
 * @param drift       what the actuator does when the record is changed outside the control plane; default report
 * @param providers   the providers the record is written to, a lane each (ADR 0036); empty: the actuator's one provider
 * @param served      when a record of several providers counts as served; default all
 * @param disagreementSeconds how long its providers may serve different targets before it is alerted on; default 120
 */
public record DnsRecord(String zone, String name, RecordType type, Integer ttl, String hostedZoneId, DriftPolicy drift,
        List<DnsLane> providers, ServePolicy served, Integer disagreementSeconds) {

    public static final int DEFAULT_TTL_SECONDS = 60;
    public static final int DEFAULT_DISAGREEMENT_SECONDS = 120;

    public DnsRecord {
        type = type == null ? RecordType.A : type;
        ttl = ttl == null ? DEFAULT_TTL_SECONDS : ttl;
        drift = drift == null ? DriftPolicy.REPORT : drift;
        providers = Lists.copy(providers);
        served = served == null ? ServePolicy.ALL : served;
        disagreementSeconds = disagreementSeconds == null ? DEFAULT_DISAGREEMENT_SECONDS : disagreementSeconds;
    }
}
