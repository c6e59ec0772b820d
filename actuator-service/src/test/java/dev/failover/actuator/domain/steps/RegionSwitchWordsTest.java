package dev.failover.actuator.domain.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
import dev.failover.actuator.regionswitch.RegionSwitch.Mode;
import dev.failover.actuator.regionswitch.RegionSwitch.State;
import dev.failover.actuator.regionswitch.RegionSwitch.Step;
import dev.failover.actuator.regionswitch.RegionSwitch.StepStatus;
import dev.failover.contract.event.DecisionKind;

/**
 * Each finding of the Region switch step and the sentence it is published as (docs/aws-arc.md quotes some), and the
 * comments the plane's executions carry. Group {@code api} moves to target {@code secondary} in us-west-2.
 */
class RegionSwitchWordsTest {

    static final String ARN = "arn:aws:arc-region-switch::111122223333:plan/api";
    static final String OF = "Region switch execution exec-1 of " + ARN;
    static final List<Step> STEPS = List.of(new Step("scale", StepStatus.COMPLETED, null, null),
            new Step("approve", StepStatus.PENDING_APPROVAL, null, null));
    static final String ENDED = "; DNS not switched; the plan runs again only for a new decision (failoverctl force api"
            + " secondary --reason ...)";

    static Stream<Arguments> findings() {
        return Stream.of(
                arguments("run outside, counted", RegionSwitchWords.result(new OutsideRunCounts("exec-1", "bob: drill",
                        "us-west-2")), "execution exec-1, started outside the plane (bob: drill), completed activating"
                                + " us-west-2: not run again"),
                arguments("started", RegionSwitchWords.result(new Started("exec-1", ARN, Mode.UNGRACEFUL, "us-west-2",
                        null)), "started execution exec-1 of " + ARN + " (UNGRACEFUL) activating us-west-2"),
                arguments("started, a run outside uncounted", RegionSwitchWords.result(new Started("exec-1", ARN,
                        Mode.UNGRACEFUL, "us-west-2", new Uncounted("exec-0", List.of("us-east-1", "eu-west-1")))),
                        "started execution exec-1 of " + ARN + " (UNGRACEFUL) activating us-west-2; execution exec-0,"
                                + " started outside the plane, completed activating us-west-2, but us-east-1, eu-west-1"
                                + " did not answer: a newer execution there may have moved the resources since"),
                arguments("started: status", RegionSwitchWords.text(new Started("exec-1", ARN, Mode.GRACEFUL,
                        "us-west-2", null)), "Region switch execution exec-1 started; DNS waits for it"),
                arguments("completed", RegionSwitchWords.result(new Completed("exec-1", State.COMPLETED, "us-west-2",
                        Mode.GRACEFUL, STEPS)), "execution exec-1 completed activating us-west-2 (GRACEFUL; scale"
                                + " COMPLETED, approve PENDING_APPROVAL)"),
                arguments("completed with exceptions", RegionSwitchWords.result(new Completed("exec-1",
                        State.COMPLETED_WITH_EXCEPTIONS, "us-west-2", Mode.GRACEFUL, STEPS)), "execution exec-1"
                                + " completed with exceptions activating us-west-2 (GRACEFUL; scale COMPLETED, approve"
                                + " PENDING_APPROVAL)"),
                arguments("awaiting approval", RegionSwitchWords.text(new AwaitingApproval("exec-1", ARN, "approve",
                        "api")), OF + " waits for the approval of step approve (failoverctl region-switch approve api"
                                + " --step approve, or the console); DNS waits for it"),
                arguments("awaiting approval, unnamed", RegionSwitchWords.text(new AwaitingApproval("exec-1", ARN, null,
                        "api")), OF + " waits for the approval of step (unnamed) (failoverctl region-switch approve api"
                                + " --step (unnamed), or the console); DNS waits for it"),
                arguments("paused", RegionSwitchWords.text(new Paused("exec-1", ARN)),
                        OF + " was paused by an operator in Region switch; DNS waits until it is resumed"),
                arguments("paused by a failed step", RegionSwitchWords.text(failed(State.PAUSED_BY_FAILED_STEP,
                        "step scale failed: throttled")), OF + " paused by failed step: step scale failed: throttled;"
                                + " DNS not switched; resume or skip the step in Region switch, then failoverctl retry"
                                + " api"),
                arguments("failed", RegionSwitchWords.text(failed(State.FAILED, "step scale failed: throttled")),
                        OF + " failed: step scale failed: throttled" + ENDED),
                arguments("timed out", RegionSwitchWords.text(failed(State.TIMED_OUT, "step scale failed: throttled")),
                        OF + " timed out: step scale failed: throttled" + ENDED),
                arguments("cancelled, no failure", RegionSwitchWords.text(failed(State.CANCELED, null)),
                        OF + " canceled" + ENDED),
                arguments("running a step: condition", RegionSwitchWords.condition(running("scale")),
                        OF + ": step scale running"),
                arguments("running a step", RegionSwitchWords.text(running("scale")),
                        OF + ": step scale running (scale COMPLETED, approve PENDING_APPROVAL); DNS waits for it"),
                arguments("running no step: condition", RegionSwitchWords.condition(running(null)), OF + ": PENDING"),
                arguments("running no step", RegionSwitchWords.text(running(null)),
                        OF + ": PENDING (scale COMPLETED, approve PENDING_APPROVAL); DNS waits for it"),
                arguments("outside, running", RegionSwitchWords.text(new OutsideRunning("exec-1", ARN, "bob: drill")),
                        OF + " was started outside the plane (bob: drill) and runs; ours starts when it ends"),
                arguments("newer, running", RegionSwitchWords.text(new NewerRunning("exec-1", 9)),
                        "Region switch execution exec-1 of a newer decision (epoch 9) runs; this decision is"
                                + " superseded"),
                arguments("cancelled", RegionSwitchWords.result(new Cancelled("exec-1", 5)),
                        "cancelled execution exec-1 of epoch 5: superseded by this decision"),
                arguments("cancelled: status", RegionSwitchWords.text(new Cancelled("exec-1", 5)),
                        "Region switch execution exec-1 of epoch 5 cancelled; ours starts once it has ended"),
                arguments("refused", RegionSwitchWords.result(new CallRefused("AccessDeniedException: not authorized")),
                        "AccessDeniedException: not authorized; DNS not switched"),
                arguments("failed for now", RegionSwitchWords.text(new CallFailedForNow("throttled")),
                        "Region switch: throttled"),
                arguments("a start's comment", RegionSwitchWords.startComment(new DecisionKey("api", "d-7", 7),
                        DecisionKind.FAILOVER, "secondary", "primary down"),
                        "failover-plane group=api decision=d-7 epoch=7: FAILOVER to secondary: primary down"),
                arguments("a cancel's comment", RegionSwitchWords.cancelComment(new DecisionKey("api", "d-7", 7)),
                        "superseded by failover-plane group=api decision=d-7 epoch=7"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("findings")
    void eachFindingHasItsSentence(String finding, String said, String sentence) {
        assertThat(said).isEqualTo(sentence);
    }

    private static Failed failed(State state, String failure) {
        return new Failed("exec-1", ARN, state, failure, "api", "secondary");
    }

    private static Running running(String step) {
        return new Running("exec-1", ARN, State.PENDING, step, STEPS);
    }
}
