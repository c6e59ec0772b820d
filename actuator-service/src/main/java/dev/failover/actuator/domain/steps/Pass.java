package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.RecordSets;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Effect;
import dev.failover.actuator.domain.plan.Gate;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.plan.Progress;
import dev.failover.actuator.domain.plan.Said;
import dev.failover.actuator.domain.plan.Stored;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.actuator.requests.Priority;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;

/**
 * One pass as far as it has come (ADR 0021): what it has learnt, the group's {@link Progress} and the {@link Effect}s the
 * step running now has asked for. Immutable: a step hands on a changed copy, and the reconciler applies the effects
 * between steps.
 *
 * @param goal     what the pass converges on
 * @param now      when the pass started
 * @param key      the group's record
 * @param served   what the record serves; null until {@link ReadRecord}
 * @param owner    whose the record is; null until {@link CheckOwner}
 * @param promoting the target's replica to promote; null unless {@link ReadyDatabase} found one that may be
 * @param lanes    what each of a group's provider lanes serves and when the group counts as served, for the group's
 *                 steps (ADR 0036); {@link Lanes#ONE} for a group of one lane, whose lane is {@code served} and
 *                 {@code owner}
 * @param gate     whether the lanes may write the goal: opened by {@link OpenGate} once the group's steps let it through
 * @param progress the group's progress on its desired state
 * @param effects  what the step running now asks the reconciler to do, in order
 */
