package dev.failover.decision.drill;

import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.function.Supplier;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.decision.domain.model.Alerts;

/**
 * Whether a scheduled drill may start now: not inside a blocked window, and not while one of its
 * {@code blockingAlerts} fires in Alertmanager or Alertmanager cannot be read (the reading is asked for only when the
 * drill names alerts). The start's own rules (every target HEALTHY, automation running) are the command's.
 */
final class DrillStartGuard {

    private DrillStartGuard() {
    }

    /** Why the group's drill must not start at {@code now}; empty when it may. */
    static Optional<String> whyNot(FailoverGroup group, ZonedDateTime now, Supplier<Alerts> alerts) {
        if (DrillCalendar.blocked(group, now)) {
            return Optional.of("inside a blocked window");
        }
        if (group.drill().blockingAlerts().isEmpty()) {
            return Optional.empty();
        }
        return alerts.get().guard(group.drill().blockingAlerts(), now.toInstant());
    }
}
