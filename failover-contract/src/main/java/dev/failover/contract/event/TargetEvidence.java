package dev.failover.contract.event;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A target's quorum health and the per-location verdicts behind it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TargetEvidence(String target, TargetHealth health, List<LocationEvidence> locations) {

    public TargetEvidence {
        Required.present(target, "target");
        Required.present(health, "health");
        locations = locations == null ? List.of() : List.copyOf(locations);
    }
}
