package dev.failover.actuator.domain.steps;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.ServePolicy;

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
        if (!pass.lanes().views().isEmpty()) {
            return everyLane(pass, goal, use);
        }
        DnsProvider dns = use.dns();
        RecordWrite write = WriteRecord.intended(pass, use);
        Optional<WriteOutcome> asked = dns.preflight(write);
        String kind = dns.name();
        if (asked.isEmpty()) {
            return pass.with(pass.progress().switchChecked()).publishOncePerDesiredState(ActuationStep.DATABASE,
                    ActuationStatus.SKIPPED, kind, kind + " cannot check the switch to " + goal.target().id()
                            + " without making it: the database moves first, unchecked")
                    .go();
        }
        if (asked.get() instanceof WriteOutcome.Written checked) {
            return pass.with(pass.progress().switchChecked()).publishOncePerDesiredState(ActuationStep.DATABASE,
                    ActuationStatus.SUCCEEDED, kind,
                    "the switch to " + goal.target().id() + " checked before the database"
                            + " moves: " + checked.details())
                    .go();
        }
        if (asked.get() instanceof WriteOutcome.Rejected refused) {
            return pass.block(ActuationStep.DATABASE, kind, kind + " would refuse the switch to " + goal.target().id()
                    + " (" + refused.reason() + "; wanted: " + write.describe()
                    + "): nothing was fenced or promoted. Fix"
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

    /**
     * A group written to several providers (ADR 0036, "How the group steps read several lanes"): each lane read is asked;
     * the database moves once one lane checked the switch (or cannot check without making it) and, under {@code all},
     * none refused; under {@code any} a refusing lane is left to be REFUSED on its own write. A lane not read, or not
     * answering, is not waited for while another checked: it is asked again before its own write.
     */
    private static Next everyLane(Pass pass, Goal.Decided goal, Backends use) {
        List<String> checked = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> unanswered = new ArrayList<>();
        for (Lanes.LaneView view : pass.lanes().views()) {
            if (view.served() == null) {
                unanswered.add(view.id() + ": not read");
                continue;
            }
            RecordWrite write = WriteRecord.intended(goal, view.lane().key(goal.config()), view.served(), use.group());
            Optional<WriteOutcome> asked = view.lane().provider().preflight(write);
            if (asked.isEmpty() || asked.get() instanceof WriteOutcome.Written) {
                checked.add(view.id());
            } else if (asked.get() instanceof WriteOutcome.Rejected rejected) {
                refused.add(view.id() + " (" + rejected.reason() + ")");
            } else {
                unanswered.add(view.id() + ": " + asked.get());
            }
        }
        String to = "the switch to " + goal.target().id();
        if (!refused.isEmpty()
                && (pass.lanes().policy() == ServePolicy.ALL || (checked.isEmpty() && unanswered.isEmpty()))) {
            return pass.block(ActuationStep.DATABASE, String.join(", ", refused), String.join(", ", refused)
                    + " would refuse " + to + ": nothing was fenced or promoted. Fix what it refuses and retry the"
                    + " decision", use);
        }
        if (checked.isEmpty()) {
            return pass.retryLater("checking " + to + " before the database moves: " + String.join("; ", unanswered),
                    use);
        }
        return pass.with(pass.progress().switchChecked()).publishOncePerDesiredState(ActuationStep.DATABASE,
                ActuationStatus.SUCCEEDED, String.join(", ", checked), to + " checked by " + String.join(", ", checked)
                        + " before the database moves"
                        + (refused.isEmpty() ? "" : "; refused by " + String.join(", ", refused)
                                + ", left to be REFUSED alone (served: any)"))
                .go();
    }
}
