package dev.failover.testkit.topology;

import java.time.Instant;

import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;

/**
 * The probe result most tests send to the decision-service: a target seen UP. Results of other shapes are built with
 * {@link ProbeResult#of}, naming the fields the test is about.
 */
public final class TestProbeResults {

    /** The region the tests' results name: the decision-service does not read a result's region. */
    public static final String REGION = "r";

    private TestProbeResults() {
    }

    /** {@code target} of {@code group} UP from {@code location}, probed at {@code at}: HTTP 200 within 1 ms. */
    public static ProbeResult up(String group, String target, String location, Instant at) {
        return ProbeResult.of(group, target, REGION, location, at, ProbeOutcome.UP).durationMillis(1L).httpStatus(200)
                .build();
    }
}
