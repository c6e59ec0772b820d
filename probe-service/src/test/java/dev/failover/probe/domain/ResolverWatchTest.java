package dev.failover.probe.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.DnsAnswer;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.PhaseTimings;
import dev.failover.contract.event.ResolverObservation;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.DnsProbe;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;

/**
 * The observer's core (ADR 0026): which resolvers a location asks for which records, which target an answer names, and
 * when an observation is handed on. The resolvers here answer through a table; {@code DnsProberTest} asks real BIND9 and
 * Knot with the same prober the watch is given.
 */
class ResolverWatchTest {

    static final String YAML = """
            version: 1
            locations: [loc-a, loc-b]
            observers:
              loc-a: [{name: vpc, address: 10.0.0.2}, {name: cache, address: 10.0.0.3, port: 5353}]
              loc-b: [{name: vpc, address: 10.1.0.2}]
            groups:
              - id: api
                dns: {zone: example.test., name: api.example.test., ttl: 30}
                targets:
                  - id: primary
                    region: us-east-1
                    probe: {type: tcp, host: 10.0.0.1, port: 443}
                    dns: {values: [192.0.2.10]}
                  - id: secondary
                    region: us-west-2
                    probe: {type: tcp, host: 10.0.1.1, port: 443}
                    dns: {values: [198.51.100.20, 198.51.100.21]}
              - id: www
                dns: {zone: example.test., name: www.example.test., type: CNAME, ttl: 30}
                targets:
                  - id: primary
                    region: us-east-1
                    probe: {type: tcp, host: 10.0.0.1, port: 80}
                    dns: {values: [lb-east.example.test.]}
                  - id: secondary
                    region: us-west-2
                    probe: {type: tcp, host: 10.0.1.1, port: 80}
                    dns: {values: [lb-west.example.test.]}
              - id: v6
                dns: {zone: example.test., name: v6.example.test., type: AAAA, ttl: 30}
                targets:
                  - id: primary
                    region: us-east-1
                    probe: {type: tcp, host: 10.0.0.1, port: 443}
                    dns: {values: ["2001:db8:0:0::10"]}
                  - id: secondary
                    region: us-west-2
                    probe: {type: tcp, host: 10.0.1.1, port: 443}
                    dns: {values: ["2001:db8::20"]}
            """;

