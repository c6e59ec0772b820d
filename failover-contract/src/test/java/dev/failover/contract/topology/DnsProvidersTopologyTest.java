package dev.failover.contract.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A group's record written to several DNS providers (ADR 0036, "The topology names providers"): what the topology
 * takes, and a row for each combination it refuses, with the reason in the error.
 */
class DnsProvidersTopologyTest {

    static final String PROVIDERS = "dnsProviders:\n  - {id: r53, kind: route53}\n  - {id: bind, kind: rfc2136}\n"
            + "  - {id: knot, kind: rfc2136}\n  - {id: pdns, kind: rfc2136}\n  - {id: arc, kind: route53-arc}\n";
    static final String RECORD = "dns: {zone: example.test., name: api.example.test., ttl: 30}";

    /** TopologyLoaderTest.VALID with the providers declared and the group's record given {@code keys}. */
    static String withLanes(String keys) {
        return PROVIDERS + TopologyLoaderTest.VALID.replace(RECORD,
                "dns: {zone: example.test., name: api.example.test., ttl: 30, " + keys + "}");
    }

    static final String TWO = "providers: [{provider: r53, hostedZoneId: Z0123ABC}, {provider: bind}]";

    @Test
    void aRecordNamesItsProvidersAndWhenItIsServed() {
        Topology topology = TopologyLoader.parse(withLanes(TWO + ", served: any").replace(
                "locations: [loc-a, loc-b, loc-c]\n",
                "locations: [loc-a, loc-b, loc-c]\nobservers:\n  loc-a: [{name: ns1, address: 192.0.2.53, provider: bind}]\n"),
                "test");
        DnsRecord dns = topology.group("api").orElseThrow().dns();
        assertThat(dns.providers()).containsExactly(new DnsLane("r53", null, "Z0123ABC"),
                new DnsLane("bind", null, null));
        assertThat(dns.served()).isEqualTo(ServePolicy.ANY);
        assertThat(dns.disagreementSeconds()).as("default").isEqualTo(DnsRecord.DEFAULT_DISAGREEMENT_SECONDS);
        assertThat(topology.dnsProvider("arc")).contains(new DnsProviderDecl("arc", DnsProviderKind.ROUTE53_ARC));
        assertThat(topology.observersOf("loc-a").get(0).provider()).isEqualTo("bind");
    }

    @Test
    void withoutProvidersARecordIsTheActuatorsOneProvidersAsBefore() {
        DnsRecord dns = TopologyLoader.parse(TopologyLoaderTest.VALID, "test").group("api").orElseThrow().dns();
        assertThat(dns.providers()).isEmpty();
        assertThat(dns.served()).isEqualTo(ServePolicy.ALL);
    }

