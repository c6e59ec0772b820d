package dev.failover.contract.whatif;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.failover.contract.event.DecisionKind;

/**
 * What a proposed policy would have done over recorded history, beside what the current one did in the same replay: per
 * group, each policy's switches with their rule paths, its false failovers, the holds of a flapping target, and the
 * detection time of each incident, and the switches only one of them makes. {@code picture} is the SVG timeline.
 *
 * @param from            the first result's start; null when no result came
 * @param to              the last result's arrival; null when no result came
 * @param results         results replayed
 * @param recoveredWithin a failover whose old target was serving again within this many seconds was a false one
 * @param limits          what recorded probe results cannot show
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WhatIfReport(Instant from, Instant to, int results, long recoveredWithin, List<GroupComparison> groups,
        List<String> limits, String picture) {

    public WhatIfReport {
        groups = List.copyOf(groups);
        limits = List.copyOf(limits);
    }

    /** Which policy. */
    public enum Policy {
        CURRENT, PROPOSED
    }

    /**
     * @param changes   the settings that differ, as "setting: current -> proposed"
     * @param incidents spans in which a majority of the locations saw a target down, longer than a blip or acted on
     * @param blips     shorter incidents neither policy acted on
     */
    public record GroupComparison(String group, List<String> changes, PolicySummary current, PolicySummary proposed,
            List<Incident> incidents, int blips, List<Difference> differences) {
    }

    /**
     * @param failovers        automatic switches away from a failing target (FAILOVER, LAST_RESORT)
     * @param falseFailovers   failovers whose old target was serving (a majority of locations saw it up) within
     *                         {@code recoveredWithin} seconds
     * @param flapHolds        spans in which the flap guard held a flapping target
     * @param holds            spans in which any rule held
     * @param activeIncidents   incidents of a target that was this policy's active one when they began
     * @param detectedIncidents incidents this policy failed over in
     * @param medianDetectionMs median time from an incident's start to this policy's failover, null with none detected
     * @param worstDetectionMs  the longest of those
     */
    public record PolicySummary(int switches, int failovers, int falseFailovers, int flapHolds, int holds,
            int activeIncidents, int detectedIncidents, Long medianDetectionMs, Long worstDetectionMs,
            List<SwitchEntry> decisions) {
    }

    /** One switch a policy made, whether it was a false failover, and the rule path that made it. */
    public record SwitchEntry(Instant at, DecisionKind kind, String from, String to, boolean falseFailover,
            List<String> rulePath, String reason) {
    }

    /**
     * A span in which a majority of the reporting locations saw {@code target} down; per policy, how long after its
     * start that policy failed over (null: it did not, or the target was not its active one, see {@code activeUnder}).
     */
    public record Incident(String target, Instant start, Instant end, boolean activeUnderCurrent,
            boolean activeUnderProposed,
            Long currentDetectionMs, Long proposedDetectionMs) {
    }

    /** A switch one policy makes and the other does not make within the matching window. */
    public record Difference(Policy onlyIn, SwitchEntry decision) {
    }
}
