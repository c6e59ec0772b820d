package dev.failover.actuator.domain.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.domain.data.DataTier;
import dev.failover.actuator.domain.data.DataTierEvidence;
import dev.failover.actuator.domain.data.EvidenceStore;
import dev.failover.actuator.domain.data.GroupWatch;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.contract.event.ActuatorRetry;
import dev.failover.contract.event.Decision;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;

/**
 * The actuator's core: one {@link GroupReconciler} per failover group, all sharing the same scalers; each group's DNS
 * provider and traffic plan as configured for it.
 */
public final class Reconciler {

    private final Topology topology;
    private final Function<String, GroupDns> dns;
    private final Wiring wiring;
    private final Databases databases;
    private final Clock clock;
    private final ReconcileSettings settings;
    private final EvidenceStore evidence;
    private final Map<String, GroupReconciler> groups = new ConcurrentHashMap<>();
    /** Every group's database nodes as this instance watches them, driven here or not. */
    private final Map<String, GroupWatch> watches = new ConcurrentHashMap<>();

    /**
     * @param dns    each group's DNS provider and traffic plan, by group id
     * @param wiring what every group's reconciler shares
     */
    public Reconciler(Topology topology, Function<String, GroupDns> dns, Wiring wiring) {
        this.topology = topology;
        this.dns = dns;
        this.wiring = wiring;
        this.databases = wiring.databases();
        this.evidence = wiring.evidence();
        this.clock = wiring.clock();
        this.settings = wiring.settings();
    }

    /** The group's reconciler, made on first use; a group missing from the topology gets one that blocks. */
    public GroupReconciler group(String id) {
        return groups.computeIfAbsent(id, g -> {
            return new GroupReconciler(g, topology, dns.apply(g), wiring, watches.computeIfAbsent(g, this::newWatch));
        });
    }

    /**
     * Watches the group's database nodes once, off its passes, whether this instance drives the group or
     * not: an instance that takes a group over then knows what a promotion may lose (it watched the primary before its
     * loss), where an instance that watched only its own groups found it unknown and held the failover. Returns when to
     * watch again (and, for a group driven here, whether a pass is wanted now); empty when the group has no database
     * node. Called by one thread per group at a time.
     */
    public Optional<Watched> watch(String id) {
        GroupReconciler group = groups.get(id);
        if (group != null) {
            return group.watchDataTier();
        }
        Optional<FailoverGroup> config = topology.group(id)
                .filter(g -> g.targets().stream().anyMatch(t -> t.database() != null));
        config.ifPresent(g -> watches.computeIfAbsent(id, this::newWatch).observe(g, databases, clock,
                settings.databaseWatch()));
        return config.map(g -> new Watched(settings.databaseWatch(), false));
    }

    private GroupWatch newWatch(String group) {
        return new GroupWatch(group, evidence);
    }

    /**
     * Takes in the evidence instances kept of a group's data tier (this one in an earlier life, others): what a promotion
     * may lose is then measured against it as well. A group missing from the topology is passed over.
     */
    public void restoreEvidence(String group, DataTierEvidence kept) {
        if (topology.group(group).isPresent()) {
            watches.computeIfAbsent(group, this::newWatch).facts().restore(kept);
        }
    }

    /**
     * {@code target}'s node of {@code group} asked whether it may write (its start-up guard or fence agent, through
     * {@code start-check}), driven here or not: every instance hears it, since the agent asks every one.
     */
    public void askedToWrite(String group, String target) {
        if (topology.group(group).isPresent()) {
            watches.computeIfAbsent(group, this::newWatch).facts().askedToWrite(target, clock.instant());
        }
    }

    /** The groups whose targets have database nodes: every instance watches them. */
    public List<String> watchedGroups() {
        return topology.groups().stream().filter(g -> g.targets().stream().anyMatch(t -> t.database() != null))
                .map(FailoverGroup::id).toList();
    }

    /**
     * One pass of the group; a group with no reconciler (never offered or restored here, or forgotten) has nothing to
     * do and is not made one, so a pass racing with {@link #forget} cannot bring a group back.
     */
    public Duration run(String id) {
        GroupReconciler group = groups.get(id);
        return group == null ? settings.resync() : group.run();
    }

