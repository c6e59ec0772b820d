package dev.failover.actuator.domain.steps;

import java.util.Optional;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DnsProvider.ReadOutcome;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.actuator.requests.Priority;
import dev.failover.contract.event.ActuationStep;

/**
 * Reads what the record serves and its ownership mark, asking about the goal's pending change. A read that does
 * not say ends the pass: not reachable (try again), throttled (try again, later), an ownership record no write can be
 * based on or a refusal (blocked, with the reason), a resync or confirmation the provider deferred while groups
 * switching wait for its budget (quietly: until the next resync, or {@link #CONFIRM_AGAIN}).
 * <p>
 * A switch's first read — no change of its own to ask about yet — is taken from the provider's listing of the zone
 * when it has one and it shows the record still to be switched ({@link DnsProvider#listed}): the write that follows is
 * conditional on the mark that listing showed. A listing that shows the record as wanted already is not believed: the
 * record is read live, since "served" is claimed only from a read taken after the switch (ADR 0006, ADR 0022).
 */
record ReadRecord() implements ReconcileStep {

    /**
     * How soon a switched group asks again for the confirmation its provider deferred: the switches waiting then have had
     * five of Route 53's turns, and a thousand groups asking cost a thousand short passes a second, none of them a request.
     */
    static final java.time.Duration CONFIRM_AGAIN = java.time.Duration.ofSeconds(1);

    @Override
    public Next apply(Pass pass, Backends use) {
        DnsProvider dns = use.dns();
        String lane = use.lane().id();
        String name = pass.key().name();
        Priority own = pass.priority(lane);
        if (own == Priority.SWITCH && pass.goal().changeToCheck(lane).isEmpty()) {
            Optional<ServedRecord> listed = dns.listed(pass.key())
                    .map(record -> withStoredMark(record, use, pass.goal()));
            if (listed.isPresent() && !pass.setsAsWanted(listed.get())) {
                return pass.read(listed.get()).go();
            }
        }
        ReadOutcome read = dns.read(pass.key(), pass.goal().changeToCheck(lane), priority(pass, own, use));
        if (read instanceof ReadOutcome.Served ok) {
            ServedRecord served = withStoredMark(ok.record(), use, pass.goal());
            return pass.read(served).go();
        }
        if (read instanceof ReadOutcome.Deferred) {
            // a settled group's check waits for its next interval, a switched group's confirmation a moment (ADR 0022)
            return pass.done(own == Priority.RESYNC ? use.settings().resync() : CONFIRM_AGAIN);
        }
        if (read instanceof ReadOutcome.Throttled throttled) {
            return pass.retryThrottled("reading " + name + " throttled by " + dns.name() + ": " + throttled.reason(),
                    use);
        }
        if (read instanceof ReadOutcome.OwnerRecordUnusable unusable) {
            return pass.block(ActuationStep.FENCE, dns.name(), unusable.reason(), use);
        }
        if (read instanceof ReadOutcome.Rejected rejected) {
            return pass.block(ActuationStep.VERIFY, dns.name(),
                    "reading " + name + " was refused: " + rejected.reason(),
                    use);
        }
        return pass.retryLater("cannot read " + name + " from " + dns.name() + ": "
                + ((ReadOutcome.Unavailable) read).reason(), use);
    }

    /**
     * What was read, with the ownership mark as the provider keeps it or, for one that keeps none (ARC), as the desired
     * state keeps it (ADR 0014): the mark of the group's last write, whichever instance made it.
     */
    /**
     * The read's turn on the provider's budget: a switch's while a second node of the group takes writes — the pass
     * fences it after this read ({@link FenceOtherWritable}), and a resync's or a confirmation's read stands aside for
     * as long as other groups' switches wait (ADR 0022), which must not keep two writers (ADR 0020); {@code own} else.
     */
    static Priority priority(Pass pass, Priority own, Backends use) {
        Goal goal = pass.goal();
        boolean secondWriter = goal.config().targets().stream().anyMatch(t -> t.database() != null
                && use.dataTier().writable(t.id())
                && (!t.id().equals(goal.target().id()) || use.dataTier().formerPrimary(t.id()).isPresent()));
        return secondWriter ? Priority.SWITCH : own;
    }

    static ServedRecord withStoredMark(ServedRecord read, Backends use, Goal goal) {
        return use.dns().keepsOwnerRecord() ? read : read.withOwnerText(goal.storedMark(use.lane().id()).orElse(null));
    }

    /** The read of a blocked group's guard pass: a record that cannot be read ends the pass and changes nothing. */
    record Quietly() implements ReconcileStep {

        @Override
        public Next apply(Pass pass, Backends use) {
            ReadOutcome read = use.dns().read(pass.key(), pass.goal().changeToCheck(use.lane().id()),
                    priority(pass, Priority.RESYNC, use));
            if (read instanceof ReadOutcome.Served ok) {
                ServedRecord served = withStoredMark(ok.record(), use, pass.goal());
                return pass.read(served).go();
            }
            return pass.done(use.settings().resync());
        }
    }
}
