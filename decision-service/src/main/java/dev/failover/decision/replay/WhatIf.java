package dev.failover.decision.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Thresholds;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.whatif.WhatIfReport;
import dev.failover.contract.whatif.WhatIfReport.Difference;
import dev.failover.contract.whatif.WhatIfReport.GroupComparison;
import dev.failover.contract.whatif.WhatIfReport.Incident;
import dev.failover.contract.whatif.WhatIfReport.Policy;
import dev.failover.contract.whatif.WhatIfReport.PolicySummary;
import dev.failover.contract.whatif.WhatIfReport.SwitchEntry;
import dev.failover.decision.domain.model.Outcome;

/**
 * Runs the real decision core over recorded probe results twice, with the current topology and with a proposed one, and
 * compares what each would have done (ADR 0027): "what would this threshold have bought us over the last week?" before
 * it is in production. Deterministic: the results' own times drive both runs, never the wall clock, and the output is
 * ordered. Both policies are measured by one yardstick, {@link RecordedHealth}: what a majority of the locations saw.
 */
public final class WhatIf {

    /** Incidents shorter than this that neither policy acted on are counted as blips, not listed. */
    static final Duration BLIP = Duration.ofSeconds(30);
    /** Two policies' switches of the same kind between the same targets within this are the same switch. */
    static final Duration SAME_SWITCH = Duration.ofMinutes(5);

    /** What recorded probe results cannot show; printed with every comparison. */
    static final List<String> LIMITS = List.of(
            "actuation is not replayed: capacity, database and DNS steps, their time and their refusals are not in the recorded results",
            "operators' commands (pins, pauses, drills, planned switchovers) are not replayed",
            "a switch changes nothing in the recorded results: after a switch the replay sees what the probes saw under the real plane's choices",
            "a false failover is judged by what a majority of the locations saw, the same yardstick for both policies; clients may have seen otherwise",
            "both policies start on each group's first target, as a new deployment does: a window that opens while failed over shows a switch back",
            "with one group named, only its results are replayed: the guards across groups (correlated failure, the global switch budget) see it alone");

