package dev.failover.actuator.regionswitch;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.failover.actuator.aws.AwsFailure;
import dev.failover.actuator.lease.Lease;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.arcregionswitch.ArcRegionSwitchClient;
import software.amazon.awssdk.services.arcregionswitch.model.AbbreviatedExecution;
import software.amazon.awssdk.services.arcregionswitch.model.Approval;
import software.amazon.awssdk.services.arcregionswitch.model.ExecutionAction;
import software.amazon.awssdk.services.arcregionswitch.model.ExecutionEvent;
import software.amazon.awssdk.services.arcregionswitch.model.ExecutionEventType;
import software.amazon.awssdk.services.arcregionswitch.model.ExecutionMode;
import software.amazon.awssdk.services.arcregionswitch.model.ExecutionState;
import software.amazon.awssdk.services.arcregionswitch.model.GetPlanExecutionResponse;
import software.amazon.awssdk.services.arcregionswitch.model.StepState;

/**
 * Region switch through the AWS SDK: every call to the Region switch data plane of the plan's region (the region being
 * activated, as AWS runs plans), with that place's client ({@code clients}: region and role, made on first use with the
 * place's credentials, no retry of its own: the reconcile loop retries). Failures are classified once, as every AWS call
 * of the actuator's ({@link AwsFailure}), but for an {@code IllegalStateException} of a start or a cancel: the plan's
 * state moved under the call (another execution running, one already ending), which the next pass reads and acts on.
 */
public final class AwsRegionSwitch implements RegionSwitch {

    /**
     * How many of a plan's executions are read to find the plane's own, every page of the listing up to this many (AWS
     * does not document their order: they are sorted here, newest first).
     */
    static final int RECENT = 500;

    private final Function<Plan, ArcRegionSwitchClient> clients;
    private final Lease lease;
    private final int recent;

    /** @param lease asked before every write (a start, a cancel, an approval): a cut-off actuator starts nothing */
    public AwsRegionSwitch(Function<Plan, ArcRegionSwitchClient> clients, Lease lease) {
        this(clients, lease, RECENT);
    }

    /** @param recent the most executions of a plan read: more, and the listing is refused */
    AwsRegionSwitch(Function<Plan, ArcRegionSwitchClient> clients, Lease lease, int recent) {
        this.clients = clients;
        this.lease = lease;
        this.recent = recent;
    }

    @Override
    public Outcome<List<Execution>> executions(Plan plan) {
        Outcome<List<AbbreviatedExecution>> listed = call(
                "listing the executions of " + plan.arn() + " in " + plan.region(),
                false,
                () -> clients.apply(plan).listPlanExecutionsPaginator(r -> r.planArn(plan.arn()).maxResults(100))
                        .items()
                        .stream().limit(recent + 1L).toList());
        if (!(listed instanceof Outcome.Done<List<AbbreviatedExecution>> done)) {
            return listed instanceof Outcome.Refused<?> r ? new Outcome.Refused<>(r.reason())
                    : new Outcome.Passing<>(((Outcome.Passing<?>) listed).reason());
        }
        if (done.value().size() > recent) {
            // AWS documents no order: cut, the newest (ours, one running) might be the ones left out, and a start then
            // could run the plan a second time for one decision
            return new Outcome.Refused<>("plan " + plan.arn() + " has more than " + recent + " executions in "
                    + plan.region()
                    + ": the plane cannot tell whether this decision's ran, and does not start another; use a copy of the plan");
        }
        return new Outcome.Done<>(done.value().stream()
                .sorted(Comparator.comparing(AbbreviatedExecution::startTime,
                        Comparator.nullsLast(Comparator.reverseOrder())))
                .map(e -> new Execution(e.executionId(), state(e.executionState()), mode(e.mode()), e.comment(),
                        e.executionRegion(), e.executionAction() == ExecutionAction.ACTIVATE, e.startTime(),
                        e.endTime(),
                        List.of(), null))
                .toList());
    }

    @Override
    public Outcome<Execution> execution(Plan plan, String executionId) {
        return call("reading execution " + executionId + " of " + plan.arn() + " in " + plan.region(), false, () -> {
            ArcRegionSwitchClient client = clients.apply(plan);
            GetPlanExecutionResponse e = client.getPlanExecution(r -> r.planArn(plan.arn()).executionId(executionId));
            State state = state(e.executionState());
            String failure = state == State.FAILED || state == State.PAUSED_BY_FAILED_STEP || state == State.TIMED_OUT
                    ? failure(client, plan, executionId).orElse(null) : null;
            return new Execution(e.executionId(), state, mode(e.mode()), e.comment(), e.executionRegion(),
                    e.executionAction() == ExecutionAction.ACTIVATE, e.startTime(), e.endTime(),
                    e.stepStates().stream().map(AwsRegionSwitch::step).toList(), failure);
        });
    }

