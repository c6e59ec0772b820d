package dev.failover.probe.domain;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.PhaseTimings;

/** What one probe saw, before it is labelled with target and location. */
public sealed interface Observation {

    PhaseTimings timings();

    Integer httpStatus();

    /** Days until the served TLS certificate expires; null without TLS. */
    Integer tlsDaysToExpiry();

    record Up(Integer httpStatus, PhaseTimings timings, Integer tlsDaysToExpiry) implements Observation {
    }

    record Down(FailureReason reason, String detail, Integer httpStatus, PhaseTimings timings, Integer tlsDaysToExpiry)
            implements Observation {
    }
}
