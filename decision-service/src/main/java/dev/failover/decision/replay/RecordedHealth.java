package dev.failover.decision.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;

/**
 * What the recorded results say of each target, whatever policy reads them: per location, the spans of one outcome; per
 * target, the spans in which a majority of the locations that report it saw it DOWN (an incident) and those in which a
 * majority saw it UP (serving). The yardstick both policies of a what-if are measured by: a switch whose old target was
 * serving within a few seconds was a false failover, and detection runs from an incident's start.
 * <p>
 * A location's state is its latest UP or DOWN result for the target; UNKNOWN (the location could not probe) leaves the
 * location out until it reports again, as the quorum does. Dependency results are not the target's health and are left
 * out.
 */
public final class RecordedHealth {

    /** A span of one state; {@code end} is the last result's time for the last span of the window. */
    public record Span(Instant start, Instant end, ProbeOutcome outcome) {
    }

    private final Map<Key, List<Span>> perLocation = new TreeMap<>();
    private final Map<TargetKey, List<Span>> majority = new TreeMap<>();

    private record Key(String group, String target, String location) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            return (group + "\u0000" + target + "\u0000" + location)
                    .compareTo(o.group + "\u0000" + o.target + "\u0000" + o.location);
        }
    }

    private record TargetKey(String group, String target) implements Comparable<TargetKey> {
        @Override
        public int compareTo(TargetKey o) {
            return (group + "\u0000" + target).compareTo(o.group + "\u0000" + o.target);
        }
    }

    private RecordedHealth() {
    }

    /** @param results in the order they are replayed (by arrival) */
    public static RecordedHealth of(List<ProbeResult> results) {
        RecordedHealth health = new RecordedHealth();
        Map<TargetKey, Map<String, ProbeOutcome>> latest = new HashMap<>();
        for (ProbeResult r : results) {
            if (r.dependency() != null) {
                continue;
            }
            Instant at = r.startedAt();
            TargetKey target = new TargetKey(r.group(), r.target());
            Map<String, ProbeOutcome> locations = latest.computeIfAbsent(target, k -> new TreeMap<>());
            if (r.outcome() == ProbeOutcome.UNKNOWN) {
                locations.remove(r.location());
            } else {
                locations.put(r.location(), r.outcome());
                extend(health.perLocation.computeIfAbsent(new Key(r.group(), r.target(), r.location()),
                        k -> new ArrayList<>()), at,
                        r.outcome());
            }
            extend(health.majority.computeIfAbsent(target, k -> new ArrayList<>()), at, majorityOf(locations));
        }
        return health;
    }

    /** UP or DOWN when more than half of the reporting locations say so, UNKNOWN otherwise (or when none reports). */
    private static ProbeOutcome majorityOf(Map<String, ProbeOutcome> locations) {
        long down = locations.values().stream().filter(o -> o == ProbeOutcome.DOWN).count();
        long up = locations.size() - down;
        if (down * 2 > locations.size()) {
            return ProbeOutcome.DOWN;
        }
        return up * 2 > locations.size() ? ProbeOutcome.UP : ProbeOutcome.UNKNOWN;
    }

    private static void extend(List<Span> spans, Instant start, ProbeOutcome outcome) {
        Instant at = start;
        if (!spans.isEmpty()) {
            Span open = spans.get(spans.size() - 1);
            // results come by arrival: a slow failure (a timeout) may have started before the span now open ended; it
            // changes the state from then, so no span ends before it starts and none loses the evidence it holds
            at = at.isBefore(open.end()) ? open.end() : at;
            if (open.outcome() == outcome) {
                spans.set(spans.size() - 1, new Span(open.start(), at.isAfter(open.end()) ? at : open.end(), outcome));
                return;
            }
            spans.set(spans.size() - 1, new Span(open.start(), at, open.outcome()));
        }
        spans.add(new Span(at, at, outcome));
    }

    /** The spans in which a majority of the reporting locations saw the target DOWN, in time order. */
    public List<Span> incidents(String group, String target) {
        return majority.getOrDefault(new TargetKey(group, target), List.of()).stream()
                .filter(s -> s.outcome() == ProbeOutcome.DOWN).toList();
    }

    /** Whether a majority of the reporting locations saw the target UP at some time in [from, to]. */
    public boolean servingBetween(String group, String target, Instant from, Instant to) {
        return majority.getOrDefault(new TargetKey(group, target), List.of()).stream()
                .anyMatch(s -> s.outcome() == ProbeOutcome.UP && !s.start().isAfter(to) && !s.end().isBefore(from));
    }

    /** Each location's spans for the target (UP or DOWN), by location. */
    public Map<String, List<Span>> locations(String group, String target) {
        Map<String, List<Span>> spans = new TreeMap<>();
        perLocation.forEach((k, v) -> {
            if (k.group().equals(group) && k.target().equals(target)) {
                spans.put(k.location(), List.copyOf(v));
            }
        });
        return spans;
    }

    /** The targets with results, per group, in name order. */
    public Map<String, List<String>> targets() {
        Map<String, List<String>> targets = new TreeMap<>();
        majority.keySet().forEach(k -> targets.computeIfAbsent(k.group(), g -> new ArrayList<>()).add(k.target()));
        return targets;
    }
}
