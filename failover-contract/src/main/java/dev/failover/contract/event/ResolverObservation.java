package dev.failover.contract.event;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * What one of a location's resolvers answers for a group's failover record (ADR 0026): the observer a probe
 * location asks on behalf of its clients ({@code observers} in the topology), and which of the group's targets that
 * answer sends clients to. A probe-service publishes one to {@link Topics#PROBE_RESULTS}, keyed by group, with the header
 * {@link Topics#RECORD_HEADER} {@value #RECORD}, when the answer's target changes and at least every {@link
 * #REFRESH_SECONDS} s; the group's owner in the decision-service marks, per switch, when each location's resolvers all
 * answer the new target. It is no health evidence: no probe verdict is taken from it.
 *
 * @param schemaVersion contract version
 * @param group         failover-group id, the Kafka key
 * @param location      the probe location that asked, one of the topology's locations
 * @param observer      the resolver's name in the topology's {@code observers} of that location
 * @param answer        what the resolver answered; absent when it did not answer ({@code error} says why)
 * @param target        the target whose values the answer holds (every answered address is one of that target's); absent
 *                      when the answer holds no target's values, an error or no answer
 * @param error         why the resolver gave no usable answer (timeout, SERVFAIL); absent when it answered
 * @param observedAt    when the answer came, by the probe location's clock
 * @param instance      the probe-service instance that asked
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResolverObservation(
        @JsonDeserialize(using = SchemaVersionDeserializer.class) Integer schemaVersion,
        String group,
        String location,
        String observer,
        DnsAnswer answer,
        String target,
        String error,
        Instant observedAt,
        String instance) {

    /** The value of {@link Topics#RECORD_HEADER} on an observation. */
    public static final String RECORD = "resolver-observation";

    /**
     * An unchanged answer is published again after this long, so that an owner that took the group over (or restarted)
     * learns within it what each resolver answers.
     */
    public static final int REFRESH_SECONDS = 30;

    public ResolverObservation {
        Required.schemaVersion(schemaVersion);
        Required.present(group, "group");
        Required.present(location, "location");
        Required.present(observer, "observer");
        Required.present(observedAt, "observedAt");
    }

    /** Whether the answer sends clients to {@code target}. */
    public boolean answers(String target) {
        return target != null && target.equals(this.target);
    }
}
