package dev.failover.actuator.domain.plan;

import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;

/**
 * What a reconcile step asks its reconciler to do once it returns (ADR 0021): results to publish, the group's status to
 * show, the desired state to store. The reconciler applies a step's effects in the order the step made them, before the
 * next step runs; a step's own calls to the world (a DNS write, a promotion) it makes itself, as their outcome decides
 * what it does next.
 */
public sealed interface Effect {

    /** How often a result is said. */
    enum Said {
        /** Every time. */
        ALWAYS,
        /** Unless the same step last said the same condition (a long wait is not a flood of events). */
        ONCE_PER_CONDITION,
        /** Once for the whole desired state, whatever else the step says between. */
        ONCE_PER_DESIRED_STATE
    }

    /**
     * A result on {@code failover.actuations}, about the desired state worked on.
     *
     * @param condition the words that make it the same result as the last one (without figures that change from pass to
     *                  pass); only for {@link Said#ONCE_PER_CONDITION}
     */
    record Report(Said said, ActuationStep step, ActuationStatus status, String provider, String condition,
            String details, Instant startedAt) implements Effect {
    }

    /** A read said what the record serves: shown in the group's status. */
    record Observed(ServedRecord served) implements Effect {
    }

    /** A change written whose save failed is stored before the record is read again; nothing when there is none. */
    record SaveUnstoredChange() implements Effect {
    }

    /**
     * The provider took a write as change {@code reference} and/or the write's {@code mark} is to be kept (a provider
     * without an owner record): part of the desired state from now on, unstored until the {@link SaveUnstoredChange}
     * the step asks for right after it.
     */
    record ChangeWritten(Optional<String> reference, Optional<String> mark) implements Effect {
    }

    /** A read saw the pending change served everywhere: not asked about again, not stored again. */
    record ChangePropagated() implements Effect {
    }

    /** The decision moves on to another of its steps: stored first; a newer decision that arrived meanwhile wins. */
    record MoveTo(DesiredState next) implements Effect {
    }

    /** Where this desired state's promotion stands now: stored before the pass goes on; a newer decision wins. */
    record Promotion(DesiredState.Promotion next) implements Effect {
    }

    /** The plane is to promote a node: kept in the desired state before it is asked for; a newer decision wins. */
    record Promoted(DesiredState.Promoted next) implements Effect {
    }
}
