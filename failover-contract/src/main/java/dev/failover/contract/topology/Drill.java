package dev.failover.contract.topology;

import java.util.List;

/**
 * The scheduled disaster-recovery drill of a group.
 *
 * @param enabled         whether drills run on schedule; off by default
 * @param cron            Quartz cron expression, UTC; default the first Monday of the month at 00:05
 * @param durationMinutes how long traffic stays on the drill target before it is restored; default 60
 * @param blockedWindows  Quartz cron expressions of minutes in which no drill may start
 * @param blockingAlerts  names of alerts ({@code alertname}) that, while any fires in Alertmanager, keep a scheduled
 *                        drill from starting; an Alertmanager that cannot be read keeps it from starting too
 * @param abortAlerts     names of alerts whose firing ends a running drill at once (DRILL_ABORT), as the drill target's
 *                        failing quorum does; an Alertmanager that cannot be read ends it too
 */
public record Drill(Boolean enabled, String cron, Integer durationMinutes, List<String> blockedWindows,
        List<String> blockingAlerts, List<String> abortAlerts) {

    public static final String DEFAULT_CRON = "0 5 0 ? * MON#1";

    public Drill {
        enabled = enabled != null && enabled;
        cron = cron == null ? DEFAULT_CRON : cron;
        durationMinutes = durationMinutes == null ? 60 : durationMinutes;
        blockedWindows = Lists.copy(blockedWindows);
        blockingAlerts = Lists.copy(blockingAlerts);
        abortAlerts = Lists.copy(abortAlerts);
    }

    /** Without alert guards. */
    public Drill(Boolean enabled, String cron, Integer durationMinutes, List<String> blockedWindows) {
        this(enabled, cron, durationMinutes, blockedWindows, null, null);
    }

    /** Whether the drill reads Alertmanager: it names blocking or abort alerts. */
    public boolean guardedByAlerts() {
        return !blockingAlerts.isEmpty() || !abortAlerts.isEmpty();
    }

    public static Drill defaults() {
        return new Drill(null, null, null, null, null, null);
    }
}
