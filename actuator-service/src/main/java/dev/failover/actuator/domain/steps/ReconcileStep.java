package dev.failover.actuator.domain.steps;

import java.time.Duration;

import dev.failover.actuator.domain.plan.Backends;

/**
 * One rule of a reconcile pass (ADR 0006, "The reconcile steps"; ADR 0021). A step takes the pass as far as it has come
 * and either hands it on (with what it learnt, the group's progress and the effects it asks for) or ends it (with when
 * the group wants its next one). The steps run in the one order of {@link ReconcileSteps#IN_ORDER}; they change the
 * group's progress only by returning a changed {@link Pass}, and the reconciler applies their effects between them.
 */
public sealed interface ReconcileStep
        permits SaveWrittenChange, ReadRecord, ReadRecord.Quietly, CheckOwner, TakeBackPromotion,
        FenceOtherWritable, OpenPromotedDatabase, StartMoveAtServed, AwaitPropagation, HoldStep, Settle, ScaleDownIfDue,
        HandleDrift, EnsureCapacity,
        PreflightSwitch, ReadyDatabase, PromoteDatabase, RunRegionSwitchPlan, OpenGate, WriteRecord, LaneServed {

    /**
     * @param pass what the pass has learnt so far, and the group's progress
     * @param use  the group's backends
     */
    Next apply(Pass pass, Backends use);

    /** What a step decided; either way with the pass as it left it. */
    sealed interface Next {

        Pass pass();

        /** The next step goes on. */
        record Continue(Pass pass) implements Next {
        }

        /** The pass ends here; the group wants its next pass after {@code after}. */
        record Done(Duration after, Pass pass) implements Next {

            /** The same end, but no later than {@code latest}. */
            Done atMost(Duration latest) {
                return after.compareTo(latest) <= 0 ? this : new Done(latest, pass);
            }
        }
    }
}
