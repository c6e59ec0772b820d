package dev.failover.decision.domain.state;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.decision.domain.model.GroupSnapshot;

/**
 * What the actuator told of one group: its latest report of what it serves (desired vs served, ADR 0006) and, by target,
 * its refusal of the group's last move there, until cleared (ADR 0010). Part of {@link Traffic}, which owns it and
 * changes it only through its intent methods; not thread-safe, the engine serialises access.
 */
public final class ActuatorReports {

    private GroupSnapshot.Serving serving;
    private final Map<String, GroupSnapshot.Refusal> refusals = new LinkedHashMap<>();

    /** The latest report of what the actuator serves; null before one. */
    public GroupSnapshot.Serving serving() {
        return serving;
    }

    /** The actuator's standing refusal of a move to {@code target}, or null. */
    public GroupSnapshot.Refusal refusal(String target) {
        return refusals.get(target);
    }

    /** The refusals in force, in the order they came. */
    public List<GroupSnapshot.Refusal> refusals() {
        return List.copyOf(refusals.values());
    }

    /** The actuator's report of what is served; false (and ignored) when it is of an older epoch than the last kept. */
    public boolean serving(GroupSnapshot.Serving report) {
        if (serving != null && report.epoch() < serving.epoch()) {
            return false;
        }
        serving = report;
        return true;
    }

    void refused(GroupSnapshot.Refusal refusal) {
        refusals.put(refusal.target(), refusal);
    }

    /** The refusal of {@code target} goes; returns whether there was one. */
    boolean clearRefusal(String target) {
        return refusals.remove(target) != null;
    }

    /** The refusals go, and {@code kept} are in force instead, but for those of a target the group no longer has. */
    void refusalsAre(List<GroupSnapshot.Refusal> kept, FailoverGroup group) {
        refusals.clear();
        kept.stream().filter(r -> group.target(r.target()).isPresent()).forEach(r -> refusals.put(r.target(), r));
    }

    /** Takes a persisted snapshot's report and refusals. */
    void restore(GroupSnapshot s, FailoverGroup group) {
        serving = s.serving();
        refusalsAre(s.refusals(), group);
    }
}
