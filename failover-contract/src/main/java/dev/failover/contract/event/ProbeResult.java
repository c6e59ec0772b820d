package dev.failover.contract.event;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * One probe of one target from one location, published to {@link Topics#PROBE_RESULTS} keyed by {@link #group()}.
 *
 * @param schemaVersion    contract version, {@link EventCodec#SCHEMA_VERSION}
 * @param group            failover-group id, the Kafka key
 * @param target           target id within the group
 * @param targetRegion     region the target runs in
 * @param location         the probing location that produced this result
 * @param startedAt        when the probe started, by the probing location's clock
 * @param durationMillis   how long the probe took
 * @param outcome          UP, DOWN, or UNKNOWN when this location could not probe on time
 * @param failureReason    why it was DOWN; null when UP; for UNKNOWN, what the probe saw if it was made (not evidence)
 * @param httpStatus       HTTP status seen, if any
 * @param timings          phase timings, if the protocol has them
 * @param locationImpaired true when the location's own self-check (reference URLs) failed: the location, not the target,
 *                         may be cut off. Kept as it was for readers older than {@code impairment}; since ADR 0008 a DOWN
 *                         seen while it is true is published as UNKNOWN with {@link LocationImpairment#SELF_CHECK_FAILED}
 * @param tlsDaysToExpiry  days until the served certificate expires, for HTTPS
 * @param detail           human-readable detail of a failure
 * @param impairment       why this location could not probe on time; required when UNKNOWN, null otherwise (ADR 0008)
 * @param dependency       the id of the target's dependency this result is about (ADR 0010); null for the target itself.
 *                         A reader older than this field would count a dependency's result as the target's: upgrade
 *                         the decision-service before the probe-service
 * @param prober           the probe-service instance that made this result ({@code failover.instance-id}: in Kubernetes its
 *                         pod name), so that the decision-service can tell two instances reporting as one location apart
 *                         (ADR 0008). Optional: absent from probe-services older than this field, whose results
 *                         the decision-service counts as one unnamed instance per location, as before. Readers older than
 *                         this field ignore it; the schema version stays 1
 * @param dnsAnswer        a DNS probe's answer: the addresses, their TTL and the resolver asked; null for
 *                         other probes and when no answer came. Optional: readers older than it ignore it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeResult(
        @JsonDeserialize(using = SchemaVersionDeserializer.class) Integer schemaVersion,
        String group,
        String target,
        String targetRegion,
        String location,
        Instant startedAt,
        Long durationMillis,
        ProbeOutcome outcome,
        FailureReason failureReason,
        Integer httpStatus,
        PhaseTimings timings,
        boolean locationImpaired,
        Integer tlsDaysToExpiry,
        String detail,
        LocationImpairment impairment,
        String dependency,
        String prober,
        DnsAnswer dnsAnswer) {

    public ProbeResult {
        Required.schemaVersion(schemaVersion);
        Required.present(group, "group");
        Required.present(target, "target");
        Required.present(targetRegion, "targetRegion");
        Required.present(location, "location");
        Required.present(startedAt, "startedAt");
        Required.notNegative(durationMillis, "durationMillis");
        Required.present(outcome, "outcome");
        if (outcome == ProbeOutcome.DOWN) {
            Required.present(failureReason, "failureReason");
        }
        if (outcome == ProbeOutcome.UNKNOWN) {
            Required.present(impairment, "impairment");
        } else if (impairment != null) {
            throw new IllegalArgumentException("field 'impairment' must be absent when outcome is " + outcome
                    + ": only an UNKNOWN result is the location's own impairment");
        }
        if (dependency != null && dependency.isBlank()) {
            throw new IllegalArgumentException("field 'dependency' must not be blank: absent for the target itself");
        }
        if (prober != null && prober.isBlank()) {
            throw new IllegalArgumentException(
                    "field 'prober' must not be blank: absent when the instance is not named");
        }
    }

    /**
     * A result of {@code outcome} for {@code target} of {@code group} in {@code targetRegion}, probed from {@code location}
     * at {@code startedAt}; the other fields are named on the builder. {@link Builder#durationMillis} is required, so is
     * {@link Builder#failureReason} for DOWN and {@link Builder#impairment} for UNKNOWN: {@link Builder#build} checks them
     * as a decoded result is checked.
     */
    public static Builder of(String group, String target, String targetRegion, String location, Instant startedAt,
            ProbeOutcome outcome) {
        return new Builder(group, target, targetRegion, location, startedAt, outcome);
    }

    /** The same result about one of the target's dependencies. */
    public ProbeResult forDependency(String dependencyId) {
        return new ProbeResult(schemaVersion, group, target, targetRegion, location, startedAt, durationMillis, outcome,
                failureReason, httpStatus, timings, locationImpaired, tlsDaysToExpiry, detail, impairment, dependencyId,
                prober,
                dnsAnswer);
    }

    /** The same result, with a DNS probe's answer. */
    public ProbeResult withDnsAnswer(DnsAnswer answer) {
        return new ProbeResult(schemaVersion, group, target, targetRegion, location, startedAt, durationMillis, outcome,
                failureReason, httpStatus, timings, locationImpaired, tlsDaysToExpiry, detail, impairment, dependency,
                prober,
                answer);
    }

    /** The same result, naming the probe-service instance that made it. */
    public ProbeResult withProber(String proberId) {
        return new ProbeResult(schemaVersion, group, target, targetRegion, location, startedAt, durationMillis, outcome,
                failureReason, httpStatus, timings, locationImpaired, tlsDaysToExpiry, detail, impairment, dependency,
                proberId,
                dnsAnswer);
    }

    /**
     * The optional fields of a result by name, each absent until set: an 18-field positional call cannot be read, and a
     * new optional field is then one setter instead of one more constructor. {@link #build} goes through the canonical
     * constructor, so a built result is checked and encoded exactly as one the decoder made.
     */
    public static final class Builder {

        private final String group;
        private final String target;
        private final String targetRegion;
        private final String location;
        private final Instant startedAt;
        private final ProbeOutcome outcome;
        private Integer schemaVersion = EventCodec.SCHEMA_VERSION;
        private Long durationMillis;
        private FailureReason failureReason;
        private Integer httpStatus;
        private PhaseTimings timings;
        private boolean locationImpaired;
        private Integer tlsDaysToExpiry;
        private String detail;
        private LocationImpairment impairment;
        private String dependency;
        private String prober;
        private DnsAnswer dnsAnswer;

        private Builder(String group, String target, String targetRegion, String location, Instant startedAt,
                ProbeOutcome outcome) {
            this.group = group;
            this.target = target;
            this.targetRegion = targetRegion;
            this.location = location;
            this.startedAt = startedAt;
            this.outcome = outcome;
        }

        /** The contract version; {@link EventCodec#SCHEMA_VERSION} unless a read result is copied as it came. */
        public Builder schemaVersion(Integer value) {
            schemaVersion = value;
            return this;
        }

        /** Required. */
        public Builder durationMillis(Long value) {
            durationMillis = value;
            return this;
        }

        /** Required when DOWN. */
        public Builder failureReason(FailureReason value) {
            failureReason = value;
            return this;
        }

        public Builder httpStatus(Integer value) {
            httpStatus = value;
            return this;
        }

        public Builder timings(PhaseTimings value) {
            timings = value;
            return this;
        }

        /** False unless set. */
        public Builder locationImpaired(boolean value) {
            locationImpaired = value;
            return this;
        }

        public Builder tlsDaysToExpiry(Integer value) {
            tlsDaysToExpiry = value;
            return this;
        }

        public Builder detail(String value) {
            detail = value;
            return this;
        }

        /** Required when UNKNOWN, absent otherwise. */
        public Builder impairment(LocationImpairment value) {
            impairment = value;
            return this;
        }

        public Builder dependency(String value) {
            dependency = value;
            return this;
        }

        public Builder prober(String value) {
            prober = value;
            return this;
        }

        public Builder dnsAnswer(DnsAnswer value) {
            dnsAnswer = value;
            return this;
        }

        /** The result, checked by the canonical constructor. */
        public ProbeResult build() {
            return new ProbeResult(schemaVersion, group, target, targetRegion, location, startedAt, durationMillis,
                    outcome,
                    failureReason, httpStatus, timings, locationImpaired, tlsDaysToExpiry, detail, impairment,
                    dependency,
                    prober, dnsAnswer);
        }
    }
}
