package dev.failover.actuator.regionswitch;

import java.time.Instant;
import java.util.List;

/**
 * AWS ARC Region switch as the plane drives it (ADR 0028, docs/aws-arc.md): the plan's executions read, one started,
 * cancelled, a manual-approval step answered. What to do with them (start for which decision, in which mode, adopt,
 * cancel a superseded one, wait, block) is the reconcile step's ({@code RunRegionSwitchPlan}); this is the backend,
 * one class per implementation ({@link AwsRegionSwitch}; a fixture in tests). Every call goes to the plan's Region
 * switch in {@link Plan#region()}, the region being activated, with that place's credentials.
 */
public interface RegionSwitch {

    /** For a reconciler built without Region switch (tests, tools): every call refused, saying so. */
    RegionSwitch NONE = new RegionSwitch() {
        private static final String WHY = "this actuator was built without a Region switch client";

        @Override
        public Outcome<List<Execution>> executions(Plan plan) {
            return new Outcome.Refused<>(WHY);
        }

        @Override
        public Outcome<Execution> execution(Plan plan, String executionId) {
            return new Outcome.Refused<>(WHY);
        }

        @Override
        public Outcome<String> start(Plan plan, Mode mode, String comment) {
            return new Outcome.Refused<>(WHY);
        }

        @Override
        public Outcome<Boolean> cancel(Plan plan, String executionId, String comment) {
            return new Outcome.Refused<>(WHY);
        }

        @Override
        public Outcome<Boolean> approve(Plan plan, String executionId, String step, boolean approve, String comment) {
            return new Outcome.Refused<>(WHY);
        }
    };

    /** The plan's recent executions (up to a few hundred), newest first. */
    Outcome<List<Execution>> executions(Plan plan);

    /** One execution with its steps; for a failed or paused one, the failed step's own message. */
    Outcome<Execution> execution(Plan plan, String executionId);

    /** Starts an execution activating the plan's region; the execution's id. */
    Outcome<String> start(Plan plan, Mode mode, String comment);

    /** Cancels an execution. */
    Outcome<Boolean> cancel(Plan plan, String executionId, String comment);

    /** Approves ({@code approve}) or declines a step waiting for a manual approval. */
    Outcome<Boolean> approve(Plan plan, String executionId, String step, boolean approve, String comment);

    /**
     * Where and as whom a plan is called.
     *
     * @param region  the region the execution activates, whose Region switch is called
     * @param roleArn a role assumed for the calls; null: the actuator's own credentials
     */
    record Plan(String arn, String region, String roleArn) {
    }

    /** AWS's execution modes: graceful for a planned move, ungraceful when the old region may be impaired. */
    enum Mode {
        GRACEFUL, UNGRACEFUL
    }

    /** An execution's state, as AWS's {@code ExecutionState}. */
    enum State {
        PENDING, IN_PROGRESS, AWAITING_APPROVAL, PAUSED_BY_OPERATOR, PAUSED_BY_FAILED_STEP, COMPLETED,
        COMPLETED_WITH_EXCEPTIONS, FAILED, CANCELED, TIMED_OUT, UNKNOWN;

        /** Still running or waiting: another execution of the plan cannot start beside it. */
        public boolean active() {
            return switch (this) {
                case PENDING, IN_PROGRESS, AWAITING_APPROVAL, PAUSED_BY_OPERATOR, PAUSED_BY_FAILED_STEP, UNKNOWN ->
                    true;
                case COMPLETED, COMPLETED_WITH_EXCEPTIONS, FAILED, CANCELED, TIMED_OUT -> false;
            };
        }
    }

    /** A step's status, as AWS's {@code StepStatus}. */
    enum StepStatus {
        NOT_STARTED, RUNNING, FAILED, COMPLETED, CANCELED, SKIPPED, PENDING_APPROVAL, UNKNOWN
    }

    record Step(String name, StepStatus status, Instant started, Instant ended) {
    }

    /**
     * @param comment   the comment it was started with: the plane's starts name their decision in it
     * @param region    the region it runs for ({@code executionRegion})
     * @param activates whether it activates that region (not a deactivation)
     * @param failure the failed step's message as AWS gave it; null unless failed or paused by a failed step
     */
    record Execution(String id, State state, Mode mode, String comment, String region, boolean activates,
            Instant started,
            Instant ended, List<Step> steps, String failure) {

        public Execution {
            steps = steps == null ? List.of() : List.copyOf(steps);
        }
    }

    /** How a call went: done with its value, refused for good (AWS's message), or passing (try again later). */
    sealed interface Outcome<T> {
        record Done<T>(T value) implements Outcome<T> {
        }

        record Refused<T>(String reason) implements Outcome<T> {
        }

        record Passing<T>(String reason) implements Outcome<T> {
        }
    }
}