    @Override
    public Outcome<String> start(Plan plan, Mode mode, String comment) {
        Optional<String> lapsed = lease.lapsed();
        if (lapsed.isPresent()) {
            return new Outcome.Passing<>("not started: " + lapsed.get());
        }
        return call("starting " + plan.arn() + " to activate " + plan.region(), true, () -> clients.apply(plan)
                .startPlanExecution(
                        r -> r.planArn(plan.arn()).targetRegion(plan.region()).action(ExecutionAction.ACTIVATE)
                                .mode(mode == Mode.GRACEFUL ? ExecutionMode.GRACEFUL : ExecutionMode.UNGRACEFUL)
                                .latestVersion("true")
                                .comment(comment))
                .executionId());
    }

    @Override
    public Outcome<Boolean> cancel(Plan plan, String executionId, String comment) {
        Optional<String> lapsed = lease.lapsed();
        if (lapsed.isPresent()) {
            return new Outcome.Passing<>("not cancelled: " + lapsed.get());
        }
        return call("cancelling execution " + executionId + " of " + plan.arn(), true, () -> {
            clients.apply(plan)
                    .cancelPlanExecution(r -> r.planArn(plan.arn()).executionId(executionId).comment(comment));
            return true;
        });
    }

    @Override
    public Outcome<Boolean> approve(Plan plan, String executionId, String step, boolean approve, String comment) {
        Optional<String> lapsed = lease.lapsed();
        if (lapsed.isPresent()) {
            return new Outcome.Passing<>("not answered: " + lapsed.get());
        }
        return call((approve ? "approving" : "declining") + " step " + step + " of execution " + executionId, false,
                () -> {
                    clients.apply(plan)
                            .approvePlanExecutionStep(r -> r.planArn(plan.arn()).executionId(executionId).stepName(step)
                                    .approval(approve ? Approval.APPROVE : Approval.DECLINE).comment(comment));
                    return true;
                });
    }

    /** The message of the latest failed step's event, as AWS wrote it ({@code error}, else {@code description}). */
    private static Optional<String> failure(ArcRegionSwitchClient client, Plan plan, String executionId) {
        return client.listPlanExecutionEventsPaginator(r -> r.planArn(plan.arn()).executionId(executionId)).items()
                .stream()
                .limit(RECENT)
                .filter(e -> e.type() == ExecutionEventType.STEP_FAILED
                        || e.type() == ExecutionEventType.STEP_PAUSED_BY_ERROR
                        || e.type() == ExecutionEventType.EXECUTION_FAILED)
                .max(Comparator.comparing(ExecutionEvent::timestamp, Comparator.nullsFirst(Comparator.naturalOrder())))
                .map(e -> (e.stepName() == null ? "" : "step " + e.stepName() + ": ")
                        + (e.error() != null && !e.error().isBlank() ? e.error() : String.valueOf(e.description())));
    }

    private static Step step(StepState s) {
        StepStatus status = switch (s.status() == null
                ? software.amazon.awssdk.services.arcregionswitch.model.StepStatus.UNKNOWN_TO_SDK_VERSION
                : s.status()) {
            case NOT_STARTED -> StepStatus.NOT_STARTED;
            case RUNNING -> StepStatus.RUNNING;
            case FAILED -> StepStatus.FAILED;
            case COMPLETED -> StepStatus.COMPLETED;
            case CANCELED -> StepStatus.CANCELED;
            case SKIPPED -> StepStatus.SKIPPED;
            case PENDING_APPROVAL -> StepStatus.PENDING_APPROVAL;
            default -> StepStatus.UNKNOWN;
        };
        return new Step(s.name(), status, s.startTime(), s.endTime());
    }

    static State state(ExecutionState s) {
        if (s == null) {
            return State.UNKNOWN;
        }
        return switch (s) {
            case PENDING -> State.PENDING;
            case IN_PROGRESS -> State.IN_PROGRESS;
            case PENDING_MANUAL_APPROVAL -> State.AWAITING_APPROVAL;
            case PAUSED_BY_OPERATOR -> State.PAUSED_BY_OPERATOR;
            case PAUSED_BY_FAILED_STEP -> State.PAUSED_BY_FAILED_STEP;
            // every step done; AWS goes on watching the application's health alarms: traffic has moved
            case COMPLETED, COMPLETED_MONITORING_APPLICATION_HEALTH -> State.COMPLETED;
            case COMPLETED_WITH_EXCEPTIONS -> State.COMPLETED_WITH_EXCEPTIONS;
            case FAILED -> State.FAILED;
            case CANCELED -> State.CANCELED;
            case PLAN_EXECUTION_TIMED_OUT -> State.TIMED_OUT;
            default -> State.UNKNOWN;
        };
    }

    private static Mode mode(ExecutionMode mode) {
        return mode == ExecutionMode.UNGRACEFUL ? Mode.UNGRACEFUL : Mode.GRACEFUL;
    }

    private static <T> Outcome<T> call(String what, boolean stateMayMove, Supplier<T> call) {
        try {
            return new Outcome.Done<>(call.get());
        } catch (software.amazon.awssdk.services.arcregionswitch.model.IllegalStateException e) {
            AwsFailure failure = AwsFailure.of(what, e);
            return stateMayMove ? new Outcome.Passing<>(failure.reason()) : new Outcome.Refused<>(failure.reason());
        } catch (SdkException e) {
            return AwsFailure.of(what, e).as(reason -> new Outcome.Passing<T>(reason),
                    reason -> new Outcome.Refused<T>(reason));
        }
    }
}
