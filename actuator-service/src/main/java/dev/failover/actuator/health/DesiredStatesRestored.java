package dev.failover.actuator.health;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.failover.actuator.messaging.DesiredStateRestorer;
import dev.failover.actuator.messaging.PartitionRestores;

/**
 * Ready once every partition of failover.decisions assigned here has its groups' desired states restored. A partition
 * whose restore keeps failing (a leader election, a lost broker, a missing ACL) is named, with the error, until a retry
 * succeeds: its groups are not driven and its decisions wait meanwhile.
 */
@Readiness
@ApplicationScoped
public class DesiredStatesRestored implements HealthCheck {

    private final DesiredStateRestorer restorer;

    @Inject
    DesiredStatesRestored(DesiredStateRestorer restorer) {
        this.restorer = restorer;
    }

    @Override
    public HealthCheckResponse call() {
        List<PartitionRestores.Unrestored> unrestored = restorer.unrestored();
        String restoring = unrestored.stream()
                .map(u -> "partition " + u.partition() + (u.failedAttempts() == 0 ? ": restoring"
                        : ": restore failed " + u.failedAttempts() + " times, retrying; last error: " + u.lastError()))
                .collect(Collectors.joining("; "));
        return HealthCheckResponse.named("failover-desired-states-restored").status(unrestored.isEmpty())
                .withData("notRestored", restoring).build();
    }
}
