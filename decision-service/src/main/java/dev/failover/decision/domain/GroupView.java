package dev.failover.decision.domain;

import java.time.Instant;
import java.util.List;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.TargetEvidence;
import dev.failover.contract.event.TargetHealth;

/** A read-only snapshot of a group for operators: who is active, how healthy everything is, what holds automation. */
public record GroupView(
        String group,
        String mode,
        String activeTarget,
        TargetHealth activeHealth,
        long epoch,
        Instant lastSwitchAt,
        Automation automation,
        GroupSnapshot.PinState pin,
        GroupSnapshot.PauseState pause,
        GroupSnapshot.FreezeState freeze,
        GroupSnapshot.DrillState drill,
        GroupSnapshot.DrillReport lastDrill,
        GroupSnapshot.Serving serving,
        List<TargetEvidence> targets,
        List<Decision> recentDecisions,
        List<GroupSnapshot.AuditEntry> audit) {

    /** What automation does for the group right now. */
    public enum Automation {
        RUNNING,
        PINNED,
        PAUSED,
        FROZEN,
        DRILL
    }
}
