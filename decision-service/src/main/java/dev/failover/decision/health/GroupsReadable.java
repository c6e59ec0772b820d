package dev.failover.decision.health;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.failover.decision.domain.DecisionEngine;
import dev.failover.decision.ownership.GroupOwnership;
import dev.failover.decision.ownership.PartitionOwnership;
import dev.failover.decision.view.GroupReader;

/**
 * Ready once this instance can answer for every group (it owns the group, or has read the owner's state record) and
 * every partition assigned to it is restored. A freshly started instance is not ready before its state is restored from
 * Kafka; a partition whose restore keeps failing is named, with the error, until a retry succeeds.
 */
@Readiness
@ApplicationScoped
public class GroupsReadable implements HealthCheck {

    @Inject
    DecisionEngine engine;
    @Inject
    GroupReader reader;
    @Inject
    GroupOwnership ownership;

    @Override
    public HealthCheckResponse call() {
        List<String> unknown = engine.groupIds().stream().filter(g -> reader.view(g).isEmpty()).toList();
        List<PartitionOwnership.Unrestored> unrestored = ownership.unrestored();
        String restoring = unrestored.stream().map(u -> "partition " + u.partition() + (u.failedAttempts() == 0 ? ": restoring"
                : ": restore failed " + u.failedAttempts() + " times, retrying; last error: " + u.lastError()))
                .collect(Collectors.joining("; "));
        return HealthCheckResponse.named("failover-groups-readable").status(unknown.isEmpty() && unrestored.isEmpty())
                .withData("groups", engine.groupIds().size()).withData("notYetKnown", String.join(",", unknown))
                .withData("notRestored", restoring).build();
    }
}
