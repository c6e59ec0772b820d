package dev.failover.contract.event;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One location's verdict on one target at the time of a decision. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LocationEvidence(String location, LocationVerdict verdict, int consecutiveFailures,
        int consecutiveSuccesses,
        Instant lastResultAt) {

    public LocationEvidence {
        Required.present(location, "location");
        Required.present(verdict, "verdict");
    }
}
