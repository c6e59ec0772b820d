package dev.failover.decision.domain.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.ResolverObservation;
import dev.failover.contract.topology.Observer;
import dev.failover.decision.domain.model.ObservedSwitch;

/**
 * What the group's clients are sent to, as each location's observers answer (ADR 0026), and how far the
 * group's latest live switch has reached them. A location has observed the switch when every one of its observers
 * answers the switch's target, the first time since the decision; the switch is observed when a majority of the
 * observing locations have. An observer tied to a DNS provider is one of its servers, no clients' resolver: it counts
 * towards no location, and the switch marks per provider when all of that provider's servers answer the target (ADR
 * 0036, "Observed convergence per provider"). The answers are not persisted (each is published again within {@link
 * ResolverObservation#REFRESH_SECONDS} s); the switch is, with the group's state.
 */
public final class ObservedConvergence {

    /** One resolver's latest answer, and since when it has answered that target. */
    private record Answer(ResolverObservation latest, Instant since) {
    }

    /**
     * Switches kept, newest first, for their reports: the latest always, earlier ones only when something observed them
     * (a switch without observers is kept for its times alone, which its report and metrics take while it is the latest).
     */
    static final int KEPT = 5;

    /** By location, by observer. */
    private final Map<String, Map<String, Answer>> answers = new LinkedHashMap<>();
    /** The switch being observed (the latest live one); null before the first. */
    private ObservedSwitch current;
    /** The switches before it, newest first, that something observed. */
    private final java.util.Deque<ObservedSwitch> earlier = new java.util.ArrayDeque<>();

    /** The switch being observed, or the last one; null before the first live switch. */
    public ObservedSwitch current() {
        return current;
    }

    /** The latest switch and the earlier ones kept, newest first: what the group's state persists. */
    public List<ObservedSwitch> recent() {
        List<ObservedSwitch> all = new ArrayList<>();
        if (current != null) {
            all.add(current);
        }
        all.addAll(earlier);
        return all;
    }

    /** One of the recent switches by its decision's id. */
    public Optional<ObservedSwitch> of(String decisionId) {
        return recent().stream().filter(s -> s.decisionId().equals(decisionId)).findFirst();
    }

    /**
     * A new decision: a live one is observed from now on by {@code observing} locations and providers' servers (none:
     * it is only kept for its times); a shadow one changes nothing clients see.
     *
     * @param failedAt when the failure it answers began, or null
     */
    void decided(Decision decision, Instant failedAt, Observing observing) {
        if (decision.mode() != DecisionMode.LIVE) {
            return;
        }
        // kept without observers too: its failure's start gives the failure-to-decided time
        if (current != null && current.observed()) {
            earlier.addFirst(current);
            while (earlier.size() > KEPT - 1) {
                earlier.removeLast();
            }
        }
        current = ObservedSwitch.decided(decision.decisionId(), decision.kind(), decision.toTarget(), failedAt,
                decision.issuedAt(), observing.locations().size(), observing.providers());
    }

    /** The decision {@code latest} was re-issued as {@code id}: the same switch, under the new id. */
    void reissued(Decision latest, String id) {
        if (current != null && current.decisionId().equals(latest.decisionId())) {
            current = current.reissuedAs(id);
        }
    }

    /** The actuator reported decision {@code decisionId} CONVERGED at {@code at}. */
    void served(String decisionId, Instant at) {
        if (current != null && current.decisionId().equals(decisionId)) {
            current = current.served(at);
        }
    }

