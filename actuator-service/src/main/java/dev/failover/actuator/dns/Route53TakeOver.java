package dev.failover.actuator.dns;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * A group's first write beside the sets its record had before the plane (ADR 0006, "Taking over a record"): a simple or
 * failover-routing set, which Route 53 refuses to keep beside weighted ones (and the reverse), or weighted sets of other
 * identifiers, which would keep a share of the traffic beside the plane's. A read of an unmarked record keeps its sets
 * exactly as listed; the first write deletes those it would not replace in its own change batch or, unless the
 * operator chose {@code failover.dns.route53.take-over=replace}, is not sent and says how to go on. Route 53 refuses
 * the whole batch if one of them changed since it was read, as it does for the ownership condition.
 */
final class Route53TakeOver {

    /** A write with the sets of its record it deletes, exactly as they were listed. */
    record ZoneWrite(RecordWrite write, List<ResourceRecordSet> replaced) {
    }

    /** A write ready to send, or why it is not sent: a refusal for good, or a failure of the listing it needed. */
    sealed interface Prepared {
        record Ready(ZoneWrite write) implements Prepared {
        }

        /** The outcome that stops the write before it is sent. */
        record Refused(WriteOutcome outcome) implements Prepared {
        }
    }

    private final Routing routing;
    private final Route53Settings.TakeOver mode;
    /**
     * The sets of each record read without an ownership mark, exactly as listed: its first write takes over those it
     * would not replace without a listing of its own (a region's first failover is every group's first write).
     */
    private final Map<RecordKey, List<ResourceRecordSet>> unmarked = new ConcurrentHashMap<>();

    Route53TakeOver(Routing routing, Route53Settings.TakeOver mode) {
        this.routing = routing;
        this.mode = mode;
    }

    /**
     * A read found the record's sets, marked by {@code markText} (null: no mark). Empty when the read stands; else why
     * the record cannot be written as it is (sets of another routing policy, and the operator has not chosen to take
     * records over): the group is blocked at its deploy rather than at its first failover.
     */
    Optional<String> read(RecordKey key, String markText, List<ResourceRecordSet> found) {
        if (markText != null) {
            unmarked.remove(key);
            return Optional.empty();
        }
        List<ResourceRecordSet> inTheWay = found.stream().filter(this::otherPolicy).toList();
        if (!inTheWay.isEmpty() && mode == Route53Settings.TakeOver.REFUSE) {
            unmarked.remove(key);
            return Optional.of(refusal(key, inTheWay));
        }
        unmarked.put(key, List.copyOf(found));
        return Optional.empty();
    }

    /**
     * {@code write} with what it deletes. A write that moves an ownership mark replaces only the plane's own sets; a
     * group's first write (no mark yet) takes over the sets its record's read listed, or {@code list}ed now when this
     * instance has not read the record unmarked (one request, once in a record's life).
     */
    Prepared prepare(RecordWrite write, Function<RecordKey, List<ResourceRecordSet>> list) {
        if (write.expectedOwnerText() != null) {
            return new Prepared.Ready(new ZoneWrite(write, List.of()));
        }
        List<ResourceRecordSet> listed = unmarked.get(write.key());
        if (listed == null) {
            listed = list.apply(write.key());
        }
        List<ResourceRecordSet> foreign = listed.stream().filter(set -> !replacedByWrite(set, write)).toList();
        if (foreign.isEmpty() || mode == Route53Settings.TakeOver.REPLACE) {
            return new Prepared.Ready(new ZoneWrite(write, foreign));
        }
        return new Prepared.Refused(new WriteOutcome.Rejected(refusal(write.key(), foreign)));
    }

    /** The record was written, or a set to take over changed since it was read: what was listed is not used again. */
    void forget(RecordKey key) {
        unmarked.remove(key);
    }

    /** Why a record is not written while sets the plane does not write are in the way, and how to go on. */
    private static String refusal(RecordKey key, List<ResourceRecordSet> inTheWay) {
        return "Route 53 serves " + key.name() + " " + key.type() + " with sets this plane does not write: "
                + inTheWay.stream().map(Route53TakeOver::describe).toList() + "; Route 53 keeps no simple set beside"
                + " others and no weighted sets beside failover ones, and other weighted sets would keep a share of the"
                + " traffic. Take the record over with failover.dns.route53.take-over=replace (the group's first write"
                + " deletes them in its own change batch), or remove them (docs/deploy-eks.md, \"Taking over existing"
                + " records\")";
    }

    /**
     * Whether a set of an unmarked record is of a routing policy Route 53 keeps apart from the plane's: a simple set
     * beside the plane's weighted ones, or any set of a routing policy (failover, latency, weighted) beside its simple
     * one. Other weighted sets are known to be in the way only at the write, which knows its set identifiers.
     */
    private boolean otherPolicy(ResourceRecordSet set) {
        return routing == Routing.WEIGHTED ? set.setIdentifier() == null || !weightedOnly(set)
                : set.setIdentifier() != null;
    }

    private static boolean weightedOnly(ResourceRecordSet set) {
        return set.weight() != null && set.failover() == null && set.region() == null && set.geoLocation() == null
                && set.multiValueAnswer() == null && set.cidrRoutingConfig() == null
                && set.geoProximityLocation() == null;
    }

    /** Whether the write's UPSERT replaces this set: the same set identifier (none for simple routing), and weighted. */
    private static boolean replacedByWrite(ResourceRecordSet set, RecordWrite write) {
        boolean sameKind = set.setIdentifier() == null || weightedOnly(set);
        return sameKind && write.sets().stream().anyMatch(s -> Objects.equals(s.setIdentifier(), set.setIdentifier()));
    }

    /** A listed set for an operator: its identifier and routing policy, if any, and its data. */
    static String describe(ResourceRecordSet set) {
        String policy = set.setIdentifier() == null ? "simple" : set.failoverAsString() != null ? "failover "
                + set.failoverAsString() : set.weight() != null ? "weighted " + set.weight() : "routing policy";
        String data = set.aliasTarget() != null ? "ALIAS " + set.aliasTarget().dnsName()
                : String.join(" ", Route53DnsProvider.values(set));
        return (set.setIdentifier() == null ? "" : "'" + set.setIdentifier() + "' ") + policy + " " + data;
    }
}
