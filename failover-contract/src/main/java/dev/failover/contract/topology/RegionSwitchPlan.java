package dev.failover.contract.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An AWS ARC Region switch plan the actuator runs for each of the group's moves (ADR 0028, docs/aws-arc.md): the plane
 * decides when, with its quorum, hysteresis, safety rules and explanation; the plan does what it holds (capacity, the
 * Aurora global database, routing controls, Lambda, manual approvals), activating the region of the target that gets
 * the traffic, before the actuator's own DNS switch and read-back. Our own capacity and database steps run before the
 * plan only where the targets still name {@code scaling} and {@code database}.
 *
 * @param planArn the plan ({@code arn:aws:arc-region-switch::<account>:plan/<name>:<suffix>})
 * @param roleArn a role the actuator assumes to call Region switch (in the activated region, through its STS); null:
 *                the actuator's own credentials
 * @param regions the region each target activates, by target id; a target not named activates its own {@code region}
 */
public record RegionSwitchPlan(String planArn, String roleArn, Map<String, String> regions) {

    public RegionSwitchPlan {
        regions = regions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(regions));
    }

    /** The region the plan activates to send traffic to {@code target}. */
    public String regionOf(Target target) {
        return regions.getOrDefault(target.id(), target.region());
    }
}
