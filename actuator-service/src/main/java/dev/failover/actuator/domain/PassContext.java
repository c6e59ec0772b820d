package dev.failover.actuator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.Target;

/**
 * What a reconcile step may do to its {@link GroupReconciler}'s state: intent methods, and a few questions. The state
 * itself (convergence, attempts, holds, the desired state) stays the reconciler's; the backends come as a value
 * ({@link Backends}).
 */
interface PassContext {

    // ---- results ----

    void report(ActuationStep step, ActuationStatus status, String provider, String details, Instant startedAt);

    /** Publishes a result unless the same step said the same thing last (a long wait is not a flood of events). */
    void publishOnce(ActuationStep step, ActuationStatus status, String provider, String details, Instant startedAt);

    /**
     * Publishes a result unless the same step last said the same {@code condition} (its words without the figures that
     * change from pass to pass, such as a replica's lag): said once while the condition lasts.
     */
    /** Publishes a result once for the whole desired state, whatever else the step says between. */
    void publishOncePerDesiredState(ActuationStep step, ActuationStatus status, String provider, String details,
            Instant startedAt);

    void publishOnce(ActuationStep step, ActuationStatus status, String provider, String condition, String details,
            Instant startedAt);

    // ---- how a pass ends ----

    /** A passing failure: keep trying, with backoff, until served or superseded. */
    default Duration retryLater(String error, Instant now) {
        return retryLater(error, now, null);
    }

    /** A passing failure or wait: keep trying at the {@code poll} interval (null: with backoff). */
    default Duration retryLater(String error, Instant now, Duration poll) {
        return retryLater(error, error, now, poll);
    }

    /**
     * A wait on a condition that lasts and whose figures change on every pass (a replica's lag): the group's status says
     * {@code error} as it is now, the published result says it once while {@code condition} (its words without those
     * figures) stays the same.
     */
    Duration retryLater(String condition, String error, Instant now, Duration poll);

    /** The provider asked to slow down: keep trying, with the longer backoff of throttling. */
    Duration retryThrottled(String error, Instant now);

    /** Refused for good: blocked until a newer decision, a configuration change or an operator's retry. */
    Duration block(ActuationStep step, String provider, String reason, Instant now);

    /** The record carries a newer epoch's mark: this instance changes nothing. */
    Duration supersede(OwnerMark owner, Instant now);

    // ---- the record ----

    /** A read said what the record serves, for the group's status. */
    void observed(ServedRecord served);

    /** The record serves something its goal's write did not write: reported once, as {@code details} say. */
    void drifted(String served, String details, Instant now);

    // ---- the desired state ----

    /** Stores a change written whose save failed, before the record is read again; nothing when there is none. */
    void saveUnstoredChange();

    /**
     * The provider took a write as change {@code reference}, which it may not serve everywhere yet: it becomes part of the
     * desired state and is stored, so that a restarted or new owner asks about it too before it calls the group
     * converged. Its id is known only once the write is taken, so it is stored right after it; a save that fails fails
     * the pass, and the next pass stores it before it reads (this instance asks about it meanwhile all the same). The
     * initial state has no desired state to keep it in.
     * <p>
     * For a provider that keeps no owner record (ARC, issue 52), the write's {@code mark} is kept and stored the same
     * way: it is what every later read is judged by, on this instance or the next owner.
     */
    void changeWritten(java.util.Optional<String> reference, java.util.Optional<String> mark);

    /**
     * A read saw the pending change served everywhere: this instance asks no more about it. Not stored again (no write to
     * the store per converged group): an owner restored from the stored state asks once more and finds it in sync.
     */
    void changePropagated();

    /**
     * Moves on to another step of the same decision, stored so that a restart resumes from it; the next pass acts. A
     * newer decision that arrived meanwhile wins.
     */
    Duration moveTo(DesiredState next);

    /**
     * Where this desired state's promotion stands now (issue 50, the way back), stored before the pass goes on, so that a
     * restarted or new owner resumes from it. A newer decision that arrived meanwhile wins.
     */
    void promotion(DesiredState.Promotion next);

    // ---- holds and convergence ----

