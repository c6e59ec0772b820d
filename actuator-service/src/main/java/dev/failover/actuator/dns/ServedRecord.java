package dev.failover.actuator.dns;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a DNS provider serves for a group's record right now.
 *
 * @param ownerText  the ownership TXT record's text as read; null when there is none
 * @param sets       the record's sets (one with simple routing; one per set identifier with weighted routing)
 * @param propagated false while the provider reports the pending change the read asked about as not yet served
 *                   everywhere (Route 53 PENDING); true when it asked about none
 */
public record ServedRecord(String ownerText, List<RecordSet> sets, boolean propagated) {

    public ServedRecord {
        sets = List.copyOf(sets);
    }

    /** The same read with the mark kept elsewhere (see {@link DnsProvider#keepsOwnerRecord()}). */
    public ServedRecord withOwnerText(String text) {
        return new ServedRecord(text, sets, propagated);
    }

    public Optional<OwnerMark> owner() {
        return OwnerMark.parse(ownerText);
    }

    public String describe() {
        return sets.isEmpty() ? "nothing" : sets.stream().map(RecordSet::describe).collect(Collectors.joining(", "));
    }
}
