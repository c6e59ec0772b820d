package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;

/**
 * The reconcile steps of a pass, in their one order: the same for the initial state (epoch 0, no decision yet) and a
 * decision's desired state. Docs (ADR 0006, "The reconcile steps") list them from here. They come in three parts (ADR
 * 0036, "Where the lanes live"): a provider lane's observation of its record, the group's steps, which open the
 * {@linkplain dev.failover.actuator.domain.plan.Gate gate} for the goal, and the lane's write under it; a group of one
 * lane runs them in this order in one pass.
 */
public final class ReconcileSteps {

    /** A lane reads its record and who wrote it; a newer epoch's mark ends the pass. */
    static final List<ReconcileStep> OBSERVE = List.of(
            new SaveWrittenChange(),
            new ReadRecord(),
            new CheckOwner());

    /** The group's steps, on what the lane read: the data tier's guards, holds and settling, capacity, the database. */
    static final List<ReconcileStep> GROUP = List.of(
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
            new OpenGate());

    /** The lane writes the goal under the gate the group's steps opened. */
    static final List<ReconcileStep> ACT = List.of(
            new WriteRecord());

    static final List<ReconcileStep> IN_ORDER = Stream.of(OBSERVE, GROUP, ACT).flatMap(List::stream).toList();

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
