package dev.failover.actuator.dns;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.RecordType;

/**
 * Which record a group switches, and where its ownership mark lives.
 *
 * @param group        the failover group that owns the record
 * @param zone         the zone it lives in
 * @param name         its fully qualified name, without the trailing dot
 * @param type         A, AAAA or CNAME
 * @param hostedZoneId the Route 53 hosted zone id, when the group has one
 */
public record RecordKey(String group, String zone, String name, RecordType type, String hostedZoneId) {

    /** The label in front of the record's name under which the ownership TXT record is kept. */
    public static final String OWNER_LABEL = "_failover-owner";

    public RecordKey {
        name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    public static RecordKey of(FailoverGroup group) {
        return new RecordKey(group.id(), group.dns().zone(), group.dns().name(), group.dns().type(),
                group.dns().hostedZoneId());
    }

    /**
     * The name of the TXT record that says which decision last wrote the record (ADR 0006). It is a sibling name, not
     * the record's own: a CNAME cannot share its name with a TXT record.
     */
    public String ownerName() {
        return OWNER_LABEL + "." + name;
    }
}
