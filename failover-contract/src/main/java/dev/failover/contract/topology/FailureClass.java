package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a failed probe of a given {@code FailureReason} means for the target's health. */
public enum FailureClass {
    /** Counts towards DOWN, as Route 53 counts every failure: the default for every reason. */
    @JsonProperty("down")
    DOWN,
    /**
     * Raises an alert but counts as reachable: the location's verdict moves as on a success. For problems that would
     * follow traffic to any region (a certificate expiring everywhere, a slow shared backend), where a failover does not
     * help.
     */
    @JsonProperty("alert-only")
    ALERT_ONLY
}
