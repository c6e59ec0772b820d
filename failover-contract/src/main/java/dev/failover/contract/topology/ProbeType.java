package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum ProbeType {
    @JsonProperty("http")
    HTTP,
    @JsonProperty("tcp")
    TCP
}
