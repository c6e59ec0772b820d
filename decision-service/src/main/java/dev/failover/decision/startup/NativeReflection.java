package dev.failover.decision.startup;

import dev.failover.contract.whatif.WhatIfReport;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.Destination;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.ObservedSwitch;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.CorrelatedFailureGuard;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.report.Reports;
import dev.failover.decision.report.SwitchReport;
import dev.failover.decision.store.ExplanationRecord;
import dev.failover.decision.store.StateCodec;
import dev.failover.decision.store.StateRecord;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The state records (explanations included) are written and read by this service's own Jackson mapper (StateCodec),
 * outside Quarkus REST, so a native image must be told of them; so are a switch's report and its signed document, which
 * the API answers as a Response entity, and a what-if's report. The contract's events are registered by the contract jar's reflect-config.json.
 */
@RegisterForReflection(targets = { StateRecord.class, StateCodec.SnapshotOnly.class, ExplanationRecord.class,
        StateRecord.CommandResult.class,
        GroupSnapshot.class, GroupSnapshot.PinState.class, GroupSnapshot.PauseState.class,
        GroupSnapshot.FreezeState.class,
        GroupSnapshot.DrillState.class, GroupSnapshot.DrillReport.class, GroupSnapshot.AuditEntry.class,
        GroupSnapshot.Serving.class, GroupSnapshot.Lane.class, GroupSnapshot.SeenCommand.class,
        GroupSnapshot.ActuationEntry.class, CommandOutcome.Status.class,
        CommandOutcome.Rejection.class, GroupView.class, GroupView.Automation.class, GroupView.TargetView.class,
        GroupView.LocationView.class, GroupView.IgnoredResult.class, GroupView.LocationClock.class,
        GroupView.ClockSkew.class, Outcome.IgnoreReason.class, GroupView.DependencyView.class,
        GroupView.DestinationCheck.class, GroupView.SafetyView.class, Destination.class,
        CorrelatedFailureGuard.Suspicion.class,
        Explanation.class, Explanation.Verdict.class, Explanation.RuleResult.class, Explanation.Rule.class,
        Explanation.TargetFacts.class, Explanation.LocationFacts.class, Explanation.Result.class,
        Explanation.StartingState.class, Explanation.Counts.class, Outcome.HoldReason.class, ObservedSwitch.class,
        GroupView.ConvergenceView.class, GroupView.ObserverView.class, GroupView.Observed.class, SwitchReport.class,
        SwitchReport.Stages.class, SwitchReport.Lane.class, Reports.Document.class,
        dev.failover.contract.signing.SignedReports.Signature.class,
        WhatIfReport.class, WhatIfReport.GroupComparison.class, WhatIfReport.PolicySummary.class,
        WhatIfReport.SwitchEntry.class,
        WhatIfReport.Incident.class, WhatIfReport.Difference.class, WhatIfReport.Policy.class })
public class NativeReflection {
}
