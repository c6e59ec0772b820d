package dev.failover.actuator.domain.plan;

import java.time.Instant;
import java.util.function.Function;

import dev.failover.actuator.dns.ServedRecord;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;

/**
 * What a step asks to be said (ADR 0021): a result to publish, the group's status to show. Saying it changes nothing of
 * the group's progress; the reconciler remembers what it said, to say some things once.
 */
public sealed interface Said extends Effect permits Said.Report, Said.Observed {

    /** Whoever says what steps ask to be said: one method per kind, so that every kind is handled (by the compiler). */
    interface Sayer {

        void report(Report report);

        void observed(Observed observed);
    }

    /** Hands this to {@code sayer}'s method for its kind. */
    void sayTo(Sayer sayer);

    @Override
    default <R> R match(Function<Said, R> said, Function<Stored, R> stored) {
        return said.apply(this);
    }

    /** How often a result is said. */
    enum Often {
        /** Every time. */
        ALWAYS,
        /** Unless the same step last said the same condition (a long wait is not a flood of events). */
        ONCE_PER_CONDITION,
        /** Once for the whole desired state, whatever else the step says between. */
        ONCE_PER_DESIRED_STATE
    }

    /**
     * A result on {@code failover.actuations}, about the desired state worked on.
     *
     * @param condition the words that make it the same result as the last one (without figures that change from pass to
     *                  pass); only for {@link Often#ONCE_PER_CONDITION}
     */
    record Report(Often often, ActuationStep step, ActuationStatus status, String provider, String condition,
            String details, Instant startedAt) implements Said {

        @Override
        public void sayTo(Sayer sayer) {
            sayer.report(this);
        }
    }

    /** A read said what the record serves: shown in the group's status. */
    record Observed(ServedRecord served) implements Said {

        @Override
        public void sayTo(Sayer sayer) {
            sayer.observed(this);
        }
    }
}
