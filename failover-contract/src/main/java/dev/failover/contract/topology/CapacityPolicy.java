package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Whether traffic waits for a pilot-light target's capacity when that capacity cannot be read at all (its region's
 * ECS, Auto Scaling, STS or Kubernetes API impaired). A known shortfall always holds traffic back, whatever this says.
 */
public enum CapacityPolicy {
    /** Wait for a reading, for up to {@code readyTimeoutSeconds}, then block (default): never switch to a maybe-empty target. */
    @JsonProperty("required")
    REQUIRED,
    /**
     * Go ahead when the capacity cannot be read, reporting SCALE_UP SKIPPED (capacity unknown): for a warm standby kept
     * at full size, whose capacity is there even when its region's scaling API is not.
     */
    @JsonProperty("best-effort")
    BEST_EFFORT
}
