package dev.failover.decision.drill;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import dev.failover.contract.topology.Drill;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyError;

/** Quartz cron expressions of drills and their blocked windows: validation at start, and "is now blocked?". */
public final class DrillCalendar {

    private static final CronParser QUARTZ = new CronParser(
            CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private DrillCalendar() {
    }

    /** Every unparsable drill cron or blocked window of the topology, with its key path. */
    public static List<TopologyError> validate(Topology topology) {
        List<TopologyError> errors = new ArrayList<>();
        for (int g = 0; g < topology.groups().size(); g++) {
            Drill drill = topology.groups().get(g).drill();
            String path = "groups[" + g + "].drill";
            check(path + ".cron", drill.cron(), errors);
            for (int w = 0; w < drill.blockedWindows().size(); w++) {
                check(path + ".blockedWindows[" + w + "]", drill.blockedWindows().get(w), errors);
            }
        }
        return errors;
    }

    private static void check(String path, String expression, List<TopologyError> errors) {
        try {
            QUARTZ.parse(expression).validate();
        } catch (IllegalArgumentException e) {
            errors.add(new TopologyError(path,
                    "'" + expression + "' is not a valid Quartz cron expression: " + e.getMessage()));
        }
    }

    /** True when {@code at} (to the second) matches one of the group's blocked windows. */
    public static boolean blocked(FailoverGroup group, ZonedDateTime at) {
        ZonedDateTime second = at.withNano(0);
        for (String window : group.drill().blockedWindows()) {
            Cron cron = QUARTZ.parse(window);
            if (ExecutionTime.forCron(cron).isMatch(second)) {
                return true;
            }
        }
        return false;
    }
}