    /** Since when the step served now has been held; empty before it was seen served. */
    Optional<Instant> heldSince();

    /** The step is served from {@code now}, held for {@code hold} before the next. */
    void hold(Instant now, Duration hold);

    /** The goal is served, proven by a read; says whether it was before. */
    Settled settle(Instant now, long millisFromDecision);

    enum Settled {
        /** It was converged already: nothing new to say. */
        STILL,
        /** Converged again (after drift, a failure, a retry). */
        AGAIN,
        /** Served for the first time since the decision. */
        FIRST
    }

    // ---- capacity ----

    /** Reports the target's capacity once per desired state. */
    void reportCapacityOnce(ActuationStatus status, String provider, String details, Instant now);

    /** Since when the target's capacity has been waited for; starts the wait at {@code now} on the first look. */
    Instant capacityWaitSince(Instant now);

    /** The target is ready: the capacity wait is over. */
    void capacityWaitOver();

    // ---- scale-down ----

    /** Since when the decision has been served (without interruption by a newer decision); null before. */
    Instant servedSince();

    /** Whether the target traffic left has been dealt with (scaled down, or it has nothing to scale). */
    boolean scaleDownDone();

    void scaledDown();

    // ---- the data tier (ADR 0020) ----

    /** A target's database node was observed: kept for the group's status and metrics. */
    void databaseSeen(Target target, Database.Observation observation, Instant at);

    /**
     * What promoting {@code target}'s replica, as {@code node} shows it now, may lose: measured against the primary's
     * positions this group's passes have seen (issue 50).
     */
    LossExposure lossExposure(Target target, Database.Observation.Observed node, Instant now);

    /**
     * The timeline {@code target}'s replica follows: the one {@code wal} reports, or while its receiver is down the one
     * it was last seen to have received; 0 when unknown.
     */
    long followedTimeline(Target target, Database.Wal wal);

    /**
     * The target whose database node was last seen taking writes: the primary a move fences, whatever target the
     * decision says traffic leaves (after a blocked decision the two differ). Empty before any was seen.
     */
    Optional<String> lastSeenWriter();

    /** Whether {@code target}'s database node was last seen taking writes (the database is there). */
    boolean databaseWritable(Target target);

    /**
     * Whether {@code target}'s database node, last seen taking writes, is a former primary: another node of the group
     * was seen writing a later timeline (issue 50). Such a node never gets traffic and is fenced.
     */
    Optional<DataTierWatch.FormerPrimary> formerPrimary(Target target);

    /** Whether this desired state's switch was checked before its database move (issue 50); see PreflightSwitch. */
    boolean switchPreflighted();

    /** This desired state's switch was checked (or cannot be): not asked again for it. */
    void switchChecked();

    /** A time by which {@code target}'s database node was certainly fenced, seen fenced since; see DataTierWatch. */
    Optional<Instant> fencedBy(Target target);

    /** Whether {@code target}'s database node takes writes again after it was seen fenced: someone undid the fence. */
    boolean unfencedByHand(Target target);

    /**
     * The way back was taken (issue 50): {@code promoted}'s node, fenced, began {@code timeline}, which the group abandoned;
     * {@code restored}'s node writes {@code restoredTimeline} again and is not a former primary for it.
     */
    void promotionTakenBack(Target promoted, long timeline, Target restored, long restoredTimeline);

    /**
     * This pass's DNS switch was refused while the target's database node already takes writes: said in the status and
     * the metrics for as long as passes repeat it.
     */
    void switchRefusedAfterDatabaseMove(Instant now);

    /** This pass holds an unplanned failover because the replica lags beyond the data-loss budget. */
    void heldForDataLoss(Instant now);

    /**
     * The target's node was asked to become writable, knowing it may lose {@code exposure} (null: forced past a check that
     * measured nothing); returns the how-manieth request of this desired state it is.
     */
    int promotionRequested(Target target, Instant now, LossExposure exposure);

    /**
     * The target's node is writable: how long since this instance first requested its promotion for this desired state,
     * once; empty when it did not request one (the node was writable already, or another instance promoted it).
     */
    Optional<Duration> promotedWritable(Instant now);
}
