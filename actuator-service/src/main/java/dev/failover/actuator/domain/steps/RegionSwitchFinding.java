package dev.failover.actuator.domain.steps;

import java.util.List;

import dev.failover.actuator.regionswitch.RegionSwitch;

/**
 * What the Region switch step found of a plan's executions (ADR 0028), with the figures it found it by: made by
 * {@link RunRegionSwitchPlan}, which decides what the pass does about it, and put into words by
 * {@link RegionSwitchWords} alone. Executions are named by AWS's id, plans by their ARN, regions and groups as the
 * topology names them.
 */
sealed interface RegionSwitchFinding {

    /** An execution started outside the plane completed activating {@code region}: it counts for the decision. */
    record OutsideRunCounts(String id, String comment, String region) implements RegionSwitchFinding {
    }

    /**
     * The plane started execution {@code id} of plan {@code arn}, activating {@code region}.
     *
     * @param uncounted a run outside the plane that would have counted but for the regions that did not answer; null
     *                  when there is none
     */
    record Started(String id, String arn, RegionSwitch.Mode mode, String region, Uncounted uncounted)
            implements RegionSwitchFinding {
    }

    /**
     * Execution {@code id}, started outside the plane, completed activating the region, but {@code silent} did not
     * answer: a newer execution there may have moved the resources since.
     */
    record Uncounted(String id, List<String> silent) {

        public Uncounted {
            silent = List.copyOf(silent);
        }
    }

    /** The decision's execution completed ({@code state}: with exceptions or not) activating {@code region}. */
    record Completed(String id, RegionSwitch.State state, String region, RegionSwitch.Mode mode,
            List<RegionSwitch.Step> steps) implements RegionSwitchFinding {

        public Completed {
            steps = List.copyOf(steps);
        }
    }

    /**
     * The decision's execution waits for the approval of {@code step} (null: a step without a name), which an operator
     * of {@code group} gives.
     */
    record AwaitingApproval(String id, String arn, String step, String group) implements RegionSwitchFinding {
    }

    /** The decision's execution was paused by an operator in Region switch. */
    record Paused(String id, String arn) implements RegionSwitchFinding {
    }

    /**
     * The decision's execution failed, timed out, was cancelled or paused by a failed step ({@code state}), with AWS's
     * {@code failure} (null: none given); what {@code group}'s operator does next depends on which. {@code target}
     * is where the decision sends traffic.
     */
    record Failed(String id, String arn, RegionSwitch.State state, String failure, String group, String target)
            implements RegionSwitchFinding {
    }

    /** The decision's execution runs ({@code state}), step {@code step} now (null: none runs). */
    record Running(String id, String arn, RegionSwitch.State state, String step, List<RegionSwitch.Step> steps)
            implements RegionSwitchFinding {

        public Running {
            steps = List.copyOf(steps);
        }
    }

    /** Another execution of the plan, started outside the plane, runs. */
    record OutsideRunning(String id, String arn, String comment) implements RegionSwitchFinding {
    }

    /** An execution of a newer decision of the group, of {@code epoch}, runs. */
    record NewerRunning(String id, long epoch) implements RegionSwitchFinding {
    }

    /** An older decision's execution, of {@code epoch}, was cancelled: superseded by this decision. */
    record Cancelled(String id, long epoch) implements RegionSwitchFinding {
    }

    /** Region switch refused a call for good, with AWS's {@code reason}. */
    record CallRefused(String reason) implements RegionSwitchFinding {
    }

    /** A call to Region switch failed for now ({@code reason}): tried again later. */
    record CallFailedForNow(String reason) implements RegionSwitchFinding {
    }
}