    /**
     * Drives these groups (their partition is assigned here): each gets its reconciler, so that a group with no decision
     * yet is observed against its initial state (epoch 0) like any other.
     */
    public void drive(Collection<String> ids) {
        ids.forEach(this::group);
    }

    public Offer offer(Decision decision) {
        return group(decision.group()).offer(decision);
    }

    public void restore(DesiredState state) {
        group(state.group()).restore(state);
    }

    /** Forgets groups this instance no longer owns (their partition moved to another instance). */
    public void forget(Collection<String> ids) {
        ids.forEach(groups::remove);
        // the plane's last promotion is the owner's to say (it keeps it in the desired state): a former owner's copy
        // would keep the unfenced-since-promotion gauge counting after a later owner took the promotion back
        ids.forEach(id -> java.util.Optional.ofNullable(watches.get(id))
                .ifPresent(w -> w.facts().promotedByThePlane(null)));
    }

    /**
     * The group's status; a group this instance does not drive (its partition is assigned elsewhere) is idle, with its
     * database nodes as this instance's watch last observed them (every instance watches every group's).
     */
    /**
     * Each provider lane's state of a group written to several providers (ADR 0036), as driven here; empty for a group
     * of one lane, and for one this instance does not drive.
     */
    public List<LaneStatus> lanes(String id) {
        GroupReconciler group = groups.get(id);
        return group == null ? List.of() : group.lanes().map(LanePasses::statuses).orElse(List.of());
    }

    /**
     * One pass of a provider lane of a group written to several (ADR 0036), beside the group's own; returns when the
     * lane wants its next. Nothing for a group not driven here, or of one lane.
     */
    public Duration runLane(String id, String lane) {
        GroupReconciler group = groups.get(id);
        Optional<LanePasses> lanes = group == null ? Optional.empty() : group.lanes();
        return lanes.map(l -> l.lanePass(lane)).orElse(settings.resync());
    }

    public GroupStatus status(String id) {
        GroupReconciler group = groups.get(id);
        if (group != null) {
            return group.status();
        }
        GroupWatch watch = watches.get(id);
        return new GroupStatus(id, null, new Convergence.Idle(), null, null, null, null,
                watch == null ? DataTier.NONE : watch.facts().snapshot(clock.instant()));
    }

    /** What became of an operator's retry that reached this instance (ADR 0025). */
    public enum RetryTaken {
        /** The group is driven here: its next pass tries again if it is BLOCKED, and says so either way. */
        TAKEN,
        /** Issued longer ago than {@link ActuatorRetry#MAX_AGE}: read again after a rebalance or restart; not acted on. */
        EXPIRED,
        /** The group is not driven here (no decision for it yet on this instance). */
        NOT_DRIVEN
    }

    /** An operator's retry that came through failover.decisions (ADR 0025): only the group's driver acts on it. */
    public RetryTaken retry(ActuatorRetry retry) {
        if (retry.expiredAt(clock.instant())) {
            return RetryTaken.EXPIRED;
        }
        GroupReconciler group = groups.get(retry.group());
        if (group == null) {
            return RetryTaken.NOT_DRIVEN;
        }
        group.retry(retry.principal(), retry.reason());
        return RetryTaken.TAKEN;
    }

    /** The newest desired state of a group this instance drives (what its next pass drives), if it has a decision. */
    public java.util.Optional<DesiredState> latestDesired(String id) {
        GroupReconciler group = groups.get(id);
        return group == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(group.latestDesired());
    }

    /**
     * An operator approves or declines {@code step} of the Region switch execution of the group's desired decision
     * (ADR 0028); asked only of the instance that drives the group (the caller checks {@link #drives}).
     */
    public RegionSwitchApproval.Answer answerRegionSwitchStep(String id, String step, boolean approve, String principal,
            String reason) {
        return RegionSwitchApproval.answer(id, status(id), topology.group(id), wiring.regionSwitch(),
                new ActuationReports(id,
                        wiring.sink(), clock),
                step, approve, principal, reason, clock.instant());
    }

    /** Whether this instance drives the group now (its partition is assigned here, or a decision for it was seen). */
    public boolean drives(String id) {
        return groups.containsKey(id);
    }

    public List<GroupStatus> statuses() {
        return groups.values().stream().map(GroupReconciler::status).toList();
    }
}
