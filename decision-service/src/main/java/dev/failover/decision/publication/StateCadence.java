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
 * When a group's state record is due on failover.decision-state: at once when what a new owner restores (the snapshot)
 * or the outcome of a recent command changed since the last one Kafka acknowledged; when only what an operator reads
 * on another instance changed, {@link #VIEW_SPACING} after the last one at the earliest; otherwise a heartbeat after
 * the last one. Plain Java, time passed in.
 * <p>
 * What an operator reads elsewhere is the view's material part: health, verdicts, destinations, holds, the guard's
 * suspicion, clock skew. The counters and the times of the last results change with every probe result; they travel
 * with the next record that is due, at the latest with the heartbeat (ADR 0007).
 */
public final class StateCadence {

    /**
     * The least time between two records of a group whose view alone changed. On a saturated machine a thousand groups'
     * location verdicts and clock estimates flicker as results arrive late; a record for each flicker was hundreds of
     * signed records a second, and their signing most of the decision-service's CPU, which made the results later
     * still (issue 54). Decisions, commands and actuation reports are in the snapshot and go out at once.
     */
    public static final Duration VIEW_SPACING = Duration.ofSeconds(5);

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
        if (published == null || !published.content().snapshot().equals(content.snapshot())
                || !published.content().commands().equals(content.commands())) {
            return true;
        }
        Duration after = java.util.Objects.equals(published.content().view(), content.view()) ? heartbeat : VIEW_SPACING;
        return !now.isBefore(published.at().plus(after));
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
            List<TargetContent> targets, CorrelatedFailureGuard.Suspicion correlatedFailure, Instant guardAcknowledgedAt,
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
    public record TargetContent(String target, TargetHealth health, Destination destination, List<LocationVerdict> locations,
            List<TargetHealth> dependencies) {

        static TargetContent of(GroupView.TargetView target) {
            return new TargetContent(target.target(), target.health(),
                    target.destination() == null ? null : target.destination().verdict(),
                    target.locations() == null ? List.of() : target.locations().stream().map(GroupView.LocationView::verdict).toList(),
                    target.dependencies() == null ? List.of()
                            : target.dependencies().stream().map(GroupView.DependencyView::health).toList());
        }
    }
}
