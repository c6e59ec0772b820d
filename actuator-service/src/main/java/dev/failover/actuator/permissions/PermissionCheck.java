package dev.failover.actuator.permissions;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.contract.topology.ScalingRef;

/**
 * Checks ahead that this actuator may do what its topology needs, place by place, with that
 * place's credentials: what a failover, a drill or a promotion would otherwise find missing at the worst moment. ARC's
 * Region switch evaluates its plans every 30 minutes for the same reason. A place whose principal or simulation cannot
 * be had now is reported not known, never as allowed.
 */
public final class PermissionCheck {

    /**
     * One run's findings.
     *
     * @param at      when it ran
     * @param answers every needed permission of the places that answered, and its decision; for a place that could not
     *                be asked this time, what the last run found
     * @param unknown the places that could not be checked, and why
     */
    public record Report(Instant at, List<PermissionSimulator.Answer> answers, Map<ScalingRef.Place, String> unknown) {

        public Report {
            answers = List.copyOf(answers);
            unknown = Map.copyOf(unknown);
        }

        /** The needed permissions found denied. */
        public List<PermissionSimulator.Answer> missing() {
            return answers.stream().filter(a -> a.decision() == PermissionSimulator.Decision.DENIED).toList();
        }
    }

    private final List<Needed> plan;
    private final PermissionSimulator simulator;
    private final Clock clock;
    private volatile Report last;

    public PermissionCheck(List<Needed> plan, PermissionSimulator simulator, Clock clock) {
        this.plan = List.copyOf(plan);
        this.simulator = simulator;
        this.clock = clock;
    }

    public List<Needed> plan() {
        return plan;
    }

    /** Checks every place once; the report is also kept as {@link #last()}. */
    public Report run() {
        Map<ScalingRef.Place, List<Needed>> byPlace = new LinkedHashMap<>();
        plan.forEach(n -> byPlace.computeIfAbsent(n.place(), p -> new ArrayList<>()).add(n));
        List<PermissionSimulator.Answer> answers = new ArrayList<>();
        Map<ScalingRef.Place, String> unknown = new LinkedHashMap<>();
        for (var place : byPlace.entrySet()) {
            try {
                answers.addAll(simulator.simulate(place.getKey(), place.getValue()));
            } catch (RuntimeException e) {
                unknown.put(place.getKey(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                // what the last run found for the place stands (a denial found stays reported) until it can be asked
                Report before = last;
                if (before != null) {
                    before.answers().stream().filter(a -> a.needed().place().equals(place.getKey()))
                            .forEach(answers::add);
                }
            }
        }
        Report report = new Report(clock.instant(), answers, unknown);
        last = report;
        return report;
    }

    /**
     * Exports a run: one row per place, action and resource (missing when any of its answers was denied), and per place
     * of the plan whether it could not be checked. Rows an earlier run had and this one has not disappear.
     */
    public void exportTo(ActuatorMetrics metrics, Report report) {
        Map<List<String>, Boolean> missing = new LinkedHashMap<>();
        report.answers().forEach(a -> missing.merge(List.of(a.needed().place().toString(), a.needed().action(),
                a.resource()), a.decision() == PermissionSimulator.Decision.DENIED, Boolean::logicalOr));
        Map<String, Boolean> places = new java.util.TreeMap<>();
        plan.forEach(n -> places.put(n.place().toString(), report.unknown().containsKey(n.place())));
        metrics.permissionsChecked(report.at(), missing.entrySet().stream().map(e -> new ActuatorMetrics.Permission(
                e.getKey().get(0), e.getKey().get(1), e.getKey().get(2), e.getValue())).toList(), places);
    }

    public Optional<Report> last() {
        return Optional.ofNullable(last);
    }
}
