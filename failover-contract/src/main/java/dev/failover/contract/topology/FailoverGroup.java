package dev.failover.contract.topology;

import java.util.List;
import java.util.Optional;

/**
 * A name that is switched between targets.
 *
 * @param id         unique id; the Kafka key of every event of this group
 * @param dns        the DNS record that is switched
 * @param targets    targets in failover order: primary first; an optional last-resort target last
 * @param thresholds detection and switching thresholds
 * @param failback   how traffic returns to a higher-priority target
 * @param whenAllDown what happens when no target is healthy
 * @param drill      the scheduled disaster-recovery drill
 * @param mode       live, or shadow: decisions are published but not acted on
 * @param safety     correlated-failure guard, switch budget, fresh evidence and failure classes (ADR 0010)
 * @param arc        the ARC routing controls the group is switched with instead of record writes; null: records
 * @param regionSwitch an ARC Region switch plan run for each move before the DNS switch (ADR 0028); null: none
 */
public record FailoverGroup(
        String id,
        DnsRecord dns,
        List<Target> targets,
        Thresholds thresholds,
        Failback failback,
        AllDownPolicy whenAllDown,
        Drill drill,
        GroupMode mode,
        Safety safety,
        ArcRouting arc,
        RegionSwitchPlan regionSwitch) {

    public FailoverGroup {
        targets = Lists.copy(targets);
        thresholds = thresholds == null ? Thresholds.defaults() : thresholds;
        failback = failback == null ? Failback.defaults() : failback;
        whenAllDown = whenAllDown == null ? AllDownPolicy.HOLD : whenAllDown;
        drill = drill == null ? Drill.defaults() : drill;
        mode = mode == null ? GroupMode.LIVE : mode;
        safety = safety == null ? Safety.defaults() : safety;
    }

    public Optional<Target> target(String targetId) {
        return targets.stream().filter(t -> t.id().equals(targetId)).findFirst();
    }

    public Target primary() {
        return targets.get(0);
    }

    /**
     * Whether a drill moves this group's data tier one way (ADR 0020): it has a {@code postgres} or {@code rds} database
     * node, so the drill's start fences the primary's node and promotes the replica, and its end, back to the fenced
     * node, is BLOCKED until that node is rebuilt as a replica. An Aurora global database switches back by itself.
     */
    public boolean drillMovesDatabaseOneWay() {
        return targets.stream().anyMatch(t -> t != null && t.database() != null
                && !(t.database() instanceof DatabaseRef.AuroraGlobal));
    }
}
