package dev.failover.decision.domain.model;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.failover.contract.event.DecisionKind;

/**
 * How far a switch has reached the clients (ADR 0026): from the failure its decision answered, through the
 * decision and the actuator's convergence, to each observing location's resolvers all answering the new target. Kept
 * with the group's state (a new owner goes on marking it); each change is a new value.
 *
 * @param decisionId the switch's decision (a re-issue's id once it was re-issued)
 * @param kind       why it switched
 * @param target     the target it moves the group to
 * @param failedAt   when the failure began, as the first failing probe of the failed target still failing saw it; absent
 *                   for a planned or operator's switch, or when no location's failure was seen
 * @param decidedAt  when it was decided
 * @param servedAt   when the actuator reported it CONVERGED (the record reads back the target); absent before
 * @param observedAt by location, when all its observers first answered the target (never before {@code decidedAt})
 * @param quorumAt   when the quorum of observing locations was reached: the failover's end as clients see it
 * @param need       observing locations that make the quorum (a majority of {@code of})
 * @param of         observing locations when it was decided
 * @param providers  by DNS provider whose servers observe the group (ADR 0036, "Observed convergence per provider"), when
 *                   every server tied to it answered the target (never before {@code decidedAt}), or null: not yet.
 *                   Those servers are no clients' resolvers and count towards no location or quorum. Empty, and absent
 *                   from the JSON, when no observer is tied to one of the group's providers
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObservedSwitch(String decisionId, DecisionKind kind, String target, Instant failedAt, Instant decidedAt,
        Instant servedAt,
        Map<String, Instant> observedAt, Instant quorumAt, int need, int of,
        @JsonInclude(value = JsonInclude.Include.NON_EMPTY,
                content = JsonInclude.Include.ALWAYS) Map<String, Instant> providers) {

    public ObservedSwitch {
        observedAt = observedAt == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(observedAt));
        // absent in records written before providers' servers observed: none; a null value is a provider not yet marked
        providers = providers == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(providers));
    }

    /**
     * A switch just decided, observed nowhere yet; {@code of} observing locations, of which a majority make the quorum,
     * and the servers of {@code providers} (none marked yet).
     */
    public static ObservedSwitch decided(String decisionId, DecisionKind kind, String target, Instant failedAt,
            Instant decidedAt, int of, List<String> providers) {
        Map<String, Instant> none = new LinkedHashMap<>();
        providers.forEach(p -> none.put(p, null));
        return new ObservedSwitch(decisionId, kind, target, failedAt, decidedAt, null, Map.of(), null, of / 2 + 1, of,
                none);
    }

    public ObservedSwitch served(Instant at) {
        return servedAt != null ? this
                : new ObservedSwitch(decisionId, kind, target, failedAt, decidedAt, at, observedAt,
                        quorumAt, need, of, providers);
    }

    public ObservedSwitch reissuedAs(String id) {
        return new ObservedSwitch(id, kind, target, failedAt, decidedAt, servedAt, observedAt, quorumAt, need, of,
                providers);
    }

    /**
     * Every server tied to {@code provider} answers the target since {@code at}: marked once, never before the decision;
     * a provider the switch is not observed through is left as it is.
     */
    public ObservedSwitch observedThrough(String provider, Instant at) {
        if (!providers.containsKey(provider) || providers.get(provider) != null) {
            return this;
        }
        Map<String, Instant> next = new LinkedHashMap<>(providers);
        next.put(provider, at.isBefore(decidedAt) ? decidedAt : at);
        return new ObservedSwitch(decisionId, kind, target, failedAt, decidedAt, servedAt, observedAt, quorumAt, need,
                of,
                next);
    }

    /** Whether anything observes it: a location's resolvers or a provider's servers. */
    public boolean observed() {
        return of > 0 || !providers.isEmpty();
    }

    /**
     * {@code location}'s resolvers all answer the target since {@code at}: marked once; the quorum is reached when the
     * {@code need}-th location is.
     */
    public ObservedSwitch observedBy(String location, Instant at) {
        if (observedAt.containsKey(location)) {
            return this;
        }
        Instant when = at.isBefore(decidedAt) ? decidedAt : at;
        Map<String, Instant> next = new LinkedHashMap<>(observedAt);
        next.put(location, when);
        Instant quorum = quorumAt;
        if (quorum == null && next.size() >= need) {
            quorum = next.values().stream().sorted().skip(need - 1L).findFirst().orElse(when);
        }
        return new ObservedSwitch(decisionId, kind, target, failedAt, decidedAt, servedAt, next, quorum, need, of,
                providers);
    }

    public boolean reachedQuorum() {
        return quorumAt != null;
    }

    /** Failure to observed by the quorum: the failover SLI; absent without a failure's start or before the quorum. */
    public Optional<Duration> failureToObserved() {
        return failedAt == null || quorumAt == null ? Optional.empty()
                : Optional.of(Duration.between(failedAt, quorumAt));
    }

    public Optional<Duration> decidedToObserved() {
        return quorumAt == null ? Optional.empty() : Optional.of(Duration.between(decidedAt, quorumAt));
    }

    public Optional<Duration> failureToDecided() {
        return failedAt == null ? Optional.empty() : Optional.of(Duration.between(failedAt, decidedAt));
    }
}