    static Stream<Arguments> refused() {
        String arcKey = "whenAllDown: last-resort\n    arc: " + TopologyLoaderTest.ARC + "\n";
        return Stream.of(
                Arguments.of(PROVIDERS + "  - {id: bind, kind: route53}\n" + TopologyLoaderTest.VALID,
                        "dnsProviders[5].id: duplicate provider id 'bind'"),
                Arguments.of(PROVIDERS + "  - {id: other}\n" + TopologyLoaderTest.VALID,
                        "dnsProviders[5].kind: is required (route53, rfc2136 or route53-arc)"),
                Arguments.of(PROVIDERS + "  - {id: other, kind: powerdns}\n" + TopologyLoaderTest.VALID,
                        "dnsProviders[5].kind: 'powerdns' is not one of: route53, rfc2136, route53-arc"),
                Arguments.of(withLanes("providers: [{provider: nsone}]"),
                        "groups[0].dns.providers[0].provider: 'nsone' is not one of the topology's dnsProviders"),
                Arguments.of(withLanes("providers: [{provider: bind}, {provider: bind}]"),
                        "groups[0].dns.providers[1].provider: names provider 'bind' twice"),
                Arguments.of(withLanes("providers: [{provider: bind}, {provider: knot}, {provider: pdns},"
                        + " {provider: r53, hostedZoneId: Z0123ABC}]"),
                        "groups[0].dns.providers: at most 3 providers, got 4"),
                Arguments.of(withLanes("providers: [{provider: bind}], served: any"),
                        "groups[0].dns.served: 'any' needs two providers or more"),
                Arguments.of(withLanes("served: any"), "groups[0].dns.served: 'any' needs two providers or more"),
                Arguments.of(withLanes("providers: [{provider: bind}], disagreementSeconds: 5"),
                        "groups[0].dns.disagreementSeconds: must be between 10 and 3600 seconds, was 5"),
                Arguments.of(PROVIDERS.replace("{id: pdns, kind: rfc2136}", "{id: r53b, kind: route53}")
                        + TopologyLoaderTest.VALID.replace(RECORD, "dns: {zone: example.test., name: api.example.test.,"
                                + " providers: [{provider: r53, hostedZoneId: Z0123ABC}, {provider: r53b, hostedZoneId: Z0456DEF}]}"),
                        "groups[0].dns.providers: at most one route53 provider"),
                Arguments.of(withLanes("providers: [{provider: r53}, {provider: bind}]"),
                        "groups[0].dns.providers[0].hostedZoneId: is required for a route53 provider"),
                Arguments.of(withLanes("providers: [{provider: r53, hostedZoneId: z1}, {provider: bind}]"),
                        "groups[0].dns.providers[0].hostedZoneId: 'z1' is not a Route 53 hosted zone id"),
                Arguments.of(withLanes("providers: [{provider: knot, hostedZoneId: Z0123ABC}, {provider: bind}]"),
                        "groups[0].dns.providers[0].hostedZoneId: only a route53 provider has a hosted zone id"),
                Arguments.of(withLanes("hostedZoneId: Z0123ABC, " + TWO),
                        "groups[0].dns.hostedZoneId: is given on the route53 provider's lane"),
                Arguments.of(withLanes("providers: [{provider: bind, zone: other.test.}, {provider: knot}]"),
                        "groups[0].dns.providers[0].zone: 'api.example.test.' is not inside zone 'other.test.'"),
                Arguments.of(withLanes("providers: [{provider: arc}, {provider: bind}]"),
                        "groups[0].dns.providers: a route53-arc provider needs the group's arc key"),
                Arguments.of(withLanes(TWO).replace("whenAllDown: last-resort\n", arcKey),
                        "groups[0].dns.providers: the group has an arc key: list its route53-arc provider here too"),
                Arguments.of(withLanes("providers: [{provider: arc}, {provider: r53, hostedZoneId: Z0123ABC}]")
                        .replace("whenAllDown: last-resort\n", arcKey),
                        "groups[0].dns.providers: route53-arc and route53 together"),
                Arguments.of(withLanes(TWO).replace("dns: {values: [192.0.2.20]}",
                        "dns: {alias: {hostedZoneId: Z2FDTNDATAQYW2, dnsName: west.example.test.}}"),
                        "groups[0].targets[1].dns.alias: an rfc2136 provider of dns.providers has no alias records"),
                Arguments.of(
                        withLanes(TWO).replace("locations: [loc-a, loc-b, loc-c]\n",
                                "locations: [loc-a, loc-b, loc-c]\n"
                                        + "observers:\n  loc-a: [{name: ns1, address: 192.0.2.53, provider: nsone}]\n"),
                        "observers.loc-a[0].provider: 'nsone' is not one of the topology's dnsProviders"),
                Arguments.of(withLanes("providers: [{provider: bind, weight: 5}]"),
                        "groups[0].dns.providers[0].weight: unknown key"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void eachRefusedCombinationIsNamedWithItsReason(String yaml, String expected) {
        assertThatThrownBy(() -> TopologyLoader.parse(yaml, "test.yaml")).isInstanceOf(InvalidTopologyException.class)
                .hasMessageContaining(expected);
    }
}
