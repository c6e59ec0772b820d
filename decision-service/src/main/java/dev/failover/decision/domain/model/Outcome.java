package dev.failover.decision.domain.model;

import dev.failover.contract.event.Decision;

/** What the engine made of one probe result or one tick. */
public sealed interface Outcome {

    /** The result was not used. */
    record Ignored(IgnoreReason reason, String detail) implements Outcome {
    }

    /** The result was used; the active target stays, and nothing needs explaining. */
    record Steady(String group) implements Outcome {
    }

    /** The active target would change, or its state is doubtful, but a rule holds it; {@code why} says which. */
    record Held(String group, HoldReason reason, String why) implements Outcome {
    }

    /** The active target changes. */
    record Switched(Decision decision) implements Outcome {
    }

    enum IgnoreReason {
        UNKNOWN_GROUP,
        UNKNOWN_TARGET,
        UNKNOWN_LOCATION,
        STALE,
        FROM_THE_FUTURE,
        /** A dependency result naming a dependency the target does not have in this topology. */
        UNKNOWN_DEPENDENCY,
        /**
         * Another probe instance reports as the same location for the same target, and it is in place: two instances
         * report as one location, and only one of them is counted (ProbeSource, ADR 0008).
         */
        OTHER_SOURCE,
        /**
         * The group was released (this instance stopped deciding it) and not restored since: a record that was in flight
         * when the ownership ended.
         */
        NOT_DECIDED_HERE;

        /**
         * Whether the result was ignored because of its location, one the topology names: its clock is off (STALE,
         * FROM_THE_FUTURE) or it has two probe instances (OTHER_SOURCE). Such a location is warned of and counted by
         * name; the other reasons are found before the location is known to the topology.
         */
        public boolean causedByLocation() {
            return switch (this) {
                case STALE, FROM_THE_FUTURE, OTHER_SOURCE -> true;
                case UNKNOWN_GROUP, UNKNOWN_TARGET, UNKNOWN_LOCATION, UNKNOWN_DEPENDENCY, NOT_DECIDED_HERE -> false;
            };
        }
    }

    enum HoldReason {
        /** The active target's health is UNKNOWN: too few locations agree. Never act on a partial view. */
        QUORUM_LOST,
        /** The active target is FLAPPING: neither left nor trusted; an operator should look. */
        TARGET_FLAPPING,
        /** The active target is UNHEALTHY and no other target is HEALTHY. */
        NO_HEALTHY_TARGET,
        /**
         * The active target is UNHEALTHY and the targets that are HEALTHY are no eligible destination (ADR 0010): failing
         * now below their threshold, or a dependency not HEALTHY.
         */
        NO_ELIGIBLE_TARGET,
        /**
         * Targets in more regions than believed began failing together: the plane suspects its own eyes and holds every
         * automatic switch until the evidence separates or an operator resumes the group (ADR 0010).
         */
        CORRELATED_FAILURE,
        /** The group's or the global daily budget of automatic switches is spent (ADR 0010). */
        SWITCH_BUDGET,
        /**
         * The active target is UNHEALTHY and the first target in chain order is not HEALTHY yet but UP or on a streak of
         * successes at a quorum of locations (a new owner's view after a takeover): waited for rather than skipped, so that
         * a region loss is one switch to the right region. At most successesToUp probe intervals while results come.
         */
        AWAITING_EVIDENCE,
        /** The last switch was less than the minimum dwell time ago. */
        DWELL_TIME,
        /** Too many automatic switches in the last hour: automation is frozen until an operator resumes it. */
        FLAP_GUARD,
        /** An operator paused automation. */
        PAUSED,
        /** An operator pinned the active target. */
        PINNED,
        /** A drill is running; automation waits for it to end or abort. */
        DRILL_RUNNING
    }
}
