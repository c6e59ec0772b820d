package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.AwaitingApproval;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.CallFailedForNow;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.CallRefused;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.Cancelled;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.Completed;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.Failed;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.NewerRunning;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.OutsideRunCounts;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.OutsideRunning;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.Paused;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.Running;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.Started;
import dev.failover.actuator.domain.steps.RegionSwitchFinding.Uncounted;
import dev.failover.actuator.regionswitch.DecisionKey;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.regionswitch.RegionSwitch.Execution;
import dev.failover.actuator.regionswitch.RegionSwitch.Outcome;
import dev.failover.actuator.regionswitch.RegionSwitch.Plan;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.topology.RegionSwitchPlan;

/**
 * A group that names an ARC Region switch plan runs it for each move, before its DNS switch (ADR 0028,
 * docs/aws-arc.md): the plane decides when, the plan does what it holds. One execution per decision, found again on
 * every pass by the decision it names in its comment ({@link DecisionKey}): a restart, a takeover or a retry adopts it,
 * never starts a second. An execution of an older decision still running is cancelled (AWS runs one execution of a plan
 * at a time), one of a newer decision is waited out (this desired state is about to be superseded), and one started
 * outside the plane (a person, a CloudWatch trigger) is waited for, never cancelled; once it completed activating the
 * same region, it counts for the decision, while it is the newest activation in every region of the plan (each region
 * is asked before a start; see {@link Elsewhere}). An execution that ended without completing is the decision's for
 * good: the plan runs again only for a new decision. Graceful for a planned move, ungraceful when the old region may be
 * impaired. The execution is followed at the capacity poll interval; a manual-approval step waits, shown; a failed step
 * blocks the group with AWS's own message and DNS is not switched. What it finds is a {@link RegionSwitchFinding}, said
 * in {@link RegionSwitchWords}' sentences.
 */
record RunRegionSwitchPlan() implements ReconcileStep {

    static final String PROVIDER = "arc-region-switch";
    /** AWS's longest execution comment. */
    static final int MAX_COMMENT = 1024;
    /**
     * An execution started outside the plane that completed activating the target's region counts for a decision issued
     * up to this long after it started: the same incident, acted on by a person or a CloudWatch trigger first.
     */
    static final Duration OUTSIDE_RUN_COUNTS = Duration.ofMinutes(10);

