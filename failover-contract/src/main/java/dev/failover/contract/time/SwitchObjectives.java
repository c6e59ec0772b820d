package dev.failover.contract.time;

import java.time.Duration;

/**
 * The failover-time objectives a team writes an SLO against: 5 s, 10 s, 30 s, 1, 2 and 5 minutes. Every
 * histogram of a switch's time has its buckets at them (the actuator's decision to switch, the decision-service's
 * failure to decided and to observed), so that one query reads the share of switches within each.
 */
public final class SwitchObjectives {

    private SwitchObjectives() {
    }

    /** The objectives, shortest first; a new array each call (Micrometer takes an array). */
    public static Duration[] buckets() {
        return new Duration[] { Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofMinutes(1),
                Duration.ofMinutes(2), Duration.ofMinutes(5) };
    }
}
