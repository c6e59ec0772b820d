package dev.failover.probe.domain;

import dev.failover.contract.event.DnsAnswer;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.PhaseTimings;

/** What one probe saw, before it is labelled with target and location. */
public sealed interface Observation {

    PhaseTimings timings();

    Integer httpStatus();

    /** Days until the served TLS certificate expires; null without TLS. */
    Integer tlsDaysToExpiry();

    /** A DNS probe's answer; null for other probes and when no answer came. */
    DnsAnswer dnsAnswer();

    record Up(Integer httpStatus, PhaseTimings timings, Integer tlsDaysToExpiry, DnsAnswer dnsAnswer)
            implements Observation {

        public Up(Integer httpStatus, PhaseTimings timings, Integer tlsDaysToExpiry) {
            this(httpStatus, timings, tlsDaysToExpiry, null);
        }
    }

    record Down(FailureReason reason, String detail, Integer httpStatus, PhaseTimings timings, Integer tlsDaysToExpiry,
            DnsAnswer dnsAnswer) implements Observation {

        public Down(FailureReason reason, String detail, Integer httpStatus, PhaseTimings timings,
                Integer tlsDaysToExpiry) {
            this(reason, detail, httpStatus, timings, tlsDaysToExpiry, null);
        }
    }
}
