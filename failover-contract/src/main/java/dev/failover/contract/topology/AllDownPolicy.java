package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a group does when no target is healthy. There is no silent "fail open". */
public enum AllDownPolicy {
    /** Stay on the current target and alert. */
    @JsonProperty("hold")
    HOLD,
    /** Switch to the group's last-resort target (a static maintenance page). */
    @JsonProperty("last-resort")
    LAST_RESORT
}
