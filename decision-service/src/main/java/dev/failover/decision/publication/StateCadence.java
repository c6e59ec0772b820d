package dev.failover.decision.publication;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.TargetHealth;
import dev.failover.decision.domain.model.Destination;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.state.CorrelatedFailureGuard;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.store.StateRecord;

/**
 * When a group's state record is due on failover.decision-state: when what it says changed since the last one Kafka
 * acknowledged, or a heartbeat after that one. Plain Java, time passed in.
 * <p>
 * "What it says" is everything a new owner restores (the snapshot) and the outcomes of recent commands, plus what an
 * operator reads on another instance that is not a per-result counter or time stamp: health, verdicts, destinations,
 * holds, the guard's suspicion, clock skew. The counters and the times of the last results change with every probe
 * result; they travel with the next record that is due, at the latest with the heartbeat (ADR 0002).
 */
public final class StateCadence {

    private final Duration heartbeat;
    private final Map<String, Published> last = new ConcurrentHashMap<>();

    private record Published(Content content, Instant at) {
    }

    public StateCadence(Duration heartbeat) {
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive, was " + heartbeat);
        }
        this.heartbeat = heartbeat;
    }

    /** Whether a record with this content is due now. */
    public boolean due(String group, Content content, Instant now) {
        Published published = last.get(group);
        return published == null || !published.content().equals(content)
                || !now.isBefore(published.at().plus(heartbeat));
    }

    /** Kafka acknowledged a record with this content, taken at {@code at}. */
    public void published(String group, Content content, Instant at) {
        last.put(group, new Published(content, at));
    }

    /** The group's next record is due whatever it says (its ownership ended here, or began again). */
    public void forget(String group) {
        last.remove(group);
    }

    /** What a state record says, for comparison: the snapshot, recent command outcomes, and the view's material part. */
    public record Content(GroupSnapshot snapshot, List<StateRecord.CommandResult> commands, ViewContent view) {

        public static Content of(StateRecord record) {
            return new Content(record.snapshot(), record.recentCommands(), ViewContent.of(record.view()));
        }
    }

    /** The view without its per-result counters and time stamps. */
    public record ViewContent(String mode, TargetHealth activeHealth, GroupView.Automation automation,
            List<TargetContent> targets, CorrelatedFailureGuard.Suspicion correlatedFailure,
            Instant guardAcknowledgedAt,
            List<GroupView.ClockSkew> clocks) {

        static ViewContent of(GroupView view) {
            if (view == null) {
                return null;
            }
            List<TargetContent> targets = view.targets() == null ? List.of()
                    : view.targets().stream().map(TargetContent::of).toList();
            List<GroupView.ClockSkew> clocks = view.locationClocks() == null ? List.of()
                    : view.locationClocks().stream().map(GroupView.LocationClock::skew).toList();
            return new ViewContent(view.mode(), view.activeHealth(), view.automation(), targets,
                    view.safety() == null ? null : view.safety().correlatedFailure(),
                    view.safety() == null ? null : view.safety().guardAcknowledgedAt(), clocks);
        }
    }

    /** A target's health, destination verdict, location verdicts and dependency health. */
    public record TargetContent(String target, TargetHealth health, Destination destination,
            List<LocationVerdict> locations,
            List<TargetHealth> dependencies) {

        static TargetContent of(GroupView.TargetView target) {
            return new TargetContent(target.target(), target.health(),
                    target.destination() == null ? null : target.destination().verdict(),
                    target.locations() == null ? List.of()
                            : target.locations().stream().map(GroupView.LocationView::verdict).toList(),
                    target.dependencies() == null ? List.of()
                            : target.dependencies().stream().map(GroupView.DependencyView::health).toList());
        }
    }
}
