package dev.failover.testkit.records;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.ActuatorRetry;
import dev.failover.contract.event.CommandType;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.DnsAnswer;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationEvidence;
import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.OperatorCommand;
import dev.failover.contract.event.PhaseTimings;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.ResolverObservation;
import dev.failover.contract.event.TargetEvidence;
import dev.failover.contract.event.TargetHealth;

/**
 * The four records of the contract's topics (probe results, decisions, actuation results, operator commands) as this
 * release writes them, one file per kind of each, and every earlier release's read by this build (ReleaseRecords). One
 * record per decision kind, step and command type: a value an earlier release wrote and this build no longer knows
 * fails here rather than in a dead-letter topic after an upgrade.
 */
class ContractRecordsTest {

    private static final EventCodec CODEC = EventCodec.instance();
    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    private final ReleaseRecords records = ReleaseRecords.ofThisModule();

    @Test
    void thisReleaseWritesTheRecordsKeptForIt() {
        Map<String, String> encoded = new LinkedHashMap<>();
        written().forEach((name, record) -> encoded.put(name, CODEC.encode(record)));
        records.assertThisReleaseWrites(encoded);
    }

    @Test
    void everyEarlierReleasesRecordsAreReadWithoutLosingAValue() {
        records.assertEarlierReleasesRead(name -> typeOf(name) == null ? null : readThenWrite(typeOf(name)));
    }

    private static UnaryOperator<String> readThenWrite(Class<?> type) {
        return json -> CODEC.encode(CODEC.decode(json, type));
    }

    /** The record's type by its file name; null for a name this build does not write (a reader is then missing). */
    private static Class<?> typeOf(String name) {
        if (name.startsWith("probe-result-")) {
            return ProbeResult.class;
        }
        if (name.startsWith("decision-")) {
            return Decision.class;
        }
        if (name.startsWith("actuation-")) {
            return ActuationResult.class;
        }
        if (name.equals("actuator-retry")) {
            return ActuatorRetry.class;
        }
        if (name.startsWith("resolver-observation")) {
            return ResolverObservation.class;
        }
        return name.startsWith("command-") ? OperatorCommand.class : null;
    }

    /** One record of each shape, every optional field set where the shape has it. */
    static Map<String, Object> written() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("probe-result-up", ProbeResult.of("api", "primary", "us-east-1", "eu-west-1", AT, ProbeOutcome.UP)
                .durationMillis(42L).httpStatus(200).timings(new PhaseTimings(1L, 5L, 12L, 40L, 42L))
                .tlsDaysToExpiry(61)
                .prober("eu-west-1-probe-0").build());
        out.put("probe-result-down", ProbeResult.of("api", "primary", "us-east-1", "eu-west-1", AT, ProbeOutcome.DOWN)
                .durationMillis(2001L).failureReason(FailureReason.UNEXPECTED_STATUS).httpStatus(503)
                .timings(new PhaseTimings(1L, 5L, 12L, 40L, 2001L)).tlsDaysToExpiry(61).detail("status 503")
                .dependency("orders-db").prober("eu-west-1-probe-0").build());
        out.put("probe-result-unknown",
                ProbeResult.of("api", "primary", "us-east-1", "eu-west-1", AT, ProbeOutcome.UNKNOWN)
                        .durationMillis(2004L).failureReason(FailureReason.TIMEOUT).locationImpaired(true)
                        .detail("no response head within 2000 ms").impairment(LocationImpairment.SELF_CHECK_FAILED)
                        .prober("eu-west-1-probe-0").build());
        out.put("probe-result-dns", ProbeResult.of("api", "primary", "us-east-1", "eu-west-1", AT, ProbeOutcome.DOWN)
                .durationMillis(3L).failureReason(FailureReason.UNEXPECTED_ANSWER)
                .timings(new PhaseTimings(3L, null, null, null, 3L))
                .detail("api.example.com A at 10.0.0.2:53: answered [192.0.2.20] (TTL 60 s), none of the expected [192.0.2.10]")
                .dependency("resolver").prober("eu-west-1-probe-0")
                .dnsAnswer(new DnsAnswer("NOERROR", List.of("192.0.2.20"), 60L, "10.0.0.2:53")).build());
        for (DecisionKind kind : DecisionKind.values()) {
            out.put("decision-" + kind.name().toLowerCase().replace('_', '-'),
                    new Decision(1, "d-" + kind, "api", 7L, kind,
                            "primary", "secondary", "primary down from 2 of 3 locations",
                            List.of(new TargetEvidence("primary", TargetHealth.UNHEALTHY,
                                    List.of(new LocationEvidence("eu-west-1", LocationVerdict.DOWN, 3, 0, AT)))),
                            AT.plusSeconds(1), DecisionMode.LIVE,
                            kind == DecisionKind.OVERRIDE || kind == DecisionKind.FORCE
                                    ? "alice" : Decision.AUTOMATION));
        }
        for (ActuationStep step : ActuationStep.values()) {
            out.put("actuation-" + step.name().toLowerCase().replace('_', '-'),
                    new ActuationResult(1, "api", "d-1", 7L, step,
                            ActuationStatus.SUCCEEDED, "route53", "UPSERT api.example.com. A 60 203.0.113.12",
                            AT.plusSeconds(1),
                            AT.plusSeconds(2), 1000L, DecisionKind.FAILOVER));
        }
        for (ActuationStatus status : ActuationStatus.values()) {
            out.put("actuation-status-" + status.name().toLowerCase(), new ActuationResult(1, "api", "d-1", 7L,
                    ActuationStep.DNS_SWITCH, status, "route53", "as sent", AT.plusSeconds(1), AT.plusSeconds(2), 1000L,
                    DecisionKind.FAILOVER));
        }
        for (CommandType type : CommandType.values()) {
            boolean targeted = type == CommandType.PIN || type == CommandType.FORCE || type == CommandType.SWITCHOVER;
            out.put("command-" + type.name().toLowerCase().replace('_', '-'),
                    new OperatorCommand(1, "c-" + type, "api", type,
                            targeted ? "secondary" : null, type == CommandType.PAUSE ? AT.plusSeconds(3600) : null,
                            type == CommandType.START_DRILL ? 600L : null, "change 4711", "alice", AT));
        }
        out.put("actuator-retry", new ActuatorRetry(1, "r-1", "api", "IAM policy fixed, change 4712", "alice", AT));
        out.put("resolver-observation", new ResolverObservation(1, "api", "eu-west-1", "vpc",
                new DnsAnswer("NOERROR", List.of("203.0.113.12"), 58L, "10.0.0.2:53"), "secondary", null, AT,
                "eu-west-1-probe-0"));
        out.put("resolver-observation-no-answer", new ResolverObservation(1, "api", "eu-west-1", "vpc", null, null,
                "TIMEOUT: resolver 10.0.0.2:53: no answer within 1000 ms", AT, "eu-west-1-probe-0"));
        return out;
    }
}