    static final Topology TOPOLOGY = TopologyLoader.parse(YAML, "test");
    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of("api", List.of("192.0.2.10"), "primary"),
                Arguments.of("api", List.of("198.51.100.21"), "secondary"), // one of a target's values
                Arguments.of("api", List.of("198.51.100.21", "198.51.100.20"), "secondary"),
                Arguments.of("api", List.of("192.0.2.10", "198.51.100.20"), null), // two targets: neither for sure
                Arguments.of("api", List.of("203.0.113.9"), null), // nobody's (changed outside the plane)
                Arguments.of("api", List.of(), null),
                Arguments.of("v6", List.of("2001:db8::10"), "primary"), // IPv6 in another spelling
                Arguments.of("v6", List.of("2001:0db8:0000:0000:0000:0000:0000:0020"), "secondary"));
    }

    @ParameterizedTest
    @MethodSource("answers")
    void anAnswerNamesTheTargetAllItsAddressesBelongTo(String group, List<String> addresses, String expected) {
        assertThat(ResolverWatch.targetOf(TOPOLOGY.group(group).orElseThrow(), addresses))
                .isEqualTo(java.util.Optional.ofNullable(expected));
    }

    @Test
    void aCnameRecordIsNotObserved() {
        assertThat(TOPOLOGY.groups().stream().filter(ResolverWatch::observable).map(FailoverGroup::id))
                .containsExactly("api", "v6");
    }

    /** Resolvers answering from a table: by resolver address, the addresses of every name. */
    static final class Resolvers {
        final Map<String, List<String>> answers = new ConcurrentHashMap<>();
        final List<String> asked = new ArrayList<>();

        CompletionStage<Observation> ask(DnsProbe question) {
            synchronized (asked) {
                asked.add(question.name() + " " + question.recordType() + " @" + question.resolver() + ":"
                        + question.port());
            }
            List<String> addresses = answers.get(question.resolver());
            if (addresses == null) {
                return CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("no answer"));
            }
            DnsAnswer answer = new DnsAnswer("NOERROR", addresses, 30L, question.resolver() + ":" + question.port());
            return CompletableFuture.completedFuture(new Observation.Up(null, PhaseTimings.total(1), null, answer));
        }
    }

    /** One round of loc-a's watch over {@code topology}, the resolvers at {@code answering} answering the primary. */
    static List<ResolverObservation> roundAtLocA(Topology topology, Resolvers resolvers, String... answering) {
        for (String address : answering) {
            resolvers.answers.put(address, List.of("192.0.2.10"));
        }
        ResolverWatch watch = new ResolverWatch("loc-a", "probe-a", new ManualClock(T0), resolvers::ask,
                Duration.ofSeconds(1));
        List<ResolverObservation> sent = new ArrayList<>();
        watch.round(topology, sent::add).toCompletableFuture().join();
        return sent;
    }

    @Test
    void aLocationAsksOnlyItsOwnResolversForEveryObservableRecord() {
        Resolvers resolvers = new Resolvers();
        List<ResolverObservation> sent = roundAtLocA(TOPOLOGY, resolvers, "10.0.0.2", "10.0.0.3");
        assertThat(resolvers.asked).containsExactlyInAnyOrder("api.example.test. A @10.0.0.2:53",
                "v6.example.test. AAAA @10.0.0.2:53", "api.example.test. A @10.0.0.3:5353",
                "v6.example.test. AAAA @10.0.0.3:5353");
        assertThat(sent).filteredOn(o -> o.group().equals("api")).extracting(ResolverObservation::observer,
                ResolverObservation::target)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("vpc", "primary"),
                        org.assertj.core.groups.Tuple.tuple("cache", "primary"));
        assertThat(sent).allSatisfy(o -> {
            assertThat(o.location()).isEqualTo("loc-a");
            assertThat(o.instance()).isEqualTo("probe-a");
            assertThat(o.observedAt()).isEqualTo(T0);
        });
    }

    /**
     * ADR 0036, "Observed convergence per provider": a provider's server is asked only for the groups with a lane of its
     * provider (api is written to bind and knot, v6 to bind only, www is a CNAME nobody observes); a clients' resolver for
     * every observed group, as before.
     */
    @Test
    void aProvidersServerIsAskedOnlyForTheGroupsWrittenToItsProvider() {
        Topology tied = TopologyLoader.parse(YAML
                .replace("locations: [loc-a, loc-b]\n",
                        "locations: [loc-a, loc-b]\ndnsProviders: [{id: bind, kind: rfc2136},"
                                + " {id: knot, kind: rfc2136}]\n")
                .replace("{name: cache, address: 10.0.0.3, port: 5353}",
                        "{name: knot-ns1, address: 192.0.2.53, provider: knot}")
                .replace("name: api.example.test., ttl: 30}",
                        "name: api.example.test., ttl: 30, providers: [{provider: bind},"
                                + " {provider: knot}]}")
                .replace("name: v6.example.test., type: AAAA, ttl: 30}", "name: v6.example.test., type: AAAA, ttl: 30,"
                        + " providers: [{provider: bind}]}"),
                "test");
        Resolvers resolvers = new Resolvers();
        List<ResolverObservation> sent = roundAtLocA(tied, resolvers, "10.0.0.2", "192.0.2.53");
        assertThat(resolvers.asked).containsExactlyInAnyOrder("api.example.test. A @10.0.0.2:53",
                "v6.example.test. AAAA @10.0.0.2:53", "api.example.test. A @192.0.2.53:53");
        assertThat(sent).extracting(ResolverObservation::group, ResolverObservation::observer)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("api", "vpc"),
                        org.assertj.core.groups.Tuple.tuple("v6", "vpc"),
                        org.assertj.core.groups.Tuple.tuple("api", "knot-ns1"));
    }

    @Test
    void anObservationIsHandedOnWhenTheAnswerChangesAndEveryThirtySecondsNotMoreOften() {
        Resolvers resolvers = new Resolvers();
        resolvers.answers.put("10.1.0.2", List.of("192.0.2.10"));
        ManualClock clock = new ManualClock(T0);
        ResolverWatch watch = new ResolverWatch("loc-b", "probe-b", clock, resolvers::ask, Duration.ofSeconds(1));
        List<ResolverObservation> sent = new ArrayList<>();
        Topology apiOnly = TopologyLoader.parse(YAML.substring(0, YAML.indexOf("  - id: www")), "test");
        watch.round(apiOnly, sent::add).toCompletableFuture().join();
        clock.advance(Duration.ofSeconds(1));
        watch.round(apiOnly, sent::add).toCompletableFuture().join(); // the same answer: not again
        assertThat(sent).extracting(ResolverObservation::target).containsExactly("primary");

        resolvers.answers.put("10.1.0.2", List.of("198.51.100.20"));
        clock.advance(Duration.ofSeconds(1));
        watch.round(apiOnly, sent::add).toCompletableFuture().join(); // the switch, seen at once
        assertThat(sent).extracting(ResolverObservation::target).containsExactly("primary", "secondary");
        assertThat(sent.get(1).observedAt()).isEqualTo(T0.plusSeconds(2));

        clock.advance(Duration.ofSeconds(29));
        watch.round(apiOnly, sent::add).toCompletableFuture().join();
        assertThat(sent).hasSize(2);
        clock.advance(Duration.ofSeconds(1));
        watch.round(apiOnly, sent::add).toCompletableFuture().join(); // 30 s after the last one: again, for a new owner
        assertThat(sent).hasSize(3);

        resolvers.answers.remove("10.1.0.2");
        clock.advance(Duration.ofSeconds(1));
        watch.round(apiOnly, sent::add).toCompletableFuture().join(); // no answer: said, with why
        assertThat(sent.get(3).answer()).isNull();
        assertThat(sent.get(3).target()).isNull();
        assertThat(sent.get(3).error()).contains("no answer");
    }

    @Test
    void anObservationKafkaDidNotTakeIsOfferedAgainTheNextRound() {
        Resolvers resolvers = new Resolvers();
        resolvers.answers.put("10.1.0.2", List.of("198.51.100.20"));
        ManualClock clock = new ManualClock(T0);
        ResolverWatch watch = new ResolverWatch("loc-b", "probe-b", clock, resolvers::ask, Duration.ofSeconds(1));
        Topology apiOnly = TopologyLoader.parse(YAML.substring(0, YAML.indexOf("  - id: www")), "test");
        List<ResolverObservation> sent = new ArrayList<>();
        watch.round(apiOnly, o -> false).toCompletableFuture().join(); // the sink had no room
        clock.advance(Duration.ofSeconds(1));
        watch.round(apiOnly, sent::add).toCompletableFuture().join();
        assertThat(sent).extracting(ResolverObservation::target, ResolverObservation::observedAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("secondary", T0.plusSeconds(1)));
    }

    @Test
    void aResolverErrorIsAnAnswerWithoutATarget() {
        ResolverWatch watch = new ResolverWatch("loc-b", "probe-b", new ManualClock(T0),
                q -> CompletableFuture.completedFuture(new Observation.Down(FailureReason.DNS_FAILURE, "SERVFAIL", null,
                        PhaseTimings.total(2), null, new DnsAnswer("SERVFAIL", List.of(), null, "10.1.0.2:53"))),
                Duration.ofSeconds(1));
        List<ResolverObservation> sent = new ArrayList<>();
        watch.round(TOPOLOGY, sent::add).toCompletableFuture().join();
        assertThat(sent).hasSize(2).allSatisfy(o -> {
            assertThat(o.target()).isNull();
            assertThat(o.answer().rcode()).isEqualTo("SERVFAIL");
        });
    }
}
