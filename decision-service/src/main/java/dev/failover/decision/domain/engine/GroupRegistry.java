package dev.failover.decision.domain.engine;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.domain.model.OwnershipTerm;
import dev.failover.decision.domain.state.CorrelatedFailureGuard;
import dev.failover.decision.domain.state.GroupState;
import dev.failover.decision.domain.state.Observing;

/**
 * The engine's group states, one per group of the topology, and whether this instance decides each: a group's state is
 * replaced by a fresh one when its ownership ends ({@link #release}) and when a restore of it begins
 * ({@link #beginRestore}), and the group is decided here again only once it is acquired ({@link #acquire}). Called
 * under the engine's lock; not thread-safe.
 */
final class GroupRegistry {

    private final List<String> locations;
    /** For the locations that observe each group's record (ADR 0026). */
    private final Topology topology;
    private final CorrelatedFailureGuard guard;
    private final Map<String, GroupState> groups = new LinkedHashMap<>();
    /** Groups released and not acquired since ({@link #release}, {@link #beginRestore}): nothing decides them here. */
    private final Set<String> released = new HashSet<>();
    /**
     * The evidence of each released group, until its next restore: handed to the restored state only when nobody else
     * read the group's input meanwhile ({@link #beginRestore}).
     */
    private final Map<String, Retired> retired = new HashMap<>();

    /** What a released group's state held that a restore may keep: evidence, never decisions. */
    private record Retired(GroupState.CarriedEvidence evidence, CorrelatedFailureGuard.Memory guard) {
    }

    /** @param guard the guard over all groups: a group's entries leave it with the group and come back with its evidence */
    GroupRegistry(Topology topology, CorrelatedFailureGuard guard) {
        this.locations = topology.locations();
        this.topology = topology;
        this.guard = guard;
        for (FailoverGroup group : topology.groups()) {
            groups.put(group.id(), new GroupState(group, locations, null, Observing.of(topology, group)));
        }
    }

    /** The groups' ids, in the topology's order. */
    Set<String> ids() {
        return Collections.unmodifiableSet(groups.keySet());
    }

    /** Every group's state as it is now: a live, read-only view that follows the replacements. */
    Collection<GroupState> states() {
        return Collections.unmodifiableCollection(groups.values());
    }

    /** The group's state, decided here or not; null for a group not in the topology. */
    GroupState state(String group) {
        return groups.get(group);
    }

    /** The group's state, decided here or not; empty for a group not in the topology. */
    Optional<GroupState> known(String group) {
        return Optional.ofNullable(groups.get(group));
    }

    /** Whether the group was released and not acquired since: nothing may decide it here. */
    boolean released(String group) {
        return released.contains(group);
    }

    /** Whether this instance decides the group now: known, and not released since its last restore. */
    boolean decides(String group) {
        return groups.containsKey(group) && !released.contains(group);
    }

    /**
     * This instance stops deciding the group (its partition was revoked, its lease lapsed): the outbox is emptied, as
     * its decisions were made under an ownership that has ended and must never go out, and everything else the group's
     * state held is dropped with it (ADR 0002): a decision discarded here still counted its epoch, its target as active
     * and its switch time, so the group coming back would have skipped the interim owner's records of a lower epoch, an
     * operator's pause or pin among them. Until {@link #acquire} nothing decides the group here: no result, tick or
     * command, whatever was in flight when the ownership ended. Only the evidence is set aside, for a restore that may
     * keep it. Returns how many decisions were dropped.
     */
    int release(String group) {
        GroupState s = groups.get(group);
        if (s == null) {
            return 0;
        }
        int dropped = s.journal().discardUnpublished();
        retired.put(group, new Retired(s.evidenceOnly(), guard.forget(group)));
        groups.put(group, new GroupState(s.group(), locations, null, Observing.of(topology, s.group())));
        released.add(group);
        return dropped;
    }

    /**
     * A restore of the group begins (its partition was assigned): its state starts from nothing, so that the highest
     * epoch among the records read wins, and nothing decides it until {@link #acquire}. Idempotent: a failed restore
     * begins again.
     *
     * @param evidenceContinues nobody else read the group's input since this instance released it (an eager rebalance
     *                          handed its partition straight back): the evidence set aside at the release is kept, so
     *                          that failures counted before the rebalance still count. Never the decisions, the epoch or
     *                          the commands: those come from the stored state only.
     */
    void beginRestore(String group, boolean evidenceContinues) {
        GroupState s = groups.get(group);
        if (s == null) {
            return;
        }
        Retired kept = evidenceContinues ? retired.get(group) : retired.remove(group);
        guard.forget(group);
        if (evidenceContinues && kept != null) {
            groups.put(group, new GroupState(s.group(), locations, kept.evidence(),
                    Observing.of(topology, s.group())));
            guard.remember(kept.guard());
        } else {
            groups.put(group, new GroupState(s.group(), locations, null, Observing.of(topology, s.group())));
        }
        released.add(group);
    }

    /**
     * The group's state is restored: this instance decides it again, under {@code term}. Its next decision's epoch is at
     * least the term's first, so that it ranks above anything an earlier owner decided and never equals what another
     * owner decides (ADR 0002).
     */
    void acquire(String group, OwnershipTerm term) {
        GroupState s = groups.get(group);
        if (s != null) {
            s.decideUnder(term);
        }
        released.remove(group);
        retired.remove(group);
    }
}
