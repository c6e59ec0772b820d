package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;

/**
 * Writes the wanted sets and the goal's ownership mark in one request, conditionally on the mark read, under a gate the
 * group's steps opened for the goal's epoch and step (ADR 0036): else nothing is written and the lane waits. The pass
 * ends here whatever the outcome: the next pass reads the record back, and that read is the verification.
 */
record WriteRecord() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        DnsProvider dns = use.dns();
        Goal goal = pass.goal();
        if (!pass.gate().opens(goal)) {
            return pass.retryLater("waiting: " + pass.gate().why(), use.settings().capacityPoll(), use);
        }
        RecordWrite write = intended(pass, use);
        ActuationStep writeStep = goal.writeStep(use.traffic());
        String step = goal.describeStep(use.traffic());
        Instant writeStart = use.clock().instant();
        WriteOutcome written = dns.write(write);
        if (written instanceof WriteOutcome.Written w) {
            Pass reported = pass.report(writeStep, ActuationStatus.SUCCEEDED, dns.name(), w.details()
                    + (step.isEmpty() ? "" : " (" + step + ")"), writeStart);
            if (w.reference() != null || !dns.keepsOwnerRecord()) {
                reported = reported.changeWritten(use.lane().id(), Optional.ofNullable(w.reference()),
                        dns.keepsOwnerRecord()
                                ? Optional.empty() : Optional.of(write.owner().text()));
            }
            return reported.done(Duration.ZERO);
        }
        if (written instanceof WriteOutcome.OwnerChanged changed) {
            return pass.retryLater("the record's owner changed under us, reading again: " + changed.reason(), use);
        }
        if (written instanceof WriteOutcome.Rejected rejected) {
            return rejected(pass.report(writeStep, ActuationStatus.FAILED, dns.name(), "rejected: " + rejected.reason()
                    + " (wanted: " + write.describe() + ")", writeStart), writeStep, rejected, use);
        }
        if (written instanceof WriteOutcome.Throttled throttled) {
            return pass.retryThrottled("writing " + write.key().name() + " throttled by " + dns.name() + ": "
                    + throttled.reason(), use);
        }
        return pass.retryLater(dns.name() + " unavailable: " + ((WriteOutcome.Unavailable) written).reason(), use);
    }

    /** The provider refused the write for good: blocked, unless the target's database has moved already. */
    private static Next rejected(Pass pass, ActuationStep writeStep, WriteOutcome.Rejected rejected, Backends use) {
        Goal goal = pass.goal();
        String dns = use.dns().name();
        if (goal instanceof Goal.Decided decided && decided.desired().ownPromotion().isPresent()
                && decided.desired().promotion().phase() == DesiredState.Phase.PROMOTED
                && decided.desired().promotion().target().equals(goal.target().id())
                && use.dataTier().writable(goal.target().id())) {
            // a planned move, its old primary fenced before the promotion: undone if no write reached the promoted
            // node (TakeBackPromotion), rather than leaving the served application on a read-only database
            String back = "DNS refuses the switch to " + goal.target().id() + " after its database was promoted by a"
                    + " planned move: taking the way back (" + goal.target().id() + "'s database fenced, shown"
                    + " unwritten, then " + decided.desired().promotion().from() + "'s unfenced)";
            return pass.promotion(decided.desired().promotion().takingBack(dns + " refused the switch: "
                    + rejected.reason())).retryLater(back, back + ": " + rejected.reason(),
                            use.settings().backoff().after(1), use);
        }
        if (goal instanceof Goal.Decided && goal.target().database() != null
                && use.dataTier().writable(goal.target().id())) {
            // the database has moved and the traffic has not: the old region's application writes to a node that is
            // fenced or a replica. Blocking would leave that outage in place quietly; keep trying, said once and
            // alerted on
            use.dataTier().switchRefused(pass.now());
            String refused = "DNS refuses the switch to " + goal.target().id() + ", and " + goal.target().id()
                    + "'s database was promoted: the applications still served have a read-only database until the"
                    + " switch is taken. Tried again every " + use.settings().resync() + "; fix what " + dns
                    + " refuses (ADR 0020, runbook)";
            return pass.retryLater(refused, refused + ": " + rejected.reason(), use.settings().resync(), use);
        }
        return pass.block(writeStep, dns, "DNS write rejected by " + dns + ": " + rejected.reason(), use);
    }

    /** The write this pass makes: the goal's sets and ownership mark, conditionally on the mark read. */
    static RecordWrite intended(Pass pass, Backends use) {
        return intended(pass.goal(), pass.key(), pass.served(), use.group());
    }

    /** The write of {@code goal} to the record {@code key}, conditional on the mark {@code served} carries. */
    static RecordWrite intended(Goal goal, RecordKey key, ServedRecord served, String group) {
        return new RecordWrite(key, served.ownerText(),
                OwnerMark.of(group, goal.epoch(), goal.decisionId(), goal.wanted()),
                goal.wanted(), breakGlass(goal));
    }

    /** Only an operator's FORCE breaks the glass: the decision-service's override API, audited there and in the result. */
    private static RecordWrite.BreakGlass breakGlass(Goal goal) {
        if (goal instanceof Goal.Decided decided && decided.desired().decision().kind() == DecisionKind.FORCE) {
            Decision decision = decided.desired().decision();
            return new RecordWrite.BreakGlass(decision.principal(), decision.decisionId(), decision.reason());
        }
        return null;
    }
}
