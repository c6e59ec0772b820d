package dev.failover.actuator.permissions;

import java.util.List;

import dev.failover.contract.topology.ScalingRef;

/**
 * Asks whether one place's principal may do what it needs, without doing it: one read per call, no write. A backend
 * that cannot answer throws, and the check reports the place as not known rather than as allowed.
 */
public interface PermissionSimulator {

    /** The decision on one needed permission. */
    enum Decision {
        ALLOWED,
        /** Denied by no statement allowing it, or by one denying it. */
        DENIED
    }

    /**
     * One needed permission and its decision, with what decided it (the principal's ARN, a denying statement).
     *
     * @param resource the resource as asked, its account and partition filled in
     */
    record Answer(Needed needed, String resource, Decision decision, String detail) {
    }

    /** @throws RuntimeException when the place's principal or the simulation cannot be had now */
    List<Answer> simulate(ScalingRef.Place place, List<Needed> needed);

    /** Asks {@code aws} about AWS places and {@code clusters} about Kubernetes clusters. */
    static PermissionSimulator byPlace(PermissionSimulator aws, PermissionSimulator clusters) {
        return (place, needed) -> place instanceof ScalingRef.Place.Aws ? aws.simulate(place, needed)
                : clusters.simulate(place, needed);
    }
}
