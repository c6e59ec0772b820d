package dev.failover.actuator.domain;

import java.time.Duration;

/**
 * One rule of a reconcile pass (ADR 0006, "The reconcile steps"). A step looks at what the pass has learnt and either
 * hands on (with what it learnt) or ends the pass (with when the group wants its next one). The steps run in the one
 * order of {@link ReconcileSteps#IN_ORDER}; they change the group's state only through the {@link PassContext}'s
 * intent methods.
 */
sealed interface ReconcileStep permits SaveWrittenChange, ReadRecord, ReadRecord.Quietly, CheckOwner, TakeBackPromotion, FenceOtherWritable, StartMoveAtServed,
        AwaitPropagation, HoldStep, Settle, ScaleDownIfDue, HandleDrift, EnsureCapacity, PreflightSwitch, PromoteDatabase, WriteRecord {

    /**
     * @param pass  what the pass has learnt so far
     * @param use   the group's backends
     * @param group the group's state, through its intent methods
     */
    Next apply(Pass pass, Backends use, PassContext group);

    /** What a step decided. */
    sealed interface Next {

        /** The next step goes on, with what this one learnt. */
        record Continue(Pass pass) implements Next {
        }

        /** The pass ends here; the group wants its next pass after {@code after}. */
        record Done(Duration after) implements Next {
        }
    }

    static Next go(Pass pass) {
        return new Next.Continue(pass);
    }

    static Next done(Duration after) {
        return new Next.Done(after);
    }
}
