package dev.failover.actuator.domain.reconcile;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.DesiredStore;
import dev.failover.actuator.domain.plan.Progress;
import dev.failover.actuator.domain.plan.Stored;
import dev.failover.contract.event.Decision;

/**
 * A group's desired state as offered, restored and stored (ADR 0006, 0021): the newest one, which the next pass adopts,
 * and the {@link Stored} effects of a pass that change it within its epoch. Offers come from the decisions' thread at
 * any time; a pass's change is taken only if no newer decision arrived meanwhile (compare-and-set on the newest), and is
 * stored before or as it is taken, so that a restarted or new owner resumes from it.
 */
final class NewestDesired {

    private final AtomicReference<DesiredState> newest = new AtomicReference<>();
    private final DesiredStore store;
    private final Object saveLock = new Object();

    NewestDesired(DesiredStore store) {
        this.store = store;
    }

    /** The newest desired state offered or restored; null before any decision. */
    DesiredState get() {
        return newest.get();
    }

    /** Takes {@code decision} if its epoch is above the newest; else says the epoch it is not above. */
    Offer offer(Decision decision) {
        while (true) {
            DesiredState current = newest.get();
            if (current != null && decision.epoch() <= current.epoch()) {
                return new Offer.Stale(current.epoch());
            }
            DesiredState next = DesiredState.after(current, decision);
            if (newest.compareAndSet(current, next)) {
                return new Offer.Accepted(next);
            }
        }
    }

    /** A desired state read back from the store: taken if newer (a later epoch, or a later step of the same). */
    void restore(DesiredState state) {
        newest.accumulateAndGet(state, (current, restored) -> current == null || restored.epoch() > current.epoch()
                || (restored.epoch() == current.epoch() && restored.step() > current.step()) ? restored : current);
    }

    /**
     * Applies one of a pass's stored effects to {@code progress} (whose desired state the pass works on); returns the
     * progress after it. A save that fails throws and fails the pass, and the reconciler keeps the progress the effects
     * before it left (a change written stays unstored, stored by the next pass).
     */
    Progress apply(Stored effect, Progress progress) {
        DesiredState desired = progress.desired();
        return effect.match(new Stored.Cases<>() {

            @Override
            public Progress saveUnstoredChange() {
                if (!progress.changeUnstored()) {
                    return progress;
                }
                // the newest of the same step holds every lane's change, another lane's written meanwhile too; saved
                // one at a time, so that the last record stored holds them all (ADR 0036, "Per-lane state")
                synchronized (saveLock) {
                    DesiredState latest = newest.get();
                    store.save(sameStep(latest, desired) ? latest : desired);
                }
                return progress.unstored(false);
            }

            @Override
            public Progress changeWritten(Stored.ChangeWritten written) {
                if (desired == null) {
                    return progress; // the initial state has no desired state to keep it in
                }
                // merged into the newest desired state of the same epoch and step, which another lane's write may have
                // changed meanwhile (ADR 0036, "Per-lane state"); a newer decision or step wins, and writes its own
                DesiredState merged = newest.updateAndGet(current -> sameStep(current, desired)
                        ? lane(current, written) : current);
                if (!sameStep(merged, desired)) {
                    return progress;
                }
                // unstored until the save the step asks for next returns: a save that fails fails the pass, and the
                // next pass stores it first
                return progress.desiredNow(merged).unstored(true);
            }

            @Override
            public Progress changePropagated(Stored.ChangePropagated propagated) {
                DesiredState next = newest.updateAndGet(current -> sameStep(current, desired)
                        ? current.propagated(propagated.lane()) : current);
                Progress stored = progress.unstored(false);
                return sameStep(next, desired) ? stored.desiredNow(next) : stored;
            }

            @Override
            public Progress moveTo(Stored.MoveTo move) {
                if (newest.get() != desired) {
                    return progress; // a newer decision arrived meanwhile: it wins
                }
                // stored before it is taken: a save that fails fails the pass, which is run again at this step, so a
                // restart never resumes a step behind the traffic (a late save of an older epoch loses to the newer one
                // at restore)
                store.save(move.next());
                return newest.compareAndSet(desired, move.next()) ? progress.movedTo(move.next()) : progress;
            }

            @Override
            public Progress promotion(Stored.Promotion promotion) {
                return withinEpoch(progress, current -> current.with(promotion.next()));
            }

            @Override
            public Progress promoted(Stored.Promoted promoted) {
                return withinEpoch(progress, current -> current.with(promoted.next()));
            }
        });
    }

    /** {@code change} of the desired state {@code progress} works on, stored, then taken unless a newer one came. */
    private Progress withinEpoch(Progress progress, UnaryOperator<DesiredState> change) {
        DesiredState desired = progress.desired();
        if (desired == null || newest.get() != desired) {
            return progress; // a newer decision arrived meanwhile: it wins
        }
        DesiredState updated = change.apply(desired);
        store.save(updated); // a save that fails fails the pass, run again from the same state
        return newest.compareAndSet(desired, updated) ? progress.desiredNow(updated) : progress;
    }

    /** Whether {@code current} is the desired state {@code worked} was, at the same step (lanes may differ). */
    private static boolean sameStep(DesiredState current, DesiredState worked) {
        return current != null && current.decision().equals(worked.decision()) && current.step() == worked.step();
    }

    /** {@code written}'s change and mark in its lane of {@code current}. */
    private static DesiredState lane(DesiredState current, Stored.ChangeWritten written) {
        DesiredState next = written.reference().map(r -> current.written(written.lane(), r)).orElse(current);
        return written.mark().map(m -> next.marked(written.lane(), m)).orElse(next);
    }
}