    /** One total order of the results, whatever order they were read in: by arrival, then by every name, then outcome. */
    static final Comparator<ProbeResult> ORDER = Comparator.comparing(PolicyRun::arrival)
            .thenComparing(ProbeResult::group)
            .thenComparing(ProbeResult::target).thenComparing(ProbeResult::location)
            .thenComparing(ProbeResult::dependency, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(ProbeResult::outcome).thenComparing(ProbeResult::startedAt)
            .thenComparing(ProbeResult::failureReason, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(ProbeResult::prober, Comparator.nullsFirst(Comparator.naturalOrder()));

    private WhatIf() {
    }

    /**
     * @param group           only this group, or every group of either topology
     * @param recoveredWithin a failover whose old target a majority saw up within this is a false one
     */
    public static WhatIfReport compare(Topology current, Topology proposed, List<ProbeResult> recorded,
            Optional<String> group,
            Duration recoveredWithin) {
        List<ProbeResult> results = recorded.stream().filter(r -> group.map(g -> g.equals(r.group())).orElse(true))
                .sorted(ORDER)
                .toList();
        PolicyRun now = PolicyRun.of(current, results);
        PolicyRun next = PolicyRun.of(proposed, results);
        RecordedHealth health = RecordedHealth.of(results);
        List<GroupComparison> groups = new ArrayList<>();
        java.util.SortedSet<String> ids = new java.util.TreeSet<>();
        current.groups().forEach(g -> ids.add(g.id()));
        proposed.groups().forEach(g -> ids.add(g.id()));
        for (String id : ids) {
            if (group.isPresent() && !group.get().equals(id)) {
                continue;
            }
            groups.add(compareGroup(id, current.group(id), proposed.group(id), now, next, health, recoveredWithin));
        }
        Instant from = results.isEmpty() ? null : results.get(0).startedAt();
        Instant to = results.isEmpty() ? null : PolicyRun.arrival(results.get(results.size() - 1));
        WhatIfReport report = new WhatIfReport(from, to, results.size(), recoveredWithin.toSeconds(), groups, LIMITS,
                null);
        return new WhatIfReport(from, to, results.size(), recoveredWithin.toSeconds(), groups, LIMITS,
                TimelineSvg.render(report, health));
    }

    private static GroupComparison compareGroup(String id, Optional<FailoverGroup> current,
            Optional<FailoverGroup> proposed,
            PolicyRun now, PolicyRun next, RecordedHealth health, Duration recoveredWithin) {
        List<SwitchEntry> nowSwitches = entries(id, now, health, recoveredWithin);
        List<SwitchEntry> nextSwitches = entries(id, next, health, recoveredWithin);
        List<Incident> incidents = new ArrayList<>();
        int blips = 0;
        for (String target : health.targets().getOrDefault(id, List.of())) {
            for (RecordedHealth.Span span : health.incidents(id, target)) {
                Long a = detection(id, target, span, now);
                Long b = detection(id, target, span, next);
                boolean longEnough = !Duration.between(span.start(), span.end()).minus(BLIP).isNegative();
                if (!longEnough && a == null && b == null) {
                    blips++;
                    continue;
                }
                incidents.add(
                        new Incident(target, span.start(), span.end(), target.equals(now.activeAt(id, span.start())),
                                target.equals(next.activeAt(id, span.start())), a, b));
            }
        }
        incidents.sort(Comparator.comparing(Incident::start).thenComparing(Incident::target));
        List<Difference> differences = differences(nowSwitches, nextSwitches);
        differences.sort(Comparator.comparing((Difference d) -> d.decision().at()).thenComparing(Difference::onlyIn));
        return new GroupComparison(id, changes(current, proposed),
                summary(id, now, nowSwitches, incidents, Policy.CURRENT),
                summary(id, next, nextSwitches, incidents, Policy.PROPOSED), incidents, blips, differences);
    }

    private static List<SwitchEntry> entries(String group, PolicyRun run, RecordedHealth health,
            Duration recoveredWithin) {
        return run.switches().stream().filter(s -> s.group().equals(group))
                .map(s -> new SwitchEntry(s.at(), s.kind(), s.from(), s.to(),
                        failover(s.kind())
                                && health.servingBetween(group, s.from(), s.at(), s.at().plus(recoveredWithin)),
                        s.rulePath(), s.reason()))
                .toList();
    }

    private static boolean failover(DecisionKind kind) {
        return kind == DecisionKind.FAILOVER || kind == DecisionKind.LAST_RESORT;
    }

    /** Milliseconds from the incident's start to the policy's first failover away from the target within it. */
    private static Long detection(String group, String target, RecordedHealth.Span incident, PolicyRun run) {
        return run.switches().stream()
                .filter(s -> s.group().equals(group) && target.equals(s.from()) && failover(s.kind())
                        && !s.at().isBefore(incident.start()) && !s.at().isAfter(incident.end()))
                .findFirst().map(s -> Duration.between(incident.start(), s.at()).toMillis()).orElse(null);
    }

    /**
     * The switches of one policy the other does not make: each switch of the current policy is paired with the earliest
     * unpaired switch of the proposed one of the same kind between the same targets within {@link #SAME_SWITCH}; a
     * switch pairs at most once, so a second failover of one policy is a difference even when the other made one
     * minutes before.
     */
    static List<Difference> differences(List<SwitchEntry> current, List<SwitchEntry> proposed) {
        List<SwitchEntry> unpaired = new ArrayList<>(proposed);
        List<Difference> differences = new ArrayList<>();
        for (SwitchEntry s : current) {
            Optional<SwitchEntry> pair = unpaired.stream().filter(o -> o.kind() == s.kind() && o.from().equals(s.from())
                    && o.to().equals(s.to()) && Duration.between(o.at(), s.at()).abs().compareTo(SAME_SWITCH) <= 0)
                    .findFirst();
            if (pair.isPresent()) {
                unpaired.remove(pair.get());
            } else {
                differences.add(new Difference(Policy.CURRENT, s));
            }
        }
        unpaired.forEach(s -> differences.add(new Difference(Policy.PROPOSED, s)));
        return differences;
    }

    private static PolicySummary summary(String group, PolicyRun run, List<SwitchEntry> switches,
            List<Incident> incidents,
            Policy policy) {
        List<Long> detections = new ArrayList<>();
        int active = 0;
        for (Incident i : incidents) {
            boolean activeHere = policy == Policy.CURRENT ? i.activeUnderCurrent() : i.activeUnderProposed();
            Long detection = policy == Policy.CURRENT ? i.currentDetectionMs() : i.proposedDetectionMs();
            active += activeHere ? 1 : 0;
            if (detection != null) {
                detections.add(detection);
            }
        }
        detections.sort(Comparator.naturalOrder());
        List<PolicyRun.HoldSpan> holds = run.holds().stream().filter(h -> h.group().equals(group)).toList();
        return new PolicySummary(switches.size(), (int) switches.stream().filter(s -> failover(s.kind())).count(),
                (int) switches.stream().filter(SwitchEntry::falseFailover).count(),
                (int) holds.stream().filter(h -> h.reason() == Outcome.HoldReason.TARGET_FLAPPING).count(),
                holds.size(), active,
                detections.size(), detections.isEmpty() ? null : detections.get((detections.size() - 1) / 2),
                detections.isEmpty() ? null : detections.get(detections.size() - 1), switches);
    }

    /** The settings of the group that differ between the policies, as "setting: current -> proposed". */
    static List<String> changes(Optional<FailoverGroup> current, Optional<FailoverGroup> proposed) {
        if (current.isEmpty() || proposed.isEmpty()) {
            return List.of(
                    current.isEmpty() ? "group: only in the proposed topology" : "group: only in the current topology");
        }
        List<String> changes = new ArrayList<>();
        Thresholds a = current.get().thresholds();
        Thresholds b = proposed.get().thresholds();
        change(changes, "failuresToDown", a.failuresToDown(), b.failuresToDown());
        change(changes, "successesToUp", a.successesToUp(), b.successesToUp());
        change(changes, "quorum", a.quorum(), b.quorum());
        change(changes, "minDwellSeconds", a.minDwellSeconds(), b.minDwellSeconds());
        change(changes, "maxSwitchesPerHour", a.maxSwitchesPerHour(), b.maxSwitchesPerHour());
        change(changes, "flapWindow", a.flapWindow(), b.flapWindow());
        change(changes, "flapTransitions", a.flapTransitions(), b.flapTransitions());
        change(changes, "failback.mode", current.get().failback().mode(), proposed.get().failback().mode());
        change(changes, "failback.holdDownSeconds", current.get().failback().holdDownSeconds(),
                proposed.get().failback().holdDownSeconds());
        change(changes, "targets", current.get().targets().stream().map(t -> t.id()).toList(),
                proposed.get().targets().stream().map(t -> t.id()).toList());
        change(changes, "whenAllDown", current.get().whenAllDown(), proposed.get().whenAllDown());
        return changes;
    }

    private static void change(List<String> changes, String setting, Object a, Object b) {
        if (!java.util.Objects.equals(a, b)) {
            changes.add(setting + ": " + a + " -> " + b);
        }
    }
}
