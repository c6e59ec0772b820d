package dev.failover.decision.domain.engine;

import java.util.List;

import dev.failover.contract.event.Decision;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.OwnershipTerm;

/**
 * A group passing between instances (ADR 0002, ADR 0007): released when this instance's ownership of it ends, its state
 * restored from the state topic, the decisions published and the explanations persisted, then acquired under a term.
 * The engine's part for ownership and the store ({@link DecisionEngine#handover()}): each call holds the engine's one
 * lock, as the engine's own methods do; the group states themselves are the {@link GroupRegistry}'s. Unknown groups are
 * ignored: the topology may have changed.
 */
public final class GroupHandover {

    /** The engine's lock: a handover replaces a group's state that results, ticks and commands change. */
    private final Object lock;
    private final GroupRegistry groups;
    /** The guards of all groups, which count a restored group's failing targets and switches. */
    private final FleetGuards fleet;

    GroupHandover(Object lock, GroupRegistry groups, FleetGuards fleet) {
        this.lock = lock;
        this.groups = groups;
        this.fleet = fleet;
    }

    /**
     * This instance stops deciding the group (its partition was revoked, its lease lapsed): its decisions not yet
     * published are dropped, never to go out, and the rest of its state with them; until {@link #acquire} nothing decides
     * it here. Only its evidence is set aside, for a restore that may keep it ({@link GroupRegistry#release}). Returns how
     * many decisions were dropped.
     */
    public int release(String group) {
        synchronized (lock) {
            return groups.release(group);
        }
    }

    /** A restore of the group begins, its evidence starting from nothing: {@code beginRestore(group, false)}. For tests. */
    void beginRestore(String group) {
        beginRestore(group, false);
    }

    /**
     * A restore of the group begins (its partition was assigned): its state starts from nothing, and nothing decides it
     * until {@link #acquire}. Idempotent.
     *
     * @param evidenceContinues nobody else read the group's input since this instance released it: the evidence set
     *                          aside at the release is kept, never the decisions ({@link GroupRegistry#beginRestore})
     */
    public void beginRestore(String group, boolean evidenceContinues) {
        synchronized (lock) {
            groups.beginRestore(group, evidenceContinues);
        }
    }

    /** Restores persisted state (the epoch only ever rises). */
    public void restore(GroupSnapshot snapshot) {
        synchronized (lock) {
            groups.known(snapshot.group()).ifPresent(s -> {
                if (s.restore(snapshot)) {
                    fleet.restoreFailing(s, snapshot.failingSince());
                    if (snapshot.automaticSwitches() != null) {
                        fleet.restoredSwitches(snapshot.group(), snapshot.automaticSwitches());
                    }
                }
            });
        }
    }

    /**
     * Takes a published decision into account on recovery: a decision with a higher epoch than the state knows (a crash
     * between publishing it and saving the state) moves the active target and epoch forward.
     */
    public void observePublished(Decision decision) {
        synchronized (lock) {
            groups.known(decision.group()).ifPresent(s -> s.traffic().observePublished(decision));
        }
    }

    /** Takes a group's persisted explanations back on restore. */
    public void restoreExplanations(String group, List<Explanation> persisted) {
        synchronized (lock) {
            groups.known(group).ifPresent(s -> s.journal().restoreExplanations(persisted));
        }
    }

    /**
     * The group's state is restored: this instance decides it again, under no known term (epochs one above the last,
     * which two owners can both mint). For tests; an owner acquires under its term.
     */
    void acquire(String group) {
        acquire(group, OwnershipTerm.NONE);
    }

    /**
     * The group's state is restored: this instance decides it again, under {@code term}, its next epoch at least the
     * term's first ({@link GroupRegistry#acquire}).
     */
    public void acquire(String group, OwnershipTerm term) {
        synchronized (lock) {
            groups.acquire(group, term);
        }
    }

    /** Whether this engine decides the group now: known, and not released since its last restore. */
    public boolean decides(String group) {
        synchronized (lock) {
            return groups.decides(group);
        }
    }
}
