package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the actuator does when a group's record is changed outside the control plane after it was served as decided. */
public enum DriftPolicy {
    /** Report it (event, metric, alert) and leave the record as it is: the plane never fights a person (default). */
    @JsonProperty("report")
    REPORT,
    /** Report it and write the decided state back. */
    @JsonProperty("correct")
    CORRECT
}
