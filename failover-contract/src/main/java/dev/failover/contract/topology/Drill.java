package dev.failover.contract.topology;

import java.util.List;

/**
 * The scheduled disaster-recovery drill of a group.
 *
 * @param enabled         whether drills run on schedule; off by default
 * @param cron            Quartz cron expression, UTC; default the first Monday of the month at 00:05
 * @param durationMinutes how long traffic stays on the drill target before it is restored; default 60
 * @param blockedWindows  Quartz cron expressions of minutes in which no drill may start
 */
public record Drill(Boolean enabled, String cron, Integer durationMinutes, List<String> blockedWindows) {

    public static final String DEFAULT_CRON = "0 5 0 ? * MON#1";

    public Drill {
        enabled = enabled != null && enabled;
        cron = cron == null ? DEFAULT_CRON : cron;
        durationMinutes = durationMinutes == null ? 60 : durationMinutes;
        blockedWindows = Lists.copy(blockedWindows);
    }

    public static Drill defaults() {
        return new Drill(null, null, null, null);
    }
}
