package dev.failover.actuator.domain.plan;

import java.util.Optional;
import java.util.function.Function;

import dev.failover.actuator.domain.model.DesiredState;

/**
 * What a step asks to be stored in the group's desired state (ADR 0021). The reconciler owns the desired state: a newer
 * decision offered meanwhile wins (compare-and-set on the newest), and what it takes it stores before or as it takes it,
 * so that a restarted or new owner resumes from it.
 */
public sealed interface Stored extends Effect permits Stored.SaveUnstoredChange, Stored.ChangeWritten,
        Stored.ChangePropagated, Stored.MoveTo, Stored.Promotion, Stored.Promoted {

    /** Whatever applies stored effects: one method per kind, so that every kind is handled (by the compiler). */
    interface Cases<R> {

        R saveUnstoredChange();

        R changeWritten(ChangeWritten written);

        R changePropagated(ChangePropagated propagated);

        R moveTo(MoveTo move);

        R promotion(Promotion promotion);

        R promoted(Promoted promoted);
    }

    /** Applies {@code cases}'s method for this kind. */
    <R> R match(Cases<R> cases);

    @Override
    default <R> R match(Function<Said, R> said, Function<Stored, R> stored) {
        return stored.apply(this);
    }

    /** A change written whose save failed is stored before the record is read again; nothing when there is none. */
    record SaveUnstoredChange() implements Stored {

        @Override
        public <R> R match(Cases<R> cases) {
            return cases.saveUnstoredChange();
        }
    }

    /**
     * {@code lane}'s provider took a write as change {@code reference} and/or the write's {@code mark} is to be kept (a
     * provider without an owner record): part of the desired state from now on, unstored until the
     * {@link SaveUnstoredChange} the step asks for right after it.
     */
    record ChangeWritten(String lane, Optional<String> reference, Optional<String> mark) implements Stored {

        @Override
        public <R> R match(Cases<R> cases) {
            return cases.changeWritten(this);
        }
    }

    /** A read of {@code lane} saw its pending change served everywhere: not asked about again, not stored again. */
    record ChangePropagated(String lane) implements Stored {

        @Override
        public <R> R match(Cases<R> cases) {
            return cases.changePropagated(this);
        }
    }

    /** The decision moves on to another of its steps: stored first; a newer decision that arrived meanwhile wins. */
    record MoveTo(DesiredState next) implements Stored {

        @Override
        public <R> R match(Cases<R> cases) {
            return cases.moveTo(this);
        }
    }

    /** Where this desired state's promotion stands now: stored before the pass goes on; a newer decision wins. */
    record Promotion(DesiredState.Promotion next) implements Stored {

        @Override
        public <R> R match(Cases<R> cases) {
            return cases.promotion(this);
        }
    }

    /** The plane is to promote a node: kept in the desired state before it is asked for; a newer decision wins. */
    record Promoted(DesiredState.Promoted next) implements Stored {

        @Override
        public <R> R match(Cases<R> cases) {
            return cases.promoted(this);
        }
    }
}