public record Pass(Goal goal, Instant now, RecordKey key, ServedRecord served, Ownership owner, Promoting promoting,
        Lanes lanes, Gate gate, Progress progress, List<Effect> effects) {

    public Pass {
        effects = List.copyOf(effects);
    }

    public static Pass start(Goal goal, Instant now, Progress progress) {
        return start(goal, now, progress, goal == null ? null : RecordKey.of(goal.config()));
    }

    /** A pass on the record {@code key}: a lane's, in its provider's zone (ADR 0036). */
    public static Pass start(Goal goal, Instant now, Progress progress, RecordKey key) {
        return new Pass(goal, now, key, null, null, null, Lanes.ONE, Gate.Closed.NOT_YET, progress, List.of());
    }

    /** The record was read: it serves {@code record}, shown in the group's status. */
    Pass read(ServedRecord record) {
        return new Pass(goal, now, key, record, owner, promoting, lanes, gate, progress, effects)
                .and(new Said.Observed(record));
    }

    Pass owned(Ownership ownership) {
        return new Pass(goal, now, key, served, ownership, promoting, lanes, gate, progress, effects);
    }

    /**
     * The group's pass of a group of several lanes: what each lane read, and the lane {@code by} that the group's steps
     * describe the group by, shown in its status (ADR 0036, "Served under all and any").
     */
    public Pass judgedBy(Lanes.LaneView by, Lanes views) {
        return new Pass(goal, now, key, by.served(), by.owner(), promoting, views, gate, progress, effects)
                .and(new Said.Observed(by.served()));
    }

    /** The group's steps opened (or closed) the way for the lanes' writes; a lane's pass writes under the group's. */
    public Pass gated(Gate next) {
        return new Pass(goal, now, key, served, owner, promoting, lanes, next, progress, effects);
    }

    /** The target's replica may be promoted now, as {@code next} says. */
    Pass promoting(Promoting next) {
        return new Pass(goal, now, key, served, owner, next, lanes, gate, progress, effects);
    }

    /** The group's progress changed as {@code next} says. */
    Pass with(Progress next) {
        return new Pass(goal, now, key, served, owner, promoting, lanes, gate, next, effects);
    }

    /**
     * The precedence of this pass's requests on a budget many groups share (ADR 0022): a group on its way to a
     * decision's desired state goes before one that is settled (or has nothing to do), whose pass is a resync; and one
     * whose write is made and waits to be seen served everywhere (a change to check) goes after those still to be
     * written: in a region's failover the confirmations of the groups switched first took the turns the others' writes
     * needed (ADR 0022, "Writes before confirmations").
     */
    public Priority priority(String lane) {
        Convergence convergence = progress.convergence();
        if (!(convergence instanceof Convergence.Converging || convergence instanceof Convergence.Drifted)) {
            return Priority.RESYNC;
        }
        return goal != null && goal.changeToCheck(lane).isPresent() ? Priority.CONFIRM : Priority.SWITCH;
    }

    public Pass applied(Progress next) {
        return new Pass(goal, now, key, served, owner, promoting, lanes, gate, next, List.of());
    }

    /**
     * Whether the record serves what the goal wants: a decision's sets under its own mark; the initial state's sets with
     * whatever TTL they were deployed with, mark or none.
     */
    boolean servedAsWanted() {
        return lanes.views().isEmpty() ? servesAsWanted(served, owner) : lanes.served(this::servesAsWanted);
    }

    /** Whether {@code view}'s record, read on its lane's last pass, serves what the goal wants. */
    public boolean servesAsWanted(Lanes.LaneView view) {
        return view.served() != null && servesAsWanted(view.served(), view.owner());
    }

    /**
     * Whether any lane serves what the goal wants: clients reach the target whatever the policy, so its database is
     * opened and any other writer fenced (ADR 0036, "How the group steps read several lanes").
     */
    boolean anyLaneServes() {
        return lanes.views().isEmpty() ? servedAsWanted() : lanes.views().stream().anyMatch(this::servesAsWanted);
    }

    /** Whether every lane serves what the goal wants: no laggard still sends clients to the target left. */
    boolean everyLaneServes() {
        return lanes.views().isEmpty() ? servedAsWanted() : lanes.views().stream().allMatch(this::servesAsWanted);
    }

    private boolean servesAsWanted(ServedRecord record, Ownership ownership) {
        if (goal instanceof Goal.Initial) {
            return setsAsWanted(record);
        }
        return ownership instanceof Ownership.Ours && setsAsWanted(record);
    }

    /** Whether {@code record}'s sets are what the goal wants, whatever its mark. */
    boolean setsAsWanted(ServedRecord record) {
        if (goal instanceof Goal.Initial) {
            return RecordSets.matches(RecordSets.withoutTtl(record.sets()), RecordSets.withoutTtl(goal.wanted()));
        }
        return RecordSets.matches(record.sets(), goal.wanted());
    }

    // ---- results ----

    /** A result, started when the pass started. */
    Pass report(ActuationStep step, ActuationStatus status, String provider, String details) {
        return report(step, status, provider, details, now);
    }

    Pass report(ActuationStep step, ActuationStatus status, String provider, String details, Instant startedAt) {
        return plus(Said.Often.ALWAYS, step, status, provider, null, details, startedAt);
    }

    /** A result, unless the same step said the same thing last (its words without the attempt count). */
    Pass publishOnce(ActuationStep step, ActuationStatus status, String provider, String details) {
        return publishOnce(step, status, provider, details.replaceFirst("^attempt \\d+: ", ""), details);
    }

    /**
     * A result, unless the same step last said the same {@code condition} (its words without the figures that change from
     * pass to pass, such as a replica's lag): said once while the condition lasts.
     */
    Pass publishOnce(ActuationStep step, ActuationStatus status, String provider, String condition, String details) {
        return plus(Said.Often.ONCE_PER_CONDITION, step, status, provider, condition, details, now);
    }

    /** A result once for the whole desired state, whatever else the step says between. */
    Pass publishOncePerDesiredState(ActuationStep step, ActuationStatus status, String provider, String details) {
        return plus(Said.Often.ONCE_PER_DESIRED_STATE, step, status, provider, null, details, now);
    }

    // ---- the desired state ----

    /** A change written whose save failed is stored before the record is read again. */
    Pass saveUnstoredChange() {
        return and(new Stored.SaveUnstoredChange());
    }

    /**
     * {@code lane}'s provider took a write as change {@code reference}, or its {@code mark} is to be kept: taken into
     * the desired state unstored, then stored right away, so that a save that fails leaves it unstored for the next
     * pass to store.
     */
    Pass changeWritten(String lane, Optional<String> reference, Optional<String> mark) {
        return and(new Stored.ChangeWritten(lane, reference, mark)).saveUnstoredChange();
    }

    /** A read of {@code lane} saw its pending change served everywhere. */
    Pass changePropagated(String lane) {
        return and(new Stored.ChangePropagated(lane));
    }

    /** Where this desired state's promotion stands now, stored before the pass goes on. */
    Pass promotion(DesiredState.Promotion next) {
        return and(new Stored.Promotion(next));
    }

    /** The plane is to promote a node: kept in the desired state before it is asked for. */
    Pass promoted(DesiredState.Promoted next) {
        return and(new Stored.Promoted(next));
    }

    // ---- how a step ends ----

    /** The next step goes on with this pass. */
    Next go() {
        return new Next.Continue(this);
    }

    /** The pass ends; the group wants its next pass after {@code after}. */
    Next.Done done(Duration after) {
        return new Next.Done(after, this);
    }

    /** Moves on to another step of the same decision, stored so that a restart resumes from it; the next pass acts. */
    Next.Done moveTo(DesiredState next) {
        return and(new Stored.MoveTo(next)).done(Duration.ZERO);
    }

    /** A passing failure: keep trying, with backoff, until served or superseded. */
    Next.Done retryLater(String error, Backends use) {
        return retryLater(error, null, use);
    }

    /** A passing failure or wait: keep trying at the {@code poll} interval (null: with backoff). */
    Next.Done retryLater(String error, Duration poll, Backends use) {
        return retryLater(error, error, poll, use);
    }

    /**
     * A wait on a condition that lasts and whose figures change on every pass (a replica's lag): the group's status says
     * {@code error} as it is now, the published result says it once while {@code condition} stays the same.
     */
    Next.Done retryLater(String condition, String error, Duration poll, Backends use) {
        Progress next = progress.waiting(error, now);
        return with(next).publishOnce(ActuationStep.RECONCILE, ActuationStatus.CONVERGING, use.dns().name(), condition,
                "attempt " + next.attempt() + ": " + error).done(
                        poll != null ? poll
                                : use.settings().backoff().after(next.attempt()));
    }

    /** The provider asked to slow down: keep trying, with the longer backoff of throttling. */
    Next.Done retryThrottled(String error, Backends use) {
        Pass waited = retryLater(error, use).pass();
        return waited.with(waited.progress().throttledNow())
                .done(use.settings().backoff().afterThrottled(waited.progress().attempt()));
    }

    /** Refused for good: blocked until a newer decision, a configuration change or an operator's retry. */
    public Next.Done block(ActuationStep step, String provider, String reason, Backends use) {
        return with(progress.blocked(reason, now)).report(ActuationStep.RECONCILE, ActuationStatus.BLOCKED, provider,
                reason + " (" + step + "; retried after a new decision, a configuration change or an operator's retry)")
                .done(use.settings().resync());
    }

    /** The record carries a newer epoch's mark: this instance changes nothing. */
    Next.Done supersede(OwnerMark mark, Backends use) {
        long epoch = progress.desired() == null ? 0 : progress.desired().epoch();
        return with(progress.superseded(mark.epoch())).publishOnce(ActuationStep.RECONCILE, ActuationStatus.SUPERSEDED,
                use.dns().name(), "the record was written by epoch " + mark.epoch() + " (decision " + mark.decisionId()
                        + "), newer than epoch " + epoch + ": this instance changes nothing")
                .done(use.settings().resync());
    }

    private Pass plus(Said.Often often, ActuationStep step, ActuationStatus status, String provider, String condition,
            String details, Instant startedAt) {
        return and(new Said.Report(often, step, status, provider, condition, details, startedAt));
    }

    private Pass and(Effect effect) {
        List<Effect> more = new ArrayList<>(effects);
        more.add(effect);
        return new Pass(goal, now, key, served, owner, promoting, lanes, gate, progress, more);
    }

    /** Whose the record is, by its ownership mark (a newer epoch's mark has ended the pass already: {@link CheckOwner}). */
    public sealed interface Ownership {

        /** The mark is this group's, of the goal's epoch: the record was last written for this goal. */
        record Ours(OwnerMark mark) implements Ownership {
        }

        /** No mark, one of an older epoch, or another group's: a write takes the record over. */
        record NotOurs() implements Ownership {
        }
    }
}
