package dev.failover.contract.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which observer is asked for which group's record (ADR 0036, "Observed convergence per provider"): a clients' resolver
 * for every observed group, a provider's server only for the groups written to that provider; and the servers count
 * towards no location's observation (ADR 0026's quorum is of clients' resolvers).
 */
class ObserverPairingTest {

    /** Two targets an A record's answer tells apart. */
    static final String TARGETS = "    targets: [{id: primary, region: us-east-1, probe: {type: tcp, host: 10.0.0.1, port: 443}, "
            + "dns: {values: [192.0.2.10]}},\n      {id: secondary, region: us-west-2, probe: {type: tcp, host: 10.0.1.1, "
            + "port: 443}, dns: {values: [192.0.2.20]}}]\n";

    static final String YAML = """
            version: 1
            locations: [loc-a, loc-b, loc-c]
            dnsProviders:
              - {id: bind, kind: rfc2136}
              - {id: knot, kind: rfc2136}
            observers:
              loc-a: [{name: vpc, address: 10.0.0.2}, {name: knot-ns1, address: 192.0.2.53, provider: knot}]
              loc-b: [{name: bind-ns1, address: 192.0.2.54, provider: bind}]
              loc-c: [{name: vpc, address: 10.2.0.2}, {name: knot-ns2, address: 192.0.2.55, provider: knot}]
            groups:
              - id: both
                dns: {zone: example.test., name: both.example.test., ttl: 30, providers: [{provider: bind}, {provider: knot}]}
            %T
              - id: knot-first
                dns: {zone: example.test., name: knot.example.test., ttl: 30, providers: [{provider: knot}, {provider: bind}]}
            %T
              - id: bind-only
                dns: {zone: example.test., name: bind.example.test., ttl: 30, providers: [{provider: bind}]}
            %T
              - id: default
                dns: {zone: example.test., name: default.example.test., ttl: 30}
            %T
              - id: cname
                dns: {zone: example.test., name: www.example.test., type: CNAME, ttl: 30, providers: [{provider: knot}]}
            %C
            """.replace("%C\n", TARGETS.replace("[192.0.2.10]", "[lb-east.example.test.]")
            .replace("[192.0.2.20]", "[lb-west.example.test.]")).replace("%T\n", TARGETS);

    static final Topology TOPOLOGY = TopologyLoader.parse(YAML, "test");

    static Stream<Arguments> pairs() {
        return Stream.of(
                // group, location, the observers it asks there
                Arguments.of("both", "loc-a", List.of("vpc", "knot-ns1")),
                Arguments.of("both", "loc-b", List.of("bind-ns1")),
                Arguments.of("both", "loc-c", List.of("vpc", "knot-ns2")),
                Arguments.of("bind-only", "loc-a", List.of("vpc")), // knot's server: bind-only is not in knot
                Arguments.of("bind-only", "loc-b", List.of("bind-ns1")),
                Arguments.of("bind-only", "loc-c", List.of("vpc")),
                Arguments.of("default", "loc-a", List.of("vpc")), // the actuator's one provider: no server is tied to it
                Arguments.of("default", "loc-b", List.of()),
                Arguments.of("cname", "loc-a", List.of())); // observed by nobody, knot's server included
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void aProvidersServerIsAskedOnlyForTheGroupsWrittenToThatProvider(String group, String location,
            List<String> asked) {
        FailoverGroup g = TOPOLOGY.group(group).orElseThrow();
        assertThat(TOPOLOGY.observersOf(location, g)).extracting(Observer::name).containsExactlyElementsOf(asked);
    }

    @Test
    void byLocationALocationAskingNothingForTheGroupIsLeftOut() {
        Map<String, List<Observer>> asked = TOPOLOGY.observersOf(TOPOLOGY.group("default").orElseThrow());
        assertThat(asked.keySet()).containsExactly("loc-a", "loc-c");
    }

    @Test
    void aProvidersServersCountTowardsNoLocationsObservation() {
        // loc-b names only bind's server: it is no location clients' answers are observed at
        assertThat(TOPOLOGY.observingLocations()).containsExactly("loc-a", "loc-c");
        assertThat(TOPOLOGY.observingLocations(TOPOLOGY.group("both").orElseThrow())).containsExactly("loc-a", "loc-c");
        assertThat(TOPOLOGY.observingLocations(TOPOLOGY.group("cname").orElseThrow())).isEmpty();
    }

    @Test
    void theProvidersObservingAGroupAreItsLanesWithAServerNamedInTheirOrder() {
        assertThat(TOPOLOGY.observingProviders(TOPOLOGY.group("both").orElseThrow())).containsExactly("bind", "knot");
        assertThat(TOPOLOGY.observingProviders(TOPOLOGY.group("knot-first").orElseThrow())).containsExactly("knot",
                "bind");
        assertThat(TOPOLOGY.observingProviders(TOPOLOGY.group("bind-only").orElseThrow())).containsExactly("bind");
        assertThat(TOPOLOGY.observingProviders(TOPOLOGY.group("default").orElseThrow())).isEmpty();
        assertThat(TOPOLOGY.observingProviders(TOPOLOGY.group("cname").orElseThrow())).isEmpty();
    }
}
