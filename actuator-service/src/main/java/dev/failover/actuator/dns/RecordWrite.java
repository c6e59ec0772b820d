package dev.failover.actuator.dns;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One conditional, atomic write of a group's record: the sets replace what is served and the ownership mark moves to
 * {@code owner} — but only if the ownership TXT record still holds exactly {@code expectedOwnerText} (absent when
 * null). RFC 2136 expresses the condition as an update prerequisite (§2.4.2, §2.4.3); Route 53 as a DELETE of the exact
 * old TXT value in the same ChangeBatch.
 */
public record RecordWrite(RecordKey key, String expectedOwnerText, OwnerMark owner, List<RecordSet> sets) {

    public RecordWrite {
        sets = List.copyOf(sets);
    }

    public String describe() {
        return "UPSERT " + key.name() + " " + key.type() + " " + sets.stream().map(RecordSet::describe)
                .collect(Collectors.joining(", ")) + " as epoch " + owner.epoch() + " if the owner is "
                + (expectedOwnerText == null ? "absent" : "'" + expectedOwnerText + "'");
    }
}
