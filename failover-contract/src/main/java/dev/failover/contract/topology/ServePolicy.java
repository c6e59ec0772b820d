package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

/** When a group's record written to several providers counts as served (ADR 0036, "Served under all and any"). */
public enum ServePolicy {
    /** Every provider serves the decision (default). */
    @JsonProperty("all")
    ALL,
    /** One provider serves it; the others are retried and reported until they do. */
    @JsonProperty("any")
    ANY
}
