package dev.failover.decision.health;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.failover.decision.domain.DecisionEngine;
import dev.failover.decision.state.GroupReader;

/**
 * Ready once this instance can answer for every group: it owns the group, or has read the owner's state record. A
 * freshly started instance is not ready before its state is restored from Kafka.
 */
@Readiness
@ApplicationScoped
public class GroupsReadable implements HealthCheck {

    @Inject
    DecisionEngine engine;
    @Inject
    GroupReader reader;

    @Override
    public HealthCheckResponse call() {
        List<String> unknown = engine.groupIds().stream().filter(g -> reader.view(g).isEmpty()).toList();
        return HealthCheckResponse.named("failover-groups-readable").status(unknown.isEmpty())
                .withData("groups", engine.groupIds().size()).withData("notYetKnown", String.join(",", unknown)).build();
    }
}
