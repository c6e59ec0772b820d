package dev.failover.decision.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.ws.rs.WebApplicationException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.TopologyLoader;

/**
 * A drill on a group whose data tier it moves one way (ADR 0020) asks for the operator's explicit consent, and the
 * answer without it says what would happen to the database.
 */
class DrillConsentTest {

    static FailoverGroup group(String kind) {
        String database = switch (kind) {
            case "none" -> "";
            case "postgres" ->
                "database: {kind: postgres, url: \"jdbc:postgresql://db-%s:5432/app\", credentials: app}";
            case "rds" -> "database: {kind: rds, instance: db-%s}";
            case "aurora-global" ->
                "database: {kind: aurora-global, globalCluster: app, clusterArn: \"arn:aws:rds:us-east-1:"
                        + "123456789012:cluster:db-%s\"}";
            default -> throw new IllegalArgumentException(kind);
        };
        return TopologyLoader.parse("""
                version: 1
                locations: [loc-a, loc-b, loc-c]
                groups:
                  - id: api
                    dns: {zone: example.test., name: api.example.test.}
                    targets:
                      - {id: primary, region: us-east-1, probe: {type: tcp, host: 192.0.2.1, port: 443}, dns: {values: [192.0.2.1]}, %s}
                      - {id: secondary, region: us-west-2, probe: {type: tcp, host: 192.0.2.2, port: 443}, dns: {values: [192.0.2.2]}, %s}
                """.formatted(database.formatted("east"), database.formatted("west")).replace(", }", "}"), "test")
                .group("api").orElseThrow();
    }

    @ParameterizedTest(name = "{0} nodes, promoteDatabase {1}: accepted {2}")
    @CsvSource({ "none, , true", "postgres, , false", "postgres, false, false", "postgres, true, true", "rds, , false",
            "rds, true, true", "aurora-global, , true" })
    void aDrillThatMovesTheDatabaseOneWayNeedsConsent(String kind, Boolean promoteDatabase, boolean accepted) {
        FailoverGroup group = group(kind);
        if (accepted) {
            assertThatCode(() -> RequestChecks.databaseConsent(group, promoteDatabase)).doesNotThrowAnyException();
            return;
        }
        WebApplicationException refused = catchThrowableOfType(WebApplicationException.class,
                () -> RequestChecks.databaseConsent(group, promoteDatabase));
        assertThat(refused.getResponse().getStatus()).isEqualTo(422);
        ApiError error = (ApiError) refused.getResponse().getEntity();
        assertThat(error.field()).isEqualTo("promoteDatabase");
        assertThat(error.message()).contains("fenced as an old primary", "BLOCKED", "db-east", "db-west",
                "--promote-database");
    }
}
