package dev.failover.decision.domain.state;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.failover.contract.event.ProviderLaneResult;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.decision.domain.model.GroupSnapshot;

/**
 * What the actuator told of one group: its latest report of what it serves (desired vs served, ADR 0006), each
 * provider lane's latest report on that decision (ADR 0036) and, by target, its refusal of the group's last move there,
 * until cleared (ADR 0010). Part of {@link Traffic}, which owns it and
 * changes it only through its intent methods; not thread-safe, the engine serialises access.
 */
public final class ActuatorReports {

    /** The group's latest report, without lanes: they are kept apart, as they come apart. */
    private GroupSnapshot.Serving serving;
    private final Map<String, GroupSnapshot.Refusal> refusals = new LinkedHashMap<>();
    /** The epoch of the lanes kept; -1 before a lane reported. */
    private long lanesEpoch = -1;
    /** Each provider lane's latest report for {@link #lanesEpoch}, by lane, in the order they first reported (ADR 0036). */
    private final Map<String, GroupSnapshot.Lane> lanes = new LinkedHashMap<>();

    /**
     * The latest report of what the actuator serves, with the lanes of its epoch; null before one. A lane of a newer
     * epoch than the group's report waits for that epoch's report.
     */
    public GroupSnapshot.Serving serving() {
        return serving == null || serving.epoch() != lanesEpoch ? serving
                : serving.withLanes(List.copyOf(lanes.values()));
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
        serving = report.withLanes(List.of());
        return true;
    }

    /**
     * A provider lane's report (ADR 0036); false (and ignored) when it is of an older epoch than {@code current}, the
     * group's latest decision, or than the lanes kept. A newer epoch's first lane report starts that epoch's lanes afresh.
     * Whether the group is served is never taken from it: only from the group's own report.
     */
    public boolean lane(ProviderLaneResult report, long current) {
        if (report.epoch() < current || report.epoch() < lanesEpoch) {
            return false;
        }
        if (report.epoch() > lanesEpoch) {
            lanes.clear();
            lanesEpoch = report.epoch();
        }
        GroupSnapshot.Lane before = lanes.get(report.lane());
        lanes.put(report.lane(), new GroupSnapshot.Lane(report.lane(), report.kind(), report.state(), report.detail(),
                report.since(), before == null ? 1 : before.results() + 1));
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
        serving = s.serving() == null ? null : s.serving().withLanes(List.of());
        lanes.clear();
        lanesEpoch = s.serving() == null || s.serving().lanes().isEmpty() ? -1 : s.serving().epoch();
        if (s.serving() != null) {
            s.serving().lanes().forEach(lane -> lanes.put(lane.lane(), lane));
        }
        refusalsAre(s.refusals(), group);
    }
}
