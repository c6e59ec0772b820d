package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;

/**
 * The reconcile steps of a pass, in their one order: the same for the initial state (epoch 0, no decision yet) and a
 * decision's desired state. Docs (ADR 0006, "The reconcile steps") list them from here.
 */
public final class ReconcileSteps {

    static final List<ReconcileStep> IN_ORDER = List.of(
            new SaveWrittenChange(),
            new ReadRecord(),
            new CheckOwner(),
            new TakeBackPromotion(),
            new FenceOtherWritable(),
            new OpenPromotedDatabase(),
            new StartMoveAtServed(),
            new AwaitPropagation(),
            new HoldStep(),
            new Settle(),
            new ScaleDownIfDue(),
            new HandleDrift(),
            new EnsureCapacity(),
            new PreflightSwitch(),
            // before the database: a plan may fail or be declined, and the fence and promotion cannot be undone
            // (ADR 0020, "Region switch before anything irreversible")
            new RunRegionSwitchPlan(),
            new ReadyDatabase(),
            new PromoteDatabase(),
            new WriteRecord());

    /**
     * The steps of a blocked group's pass: it changes nothing but the data tier's guard, which runs after the ownership
     * check like every fence, after a promotion taken back is told to the watch. A record that cannot be read leaves
     * the guard to the next pass, quietly: the group says why it is blocked, not a read error.
     */
    static final List<ReconcileStep> WHILE_BLOCKED = List.of(
            new ReadRecord.Quietly(),
            new CheckOwner(),
            new TakeBackPromotion(),
            new FenceOtherWritable());

    private ReconcileSteps() {
    }

    /**
     * Runs the steps until one ends the pass, {@code applied} applying each step's effects before the next step runs;
     * returns when the group wants its next pass.
     */
    public static Duration run(Pass start, Backends use, UnaryOperator<Pass> applied) {
        return fold(IN_ORDER, start, use, applied).orElseThrow(() -> new IllegalStateException(
                "no step ended the pass; the last one, WriteRecord, always does"));
    }

    /** A blocked group's pass ({@link #WHILE_BLOCKED}); returns when the group wants its next pass: a resync later. */
    public static Duration guard(Pass start, Backends use, UnaryOperator<Pass> applied) {
        fold(WHILE_BLOCKED, start, use, applied);
        return use.settings().resync();
    }

    /** The steps in order until one ends the pass (its wish for the next pass), each one's effects applied after it. */
    private static Optional<Duration> fold(List<ReconcileStep> steps, Pass start, Backends use,
            UnaryOperator<Pass> applied) {
        Pass pass = start;
        for (ReconcileStep step : steps) {
            Next next = step.apply(pass, use);
            pass = applied.apply(next.pass());
            if (next instanceof Next.Done done) {
                return Optional.of(done.after());
            }
        }
        return Optional.empty();
    }
}
