package dev.failover.decision.drill;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.command.CommandReply;
import dev.failover.decision.command.CommandService;
import dev.failover.decision.command.IdempotencyKey;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.ownership.GroupOwnership;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;

/**
 * Starts each group's scheduled drill (Quartz cron, UTC). Every instance schedules every group, and only the owner of
 * the group sends the start, as an operator command of principal "drill-scheduler", so the same rules apply: every
 * target HEALTHY, automation running. A drill due inside a blocked window, or while one of its blocking alerts fires
 * in Alertmanager (or Alertmanager cannot be read), is skipped and logged (DrillStartGuard). The start's idempotency
 * key is the scheduled time, so two instances that both believed they owned the group start it once.
 */
@ApplicationScoped
public class DrillScheduler {

    public static final String PRINCIPAL = "drill-scheduler";
    private static final Logger LOG = Logger.getLogger(DrillScheduler.class);

    private final Scheduler scheduler;
    private final Topology topology;
    private final GroupOwnership ownership;
    private final CommandService commands;
    private final AlertWatch alerts;

    @Inject
    DrillScheduler(Scheduler scheduler, Topology topology, GroupOwnership ownership, CommandService commands,
            AlertWatch alerts) {
        this.alerts = alerts;
        this.scheduler = scheduler;
        this.topology = topology;
        this.ownership = ownership;
        this.commands = commands;
    }

    void schedule(@Observes StartupEvent event) {
        for (FailoverGroup group : topology.groups()) {
            if (!group.drill().enabled()) {
                continue;
            }
            scheduler.newJob("drill-" + group.id())
                    .setCron(group.drill().cron())
                    .setTimeZone("UTC")
                    .setConcurrentExecution(io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> due(group, execution.getScheduledFireTime()))
                    .schedule();
            LOG.infof("drill of %s scheduled: %s UTC, %d min", group.id(), group.drill().cron(),
                    group.drill().durationMinutes());
        }
    }

    void due(FailoverGroup group, Instant scheduledAt) {
        if (!ownership.owns(group.id())) {
            return;
        }
        Optional<String> blocked = DrillStartGuard.whyNot(group, ZonedDateTime.now(ZoneOffset.UTC), alerts::readNow);
        if (blocked.isPresent()) {
            LOG.infof("scheduled drill of %s skipped: %s", group.id(), blocked.get());
            return;
        }
        CommandReply reply = commands
                .submit(new Command.StartDrill(group.id(), null, null, "scheduled monthly DR drill",
                        PRINCIPAL), Optional.of(new IdempotencyKey("scheduled-drill-" + scheduledAt)));
        LOG.infof("scheduled drill of %s: %s", group.id(), reply);
    }
}
