package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum GroupMode {
    @JsonProperty("live")
    LIVE,
    /** Decisions are computed and published flagged shadow; the actuator does not act on them. */
    @JsonProperty("shadow")
    SHADOW
}
