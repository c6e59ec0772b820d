package dev.failover.decision.domain;

import java.time.Instant;
import java.util.List;

import dev.failover.contract.event.TargetEvidence;

/** A read-only snapshot of a group: its active target, epoch and per-target, per-location health. */
public record GroupView(String group, String activeTarget, long epoch, Instant lastSwitchAt, List<TargetEvidence> targets) {
}