    /**
     * Takes one observer's answer; {@code observers} are, by location, those asked for the group's record. A location is
     * marked when every one of its clients' resolvers has answered the switch's target at or after the decision, and a
     * provider when every one of its servers, in any location, has (ADR 0036): an answer stamped up to {@code skew} before
     * it counts (the location's clock may be behind this instance's by as much; {@code failover.clock-skew-tolerance}),
     * and the mark is then never before the decision. A resolver that answered the target already before the switch
     * (the record changed by hand) is marked at the decision once an answer after it (its 30 s refresh) says it still
     * does: from then on its clients are sent there. An answer stamped more than {@code skew} after {@code now} is left
     * out: a clock that ran ahead would otherwise hide every later answer of that resolver. Returns the switch when this
     * answer brought it to the quorum of locations, empty otherwise.
     */
    public Optional<ObservedSwitch> answered(ResolverObservation o, Map<String, List<Observer>> observers, Instant now,
            Duration skew) {
        List<Observer> here = observers.getOrDefault(o.location(), List.of());
        Observer observer = here.stream().filter(x -> x.name().equals(o.observer())).findFirst().orElse(null);
        if (observer == null) {
            // an observer the topology no longer names there, not asked for this group, or a location's misconfiguration
            return Optional.empty();
        }
        if (o.observedAt().isAfter(now.plus(skew))) {
            return Optional.empty(); // from a clock ahead of this one by more than the tolerance
        }
        Map<String, Answer> location = answers.computeIfAbsent(o.location(), l -> new LinkedHashMap<>());
        Answer before = location.get(o.observer());
        if (before != null && !before.latest().observedAt().isBefore(o.observedAt())) {
            return Optional.empty(); // a redelivery or an older answer
        }
        boolean same = before != null && Objects.equals(before.latest().target(), o.target());
        location.put(o.observer(), new Answer(o, same ? before.since() : o.observedAt()));
        if (current == null) {
            return Optional.empty();
        }
        Instant earliest = current.decidedAt().minus(skew);
        if (observer.tied()) {
            // a provider's server: no client asks it, so it marks its provider, never its location
            Map<String, List<Observer>> servers = new LinkedHashMap<>();
            observers.forEach((l, list) -> servers.put(l, list.stream()
                    .filter(x -> observer.provider().equals(x.provider())).toList()));
            allAnswer(servers, earliest).ifPresent(all -> current = current.observedThrough(observer.provider(), all));
            return Optional.empty();
        }
        if (current.observedAt().containsKey(o.location())) {
            return Optional.empty();
        }
        Optional<Instant> all = allAnswer(Map.of(o.location(), here.stream().filter(x -> !x.tied()).toList()),
                earliest);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        boolean hadQuorum = current.reachedQuorum();
        current = current.observedBy(o.location(), all.get());
        return !hadQuorum && current.reachedQuorum() ? Optional.of(current) : Optional.empty();
    }

    /**
     * Since when every one of {@code observers} (by location) answers the current switch's target, each with an answer
     * stamped at or after {@code earliest}; empty while one does not (or there are none).
     */
    private Optional<Instant> allAnswer(Map<String, List<Observer>> observers, Instant earliest) {
        Instant all = null;
        for (var location : observers.entrySet()) {
            Map<String, Answer> known = answers.getOrDefault(location.getKey(), Map.of());
            for (Observer observer : location.getValue()) {
                Answer a = known.get(observer.name());
                if (a == null || !a.latest().answers(current.target()) || a.latest().observedAt().isBefore(earliest)) {
                    return Optional.empty();
                }
                all = all == null || a.since().isAfter(all) ? a.since() : all;
            }
        }
        return Optional.ofNullable(all);
    }

    /** The persisted switches, newest first, taken back by a new owner. */
    void restore(List<ObservedSwitch> persisted) {
        earlier.clear();
        current = persisted.isEmpty() ? null : persisted.get(0);
        persisted.stream().skip(1).limit(KEPT - 1).forEach(earlier::addLast);
    }

