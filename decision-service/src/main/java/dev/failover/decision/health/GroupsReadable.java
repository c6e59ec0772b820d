package dev.failover.decision.health;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.ownership.GroupOwnership;
import dev.failover.decision.ownership.PartitionOwnership;
import dev.failover.decision.store.StateDirectory;
import dev.failover.decision.view.GroupReader;
import io.smallrye.health.api.HealthGroup;

/**
 * Ready once this instance can answer for every group (it owns the group, or has read the owner's state record) and
 * every partition assigned to it is restored, and it has read the state topic to its end once (what it answers for a
 * group it does not own is then the owner's latest record, not an older one). A freshly started instance is not ready
 * before its state is restored from Kafka; a partition whose restore keeps failing is named, with the error, until a retry succeeds.
 * <p>
 * Also the one check of the health group {@value #SERVING} ({@code /q/health/group/serving}), which the Kubernetes
 * readiness probe asks instead of {@code /q/health/ready}: that one also holds the Kafka client's checks, so a broker
 * lost would take every instance out of the Service and the operator page and API would go dark exactly during an
 * incident. Once restored, an instance answers reads from what it holds and says on the page that it cannot reach
 * Kafka ({@link KafkaContact}); a start cannot be ready without Kafka, since the restore reads it.
 */
@Readiness
@HealthGroup(GroupsReadable.SERVING)
@ApplicationScoped
public class GroupsReadable implements HealthCheck {

    /** The health group the Kubernetes readiness probe asks. */
    public static final String SERVING = "serving";

    private final DecisionEngine engine;
    private final GroupReader reader;
    private final GroupOwnership ownership;
    private final StateDirectory directory;

    @Inject
    GroupsReadable(DecisionEngine engine, GroupReader reader, GroupOwnership ownership, StateDirectory directory) {
        this.engine = engine;
        this.reader = reader;
        this.ownership = ownership;
        this.directory = directory;
    }

    @Override
    public HealthCheckResponse call() {
        List<String> unknown = engine.groupIds().stream().filter(g -> reader.view(g).isEmpty()).toList();
        List<PartitionOwnership.Unrestored> unrestored = ownership.unrestored();
        String restoring = unrestored.stream()
                .map(u -> "partition " + u.partition() + (u.failedAttempts() == 0 ? ": restoring"
                        : ": restore failed " + u.failedAttempts() + " times, retrying; last error: " + u.lastError()))
                .collect(Collectors.joining("; "));
        String stateTopic = directory.notReadToEnd().orElse("");
        return HealthCheckResponse.named("failover-groups-readable")
                .status(unknown.isEmpty() && unrestored.isEmpty() && stateTopic.isEmpty())
                .withData("groups", engine.groupIds().size()).withData("notYetKnown", String.join(",", unknown))
                .withData("notRestored", restoring).withData("stateTopic", stateTopic).build();
    }
}
