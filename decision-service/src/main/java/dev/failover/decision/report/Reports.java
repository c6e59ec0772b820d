package dev.failover.decision.report;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.signing.SignedReports;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.ObservedSwitch;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.decision.view.GroupReader;

/**
 * Writes a switch's report from the group's view and the decision's explanation, and signs it with
 * the key the decision-service signs decisions with: {@link SignedReports}, verified offline by {@code failoverctl
 * report verify} with the deployment's public keys. Any instance answers, from the state it reads.
 */
@ApplicationScoped
public class Reports {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GroupReader reader;
    private final ControlMessageKeys keys;
    private final String instance;
    private final Clock clock = Clock.systemUTC();

    @Inject
    Reports(GroupReader reader, ControlMessageKeys keys, DecisionServiceConfig config) {
        this.reader = reader;
        this.keys = keys;
        this.instance = config.instanceId();
    }

    /** The signed document: the report and its signature. */
    public record Document(JsonNode report, SignedReports.Signature signature) {
    }

    /** What asking for a report found. */
    public sealed interface Lookup {
        record Found(Document document) implements Lookup {
        }

        /** No such group, or the decision is not one of the group's latest. */
        record NotKept() implements Lookup {
        }

        /** The decision's explanation could not be read now: ask again. */
        record Unavailable(String why) implements Lookup {
        }
    }

    public Lookup report(String group, String decisionId) {
        Optional<GroupView> view = reader.view(group);
        Optional<Decision> decision = view.flatMap(v -> v.recentDecisions().stream()
                .filter(d -> d.decisionId().equals(decisionId)).findFirst());
        if (decision.isEmpty()) {
            return new Lookup.NotKept();
        }
        Explanation explanation = null;
        GroupReader.ExplanationLookup lookup = reader.explanation(group, decisionId);
        if (lookup instanceof GroupReader.ExplanationLookup.Unavailable unavailable) {
            return new Lookup.Unavailable(unavailable.why());
        } else if (lookup instanceof GroupReader.ExplanationLookup.Found found) {
            explanation = found.explanation();
        }
        ObservedSwitch observed = reader.observedSwitches(group).stream()
                .filter(s -> s.decisionId().equals(decisionId)).findFirst().orElse(null);
        SwitchReport report = of(view.get(), decision.get(), explanation, observed);
        JsonNode tree;
        try {
            tree = JSON.readTree(EventCodec.instance().encode(report));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a report that does not read back", e);
        }
        return new Lookup.Found(new Document(tree, SignedReports.sign(keys.signer(), group, tree)));
    }

    /** The group's last drill when {@code decision} started it or ended it; else null. */
    private static GroupSnapshot.DrillReport drillOf(GroupSnapshot.DrillReport last, Decision decision) {
        if (last == null) {
            return null;
        }
        boolean started = last.startDecisionId().equals(decision.decisionId());
        boolean ended = (decision.kind() == DecisionKind.DRILL_END || decision.kind() == DecisionKind.DRILL_ABORT)
                && decision.issuedAt().equals(last.endedAt());
        return started || ended ? last : null;
    }

    /** @param observed the switch's observation, when one is kept */
    SwitchReport of(GroupView view, Decision decision, Explanation explanation, ObservedSwitch observed) {
        List<GroupSnapshot.ActuationEntry> steps = view.recentActuations().stream()
                .filter(a -> a.decisionId().equals(decision.decisionId()))
                .sorted(Comparator.comparing(GroupSnapshot.ActuationEntry::at)).toList();
        List<GroupSnapshot.ActuationEntry> database = steps.stream()
                .filter(a -> a.step() == ActuationStep.DATABASE || a.step() == ActuationStep.FENCE).toList();
        GroupSnapshot.DrillReport drill = drillOf(view.lastDrill(), decision);
        return new SwitchReport(SwitchReport.SCHEMA_VERSION, view.group(), decision,
                SwitchReport.Stages.of(decision, observed, steps), explanation, steps, database, observed, drill,
                SwitchReport.Lane.of(decision, view.serving()), clock.instant(), instance);
    }
}