    /**
     * For operators: the switch's marks, each location's observers with what they answer now, and a sentence ("observed
     * by 2 of 3 locations at T; loc-c: resolver vpc still answers primary for up to 58 s").
     *
     * @param observers by location, the topology's observers asked for the group's record
     * @param ttl       the record's TTL: how long after it was served a resolver may keep the old answer
     * @return null when the topology names none
     */
    public GroupView.ConvergenceView view(Map<String, List<Observer>> observers, Instant now, Duration ttl) {
        if (observers.isEmpty()) {
            return null; // nothing observes: the view stays as it was (the switch's times are in the state)
        }
        List<GroupView.ObserverView> seen = new ArrayList<>();
        List<String> late = new ArrayList<>();
        for (var location : observers.entrySet()) {
            Map<String, Answer> known = answers.getOrDefault(location.getKey(), Map.of());
            for (Observer observer : location.getValue()) {
                Answer a = known.get(observer.name());
                ResolverObservation o = a == null ? null : a.latest();
                seen.add(new GroupView.ObserverView(location.getKey(), observer.name(), o == null ? null : o.target(),
                        o == null || o.answer() == null ? List.of() : o.answer().addresses(),
                        o == null || o.answer() == null ? null : o.answer().ttlSeconds(), o == null ? null : o.error(),
                        o == null ? null : o.observedAt(), a == null ? null : a.since(), observer.provider()));
                boolean waited = current != null && (observer.tied()
                        ? current.providers().containsKey(observer.provider())
                                && current.providers().get(observer.provider()) == null
                        : !current.observedAt().containsKey(location.getKey()));
                if (waited) {
                    late.add((observer.tied() ? observer.provider() + ": server " : location.getKey() + ": resolver ")
                            + observer.name() + (o == null ? " has not answered yet"
                                    : o.answers(current.target()) ? " answers " + current.target()
                                            : o.target() != null ? " still answers " + o.target() + ttl(o)
                                                    : o.error() != null ? " does not answer (" + o.error() + ")"
                                                            : " answers "
                                                                    + (o.answer() == null ? "nothing"
                                                                            : o.answer().addresses())
                                                                    + ", no target's values"));
                }
            }
        }
        return new GroupView.ConvergenceView(state(now, ttl), current, summary(late), seen);
    }

    /**
     * How long after a switch was served (the authoritative record reads back the target) a resolver may still answer the
     * old target, beyond the record's TTL: Route 53 takes up to a minute to reach all its servers, and a resolver asked
     * just before the change keeps the old answer for the TTL.
     */
    static final Duration PROPAGATION = Duration.ofSeconds(60);

    private GroupView.Observed state(Instant now, Duration ttl) {
        if (current == null) {
            return GroupView.Observed.NO_SWITCH;
        }
        if (current.reachedQuorum()) {
            return GroupView.Observed.OBSERVED;
        }
        if (current.of() == 0) {
            // only providers' servers observe it (ADR 0036): no clients' resolver to be late, so never NOT_OBSERVED
            return current.providers().containsValue(null) ? GroupView.Observed.OBSERVING : GroupView.Observed.OBSERVED;
        }
        boolean late = current.servedAt() != null && !current.servedAt().plus(ttl).plus(PROPAGATION).isAfter(now);
        return late ? GroupView.Observed.NOT_OBSERVED : GroupView.Observed.OBSERVING;
    }

    private static String ttl(ResolverObservation o) {
        return o.answer() == null || o.answer().ttlSeconds() == null ? ""
                : " for up to " + o.answer().ttlSeconds() + " s";
    }

    private String summary(List<String> late) {
        if (current == null) {
            return "no switch yet";
        }
        long providers = current.providers().values().stream().filter(java.util.Objects::nonNull).count();
        String head = "switch to " + current.target() + " (decision " + current.decisionId() + ") observed by "
                + current.observedAt().size() + " of " + current.of() + " locations"
                + (current.reachedQuorum() ? " (quorum " + current.need() + " at " + current.quorumAt() + ")" : "")
                + (current.providers().isEmpty() ? ""
                        : ", by the servers of " + providers + " of " + current.providers().size() + " providers");
        return late.isEmpty() ? head : head + "; " + String.join("; ", late);
    }
}
