package dev.failover.actuator.domain.steps;

import java.util.Optional;

import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;

/**
 * Before a move fences or promotes a database, which cannot be undone, the DNS switch that must follow is asked for
 * without being made (ADR 0020): a switch the provider would refuse for good (an access denied, a record the
 * zone does not permit, a key the server does not take) blocks the move with the provider's reason while nothing is
 * fenced, where it used to block after the promotion with the old region's application on a read-only database. Asked
 * once per desired state, while the target's node is not yet seen writable; a provider that cannot ask without writing
 * (the dry run; ARC before it read its control panel's safety rules) is said so once and the move goes on.
 */
record PreflightSwitch() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!(pass.goal() instanceof Goal.Decided goal) || goal.target().database() == null
                || !use.traffic().sendsTrafficToTarget(goal.config(), goal.desired()) || pass.progress().preflighted()
                || use.dataTier().writable(goal.target().id())) {
            return pass.go();
        }
        DnsProvider dns = use.dns();
        RecordWrite write = WriteRecord.intended(pass, use);
        Optional<WriteOutcome> asked = dns.preflight(write);
        String kind = dns.name();
        if (asked.isEmpty()) {
            return pass.with(pass.progress().switchChecked()).publishOncePerDesiredState(ActuationStep.DATABASE,
                    ActuationStatus.SKIPPED, kind, kind + " cannot check the switch to " + goal.target().id()
                            + " without making it: the database moves first, unchecked").go();
        }
        if (asked.get() instanceof WriteOutcome.Written checked) {
            return pass.with(pass.progress().switchChecked()).publishOncePerDesiredState(ActuationStep.DATABASE,
                    ActuationStatus.SUCCEEDED, kind, "the switch to " + goal.target().id() + " checked before the database"
                            + " moves: " + checked.details()).go();
        }
        if (asked.get() instanceof WriteOutcome.Rejected refused) {
            return pass.block(ActuationStep.DATABASE, kind, kind + " would refuse the switch to " + goal.target().id()
                    + " (" + refused.reason() + "; wanted: " + write.describe() + "): nothing was fenced or promoted. Fix"
                    + " what it refuses and retry the decision", use);
        }
        if (asked.get() instanceof WriteOutcome.Throttled throttled) {
            return pass.retryThrottled("checking the switch to " + goal.target().id() + " throttled by " + kind + ": "
                    + throttled.reason(), use);
        }
        String why = asked.get() instanceof WriteOutcome.OwnerChanged changed ? "the record's owner changed under us: "
                + changed.reason() : kind + " unavailable: " + ((WriteOutcome.Unavailable) asked.get()).reason();
        return pass.retryLater("checking the switch to " + goal.target().id() + " before the database moves: " + why,
                use);
    }
}