    /** Newest first; an execution without a start time last. */
    private static final Comparator<Listed> NEWEST_FIRST = Comparator.comparing((Listed l) -> l.execution().started(),
            Comparator.nullsLast(Comparator.reverseOrder()));

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!(pass.goal() instanceof Goal.Decided goal) || goal.config().regionSwitch() == null
                || !use.traffic().sendsTrafficToTarget(goal.config(), goal.desired()) || pass.progress().planRan()) {
            return pass.go();
        }
        RegionSwitchPlan config = goal.config().regionSwitch();
        Decision decision = goal.desired().decision();
        Plan plan = new Plan(config.planArn(), config.regionOf(goal.target()), config.roleArn());
        DecisionKey key = new DecisionKey(use.group(), decision.decisionId(), goal.epoch());
        Outcome<List<Execution>> listed = use.regionSwitch().executions(plan);
        if (!(listed instanceof Outcome.Done<List<Execution>> done)) {
            return failed(pass, use, listed);
        }
        Optional<Execution> ours = done.value().stream()
                .filter(e -> DecisionKey.in(e.comment()).filter(key::equals).isPresent()).findFirst();
        if (ours.isPresent()) {
            return follow(pass, use, plan, ours.get().id());
        }
        Elsewhere elsewhere = elsewhere(use, plan, goal);
        List<Listed> all = Stream.concat(done.value().stream().map(e -> new Listed(e, plan.region())),
                elsewhere.executions().stream()).filter(distinctIds()).sorted(NEWEST_FIRST).toList();
        Optional<Listed> running = all.stream().filter(l -> l.execution().state().active()).findFirst();
        if (running.isPresent()) {
            // cancelled, if it must be, through the region whose listing returned it
            return giveWay(pass, use, new Plan(plan.arn(), running.get().listedIn(), plan.roleArn()),
                    running.get().execution(), key);
        }
        Optional<Execution> outside = outsideRun(all.stream().map(Listed::execution).toList(), plan, decision);
        if (outside.isPresent() && elsewhere.silent().isEmpty()) {
            return pass.with(pass.progress().planRanNow()).publishOncePerDesiredState(ActuationStep.REGION_SWITCH,
                    ActuationStatus.SUCCEEDED, PROVIDER, RegionSwitchWords.result(new OutsideRunCounts(
                            outside.get().id(), outside.get().comment(), plan.region())))
                    .go();
        }
        return start(pass, use, goal, plan, key,
                outside.map(o -> new Uncounted(o.id(), elsewhere.silent())).orElse(null));
    }

    /**
     * A person or a CloudWatch trigger ran it for this incident already: the region is active, never twice. It counts
     * only when nothing else of the plan ran since it started, in any region (an execution that ended later, even
     * cancelled part-way, may have moved the resources), and every region answered (a silent one may hold such a one:
     * the caller's to check).
     */
    private static Optional<Execution> outsideRun(List<Execution> all, Plan plan, Decision decision) {
        return all.stream().filter(e -> e.state() == RegionSwitch.State.COMPLETED
                || e.state() == RegionSwitch.State.COMPLETED_WITH_EXCEPTIONS).filter(
                        e -> DecisionKey.in(e.comment())
                                .isEmpty() && e.activates() && plan.region().equals(e.region()) && e.started() != null
                                && !e.started().isBefore(decision.issuedAt().minus(OUTSIDE_RUN_COUNTS)))
                .findFirst()
                .filter(p -> all.stream().filter(e -> e != p).allMatch(e -> e.ended() != null
                        && !e.ended().isAfter(p.started())));
    }

    /** Starts the decision's execution; {@code uncounted}: a run outside the plane that cannot count, or null. */
    private static Next start(Pass pass, Backends use, Goal.Decided goal, Plan plan, DecisionKey key,
            Uncounted uncounted) {
        Decision decision = goal.desired().decision();
        RegionSwitch.Mode mode = mode(decision.kind());
        Outcome<String> started = use.regionSwitch().start(plan, mode, truncate(RegionSwitchWords.startComment(key,
                decision.kind(), goal.target().id(), decision.reason())));
        if (!(started instanceof Outcome.Done<String> id)) {
            return failed(pass, use, started);
        }
        Started run = new Started(id.value(), plan.arn(), mode, plan.region(), uncounted);
        return pass.publishOncePerDesiredState(ActuationStep.REGION_SWITCH, ActuationStatus.SUCCEEDED, PROVIDER,
                RegionSwitchWords.result(run)).retryLater(RegionSwitchWords.text(run), use.settings().capacityPoll(),
                        use);
    }

    /** An execution and the region whose Region switch listed it (and is asked to cancel it). */
    record Listed(Execution execution, String listedIn) {
    }

    /**
     * The plan's executions in its other regions (the regions of the group's targets), and the regions that did not
     * answer. AWS does not document whether one region's Region switch lists the executions started in another, so
     * each region is asked before a start: an execution running there is given way to as one in the target's region,
     * and one that ran there since a person's run tells that run no longer counts. A region that does not answer (it
     * may be the one lost) is not waited for.
     */
    record Elsewhere(List<Listed> executions, List<String> silent) {
    }

    private static Elsewhere elsewhere(Backends use, Plan plan, Goal.Decided goal) {
        List<Listed> executions = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        goal.config().targets().stream().map(t -> goal.config().regionSwitch().regionOf(t)).distinct()
                .filter(region -> !region.equals(plan.region())).forEach(region -> {
                    Outcome<List<Execution>> there = use.regionSwitch().executions(new Plan(plan.arn(), region,
                            plan.roleArn()));
                    if (there instanceof Outcome.Done<List<Execution>> listed) {
                        listed.value().forEach(e -> executions.add(new Listed(e, region)));
                    } else {
                        silent.add(region);
                    }
                });
        return new Elsewhere(executions, silent);
    }

    /** The first of each execution: a region listing another's executions lists them once. */
    private static Predicate<Listed> distinctIds() {
        Set<String> seen = new HashSet<>();
        return l -> seen.add(l.execution().region() + "/" + l.execution().id());
    }

    /** Where our execution stands: done goes on to DNS, running waits, failed blocks. */
    private static Next follow(Pass pass, Backends use, Plan plan, String id) {
        Outcome<Execution> read = use.regionSwitch().execution(plan, id);
        if (!(read instanceof Outcome.Done<Execution> done)) {
            return failed(pass, use, read);
        }
        Execution e = done.value();
        Duration poll = use.settings().capacityPoll();
        switch (e.state()) {
            case COMPLETED, COMPLETED_WITH_EXCEPTIONS:
                return pass.with(pass.progress().planRanNow()).publishOncePerDesiredState(ActuationStep.REGION_SWITCH,
                        ActuationStatus.SUCCEEDED, PROVIDER, RegionSwitchWords.result(new Completed(id, e.state(),
                                plan.region(), e.mode(), e.steps())))
                        .go();
            case AWAITING_APPROVAL:
                return pass.retryLater(RegionSwitchWords.text(new AwaitingApproval(id, plan.arn(),
                        step(e, RegionSwitch.StepStatus.PENDING_APPROVAL), use.group())), poll, use);
            case PAUSED_BY_OPERATOR:
                return pass.retryLater(RegionSwitchWords.text(new Paused(id, plan.arn())), poll, use);
            case PAUSED_BY_FAILED_STEP, FAILED, TIMED_OUT, CANCELED:
                // paused: it can go on in Region switch; ended: this decision's execution is spent, never run twice
                String why = RegionSwitchWords.text(new Failed(id, plan.arn(), e.state(), e.failure(), use.group(),
                        pass.goal().target().id()));
                return pass.report(ActuationStep.REGION_SWITCH, ActuationStatus.FAILED, PROVIDER, why)
                        .block(ActuationStep.REGION_SWITCH, PROVIDER, why, use);
            default:
                Running running = new Running(id, plan.arn(), e.state(), step(e, RegionSwitch.StepStatus.RUNNING),
                        e.steps());
                return pass.retryLater(RegionSwitchWords.condition(running), RegionSwitchWords.text(running), poll,
                        use);
        }
    }

    /** The name of the execution's first step of {@code status}; null when none is. */
    private static String step(Execution e, RegionSwitch.StepStatus status) {
        return e.steps().stream().filter(s -> s.status() == status).map(RegionSwitch.Step::name).findFirst()
                .orElse(null);
    }

    /** Another execution of the plan runs: an older decision's is cancelled, a newer one's or a person's waited for. */
    private static Next giveWay(Pass pass, Backends use, Plan plan, Execution running, DecisionKey key) {
        // epochs are per group: another group's execution (a plan is one group's; the validator says so) is waited for
        Optional<Long> theirs = DecisionKey.in(running.comment()).filter(k -> k.group().equals(key.group()))
                .map(DecisionKey::epoch);
        if (theirs.isEmpty()) {
            OutsideRunning outside = new OutsideRunning(running.id(), plan.arn(), running.comment());
            return pass.retryLater(RegionSwitchWords.text(outside), use.settings().capacityPoll(), use);
        }
        if (theirs.get() >= key.epoch()) {
            return pass.retryLater(RegionSwitchWords.text(new NewerRunning(running.id(), theirs.get())),
                    use.settings().capacityPoll(), use);
        }
        Outcome<Boolean> cancelled = use.regionSwitch().cancel(plan, running.id(),
                truncate(RegionSwitchWords.cancelComment(key)));
        if (!(cancelled instanceof Outcome.Done<Boolean>)) {
            return failed(pass, use, cancelled);
        }
        Cancelled older = new Cancelled(running.id(), theirs.get());
        return pass.report(ActuationStep.REGION_SWITCH, ActuationStatus.SKIPPED, PROVIDER,
                RegionSwitchWords.result(older)).retryLater(RegionSwitchWords.text(older),
                        use.settings().capacityPoll(), use);
    }

    private static Next failed(Pass pass, Backends use, Outcome<?> outcome) {
        if (outcome instanceof Outcome.Refused<?> refused) {
            return pass.report(ActuationStep.REGION_SWITCH, ActuationStatus.FAILED, PROVIDER,
                    RegionSwitchWords.result(new CallRefused(refused.reason())))
                    .block(ActuationStep.REGION_SWITCH, PROVIDER, refused.reason(), use);
        }
        return pass.retryLater(RegionSwitchWords.text(new CallFailedForNow(((Outcome.Passing<?>) outcome).reason())),
                use);
    }

    /**
     * Graceful for a move the old region takes part in (a switchover, a drill, a failback, a pin); ungraceful when it
     * may be impaired: a failover, a last resort, an operator's break-glass force.
     */
    static RegionSwitch.Mode mode(DecisionKind kind) {
        return switch (kind) {
            case FAILOVER, LAST_RESORT, FORCE -> RegionSwitch.Mode.UNGRACEFUL;
            default -> RegionSwitch.Mode.GRACEFUL;
        };
    }

    private static String truncate(String comment) {
        return comment.length() <= MAX_COMMENT ? comment : comment.substring(0, MAX_COMMENT);
    }
}
