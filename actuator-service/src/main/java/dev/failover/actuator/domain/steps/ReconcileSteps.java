package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.contract.event.ActuationStep;

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
     * The group's steps of a group of several lanes, on what its lanes read: first whether any lane carries a newer
     * epoch's mark, which supersedes the group (ADR 0036, "How the group steps read several lanes").
     */
    static final List<ReconcileStep> GROUP_OF_LANES = Stream.concat(Stream.of(new CheckOwner()), GROUP.stream())
            .toList();

    /**
     * A lane of a group of several, after the group's steps: its write waited for until propagated, its rest once it
     * serves, its own drift, and its write under the gate the group's steps opened.
     */
    static final List<ReconcileStep> LANE_ACT = List.of(
            new AwaitPropagation(),
            new LaneServed(),
            new HandleDrift(),
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

    /** A lane's read of its record ({@link #OBSERVE}): ends the lane's pass, or goes on with what it read. */
    public static Next observeLane(Pass start, Backends use, UnaryOperator<Pass> applied) {
        return part(OBSERVE, start, use, applied);
    }

    /** The group's steps of a group of several lanes ({@link #GROUP_OF_LANES}), the group judged by {@code start}'s lanes. */
    public static Next groupOfLanes(Pass start, Backends use, UnaryOperator<Pass> applied) {
        return part(GROUP_OF_LANES, start, use, applied);
    }

    /** A lane's part after the group's steps ({@link #LANE_ACT}); returns when the lane wants its next pass. */
    public static Duration actLane(Pass observed, Backends use, UnaryOperator<Pass> applied) {
        Next next = part(LANE_ACT, observed, use, applied);
        if (!(next instanceof Next.Done done)) {
            throw new IllegalStateException("no step ended the lane's pass; the last one, WriteRecord, always does");
        }
        return done.after();
    }

    /** No lane of a group of several could be read: the group waits, with backoff, saying why. */
    public static Next.Done noLaneRead(Pass start, Backends use, UnaryOperator<Pass> applied, String why) {
        Next.Done done = start.retryLater(why, use);
        return new Next.Done(done.after(), applied.apply(done.pass()));
    }

    /** A lane refused for good where the group is served only when every lane serves: the group is blocked. */
    public static Next.Done laneRefused(Pass start, Backends use, UnaryOperator<Pass> applied, String lane,
            String why) {
        Next.Done done = start.block(ActuationStep.DNS_SWITCH, lane, why, use);
        return new Next.Done(done.after(), applied.apply(done.pass()));
    }

    /** A blocked group's pass ({@link #WHILE_BLOCKED}); returns when the group wants its next pass: a resync later. */
    public static Duration guard(Pass start, Backends use, UnaryOperator<Pass> applied) {
        fold(WHILE_BLOCKED, start, use, applied);
        return use.settings().resync();
    }

    /** The steps in order until one ends the pass, each one's effects applied after it; else the pass after the last. */
    private static Next part(List<ReconcileStep> steps, Pass start, Backends use, UnaryOperator<Pass> applied) {
        Pass pass = start;
        for (ReconcileStep step : steps) {
            Next next = step.apply(pass, use);
            pass = applied.apply(next.pass());
            if (next instanceof Next.Done done) {
                return new Next.Done(done.after(), pass);
            }
        }
        return new Next.Continue(pass);
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
