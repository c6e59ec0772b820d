package dev.failover.actuator.domain.steps;

import java.util.List;
import java.util.Locale;

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
import dev.failover.actuator.regionswitch.DecisionKey;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.contract.event.DecisionKind;

/**
 * The operator's words for each {@link RegionSwitchFinding}, and the comments the plane gives the executions it starts
 * and cancels (AWS's console shows them). docs/aws-arc.md and the tests quote some of these sentences: change one only
 * together with them. {@code text} is what the group's status says; {@code result}, where it differs, the published
 * result; {@code condition}, where a finding has one, the status without the figures that change from pass to pass.
 */
final class RegionSwitchWords {

    private RegionSwitchWords() {
    }

    /** The comment an execution the plane starts carries: its decision's key first ({@link DecisionKey#in}). */
    static String startComment(DecisionKey key, DecisionKind kind, String target, String reason) {
        return key.text() + ": " + kind + " to " + target + ": " + reason;
    }

    /** The comment an older decision's execution is cancelled with. */
    static String cancelComment(DecisionKey key) {
        return "superseded by " + key.text();
    }

    static String result(OutsideRunCounts f) {
        return "execution " + f.id() + ", started outside the plane (" + f.comment() + "), completed activating "
                + f.region() + ": not run again";
    }

    static String result(Started f) {
        String unsure = f.uncounted() == null ? "" : "; execution " + f.uncounted().id() + ", started outside the"
                + " plane, completed activating " + f.region() + ", but " + String.join(", ", f.uncounted().silent())
                + " did not answer: a newer execution there may have moved the resources since";
        return "started execution " + f.id() + " of " + f.arn() + " (" + f.mode() + ") activating " + f.region()
                + unsure;
    }

    static String text(Started f) {
        return "Region switch execution " + f.id() + " started; DNS waits for it";
    }

    static String result(Completed f) {
        return "execution " + f.id() + " " + (f.state() == RegionSwitch.State.COMPLETED ? "completed"
                : "completed with exceptions") + " activating " + f.region() + " (" + f.mode() + "; " + steps(f.steps())
                + ")";
    }

    static String text(AwaitingApproval f) {
        String step = f.step() == null ? "(unnamed)" : f.step();
        return of(f.id(), f.arn()) + " waits for the approval of step " + step + " (failoverctl region-switch approve "
                + f.group() + " --step " + step + ", or the console); DNS waits for it";
    }

    static String text(Paused f) {
        return of(f.id(), f.arn()) + " was paused by an operator in Region switch; DNS waits until it is resumed";
    }

    /** Said in the result and in the block alike. */
    static String text(Failed f) {
        String next = f.state() == RegionSwitch.State.PAUSED_BY_FAILED_STEP
                ? "resume or skip the step in Region switch, then failoverctl retry " + f.group()
                : "the plan runs again only for a new decision (failoverctl force " + f.group() + " " + f.target()
                        + " --reason ...)";
        return of(f.id(), f.arn()) + " " + f.state().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (f.failure() == null ? "" : ": " + f.failure()) + "; DNS not switched; " + next;
    }

    static String condition(Running f) {
        return of(f.id(), f.arn()) + ": " + (f.step() == null ? f.state().name() : "step " + f.step() + " running");
    }

    static String text(Running f) {
        return condition(f) + " (" + steps(f.steps()) + "); DNS waits for it";
    }

    static String text(OutsideRunning f) {
        return of(f.id(), f.arn()) + " was started outside the plane (" + f.comment() + ") and runs; ours starts"
                + " when it ends";
    }

    static String text(NewerRunning f) {
        return "Region switch execution " + f.id() + " of a newer decision (epoch " + f.epoch() + ") runs; this"
                + " decision is superseded";
    }

    static String result(Cancelled f) {
        return "cancelled execution " + f.id() + " of epoch " + f.epoch() + ": superseded by this decision";
    }

    static String text(Cancelled f) {
        return "Region switch execution " + f.id() + " of epoch " + f.epoch() + " cancelled; ours starts once it has"
                + " ended";
    }

    /** The result; the block says AWS's reason alone. */
    static String result(CallRefused f) {
        return f.reason() + "; DNS not switched";
    }

    static String text(CallFailedForNow f) {
        return "Region switch: " + f.reason();
    }

    private static String of(String id, String arn) {
        return "Region switch execution " + id + " of " + arn;
    }

    private static String steps(List<RegionSwitch.Step> steps) {
        return String.join(", ", steps.stream().map(s -> s.name() + " " + s.status()).toList());
    }
}
