package dev.failover.actuator.dns;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One conditional, atomic write of a group's record: the sets replace what is served and the ownership mark moves to
 * {@code owner} — but only if the ownership TXT record still holds exactly {@code expectedOwnerText} (absent when
 * null). RFC 2136 expresses the condition as an update prerequisite (§2.4.2, §2.4.3); Route 53 as a DELETE of the exact
 * old TXT value in the same ChangeBatch.
 *
 * @param breakGlass set only for a decision an operator forced past the safety rules (a FORCE): a provider whose
 *                   backend has safety rules of its own (ARC) may then override the ones configured for break glass,
 *                   and says so in its result; null for every other write
 */
public record RecordWrite(RecordKey key, String expectedOwnerText, OwnerMark owner, List<RecordSet> sets,
        BreakGlass breakGlass) {

    /**
     * Who broke the glass, for the audit trail.
     *
     * @param principal  the operator the FORCE decision names
     * @param decisionId the FORCE decision
     * @param reason     the reason the operator gave
     */
    public record BreakGlass(String principal, String decisionId, String reason) {

        public String describe() {
            return "break glass: FORCE " + decisionId + " by " + principal + " (" + reason + ")";
        }
    }

    public RecordWrite {
        sets = List.copyOf(sets);
    }

    /** A write with no break glass. */
    public RecordWrite(RecordKey key, String expectedOwnerText, OwnerMark owner, List<RecordSet> sets) {
        this(key, expectedOwnerText, owner, sets, null);
    }

    public String describe() {
        return "UPSERT " + key.name() + " " + key.type() + " " + sets.stream().map(RecordSet::describe)
                .collect(Collectors.joining(", ")) + " as epoch " + owner.epoch() + " if the owner is "
                + (expectedOwnerText == null ? "absent" : "'" + expectedOwnerText + "'");
    }
}
