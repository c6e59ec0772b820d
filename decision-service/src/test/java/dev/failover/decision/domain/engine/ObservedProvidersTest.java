package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static dev.failover.decision.domain.engine.ObservedConvergenceTest.answer;
import static dev.failover.decision.domain.engine.ObservedConvergenceTest.primaryFailsAtThree;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.ResolverObservation;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.model.ObservedSwitch;
import dev.failover.decision.domain.state.GroupView;

/**
 * Observers tied to a DNS provider (ADR 0036, "Observed convergence per provider"): they are the provider's servers, so a
 * switch is marked per provider once all of its servers answer the target, and they count towards no location and no
 * quorum of clients' resolvers (ADR 0026).
 */
class ObservedProvidersTest {

    /**
     * loc-a: a clients' resolver and knot's first server; loc-b: bind's only server, no clients' resolver; loc-c: a
     * clients' resolver and knot's second server. The quorum is 2 of loc-a and loc-c.
     */
    static final String OBSERVERS = """
            locations: [loc-a, loc-b, loc-c]
            dnsProviders: [{id: bind, kind: rfc2136}, {id: knot, kind: rfc2136}, {id: pdns, kind: rfc2136}]
            observers:
              loc-a: [{name: vpc, address: 10.0.0.2}, {name: knot-ns1, address: 192.0.2.53, provider: knot}]
              loc-b: [{name: bind-ns1, address: 192.0.2.54, provider: bind}, {name: pdns-ns1, address: 192.0.2.56, provider: pdns}]
              loc-c: [{name: vpc, address: 10.2.0.2}, {name: knot-ns2, address: 192.0.2.55, provider: knot}]
            """;

    final ManualClock clock = new ManualClock(T0);

    DecisionEngine engine() {
        Topology topology = TopologyLoader.parse(DecisionEngineTest.TOPOLOGY.formatted("hold", "live", "")
                .replace("locations: [loc-a, loc-b, loc-c]\n", OBSERVERS)
                .replace("dns: {zone: example.test., name: api.example.test.}",
                        "dns: {zone: example.test., name: api.example.test., providers: [{provider: bind}, {provider: knot}]}"),
                "test");
        AtomicInteger ids = new AtomicInteger();
        return Engines.minimal(topology, clock, () -> "d-" + ids.incrementAndGet());
    }

    Optional<ObservedSwitch> answered(DecisionEngine engine, ResolverObservation o) {
        if (o.observedAt().plusMillis(100).isAfter(clock.instant())) {
            clock.set(o.observedAt().plusMillis(100));
        }
        return engine.feedback().onResolverAnswer(o);
    }

    /** bind's and knot's marks, as a map with "-" for not yet. */
    static Map<String, String> marks(ObservedSwitch s) {
        Map<String, String> out = new LinkedHashMap<>();
        s.providers().forEach((p, at) -> out.put(p, at == null ? "-" : "t=" + Duration.between(T0, at).toSeconds()));
        return out;
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                // the servers' answers after the failover decided at t=5, and the marks they make
                Arguments.of(List.<ResolverObservation>of(), Map.of("bind", "-", "knot", "-")),
                Arguments.of(List.of(answer("loc-b", "bind-ns1", "secondary", "192.0.2.2", 6)),
                        Map.of("bind", "t=6", "knot", "-")),
                Arguments.of(List.of(answer("loc-a", "knot-ns1", "secondary", "192.0.2.2", 6)), // one of two servers
                        Map.of("bind", "-", "knot", "-")),
                Arguments.of(List.of(answer("loc-a", "knot-ns1", "secondary", "192.0.2.2", 6),
                        answer("loc-c", "knot-ns2", "primary", "192.0.2.1", 7)), // the other still the old target
                        Map.of("bind", "-", "knot", "-")),
                Arguments.of(List.of(answer("loc-a", "knot-ns1", "secondary", "192.0.2.2", 6),
                        answer("loc-c", "knot-ns2", "secondary", "192.0.2.2", 8)), // both: at the last one's
                        Map.of("bind", "-", "knot", "t=8")),
                Arguments.of(List.of(answer("loc-b", "bind-ns1", "secondary", "192.0.2.2", -5)), // before the skew
                        Map.of("bind", "-", "knot", "-")),
                Arguments.of(List.of(answer("loc-b", "bind-ns1", "secondary", "192.0.2.2", 2)), // within it: at the decision
                        Map.of("bind", "t=5", "knot", "-")),
                Arguments.of(List.of(answer("loc-b", "pdns-ns1", "secondary", "192.0.2.2", 6)), // not one of the lanes
                        Map.of("bind", "-", "knot", "-")));
    }

    @ParameterizedTest
    @MethodSource("answers")
    void aProviderIsMarkedWhenAllItsServersAnswerTheTarget(List<ResolverObservation> servers,
            Map<String, String> marks) {
        DecisionEngine engine = engine();
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree()); // decided at t=5
        servers.forEach(o -> answered(engine, o));
        ObservedSwitch s = engine.feedback().observedSwitch("api").orElseThrow();
        assertThat(marks(s)).containsExactlyEntriesOf(new LinkedHashMap<>(new java.util.TreeMap<>(marks)));
        assertThat(s.observedAt()).as("a server marks no location").isEmpty();
    }

    @Test
    void theServersCountTowardsNoLocationNorTheQuorum() {
        DecisionEngine engine = engine();
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree());
        ObservedSwitch decided = engine.feedback().observedSwitch("api").orElseThrow();
        assertThat(decided.of()).as("loc-b names only providers' servers").isEqualTo(2);
        assertThat(decided.need()).isEqualTo(2);

        // every server answers the target, loc-a's resolver too: still one location of two
        answered(engine, answer("loc-a", "knot-ns1", "secondary", "192.0.2.2", 6));
        answered(engine, answer("loc-c", "knot-ns2", "secondary", "192.0.2.2", 6));
        answered(engine, answer("loc-b", "bind-ns1", "secondary", "192.0.2.2", 6));
        assertThat(answered(engine, answer("loc-a", "vpc", "secondary", "192.0.2.2", 7))).isEmpty();
        ObservedSwitch s = engine.feedback().observedSwitch("api").orElseThrow();
        assertThat(s.observedAt()).isEqualTo(Map.of("loc-a", T0.plusSeconds(7)));
        assertThat(s.reachedQuorum()).isFalse();
        // loc-c's resolver still answers the old target, which its knot server does not hold back: a location is its
        // clients' resolvers alone
        answered(engine, answer("loc-c", "vpc", "primary", "192.0.2.1", 7));
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().reachedQuorum()).isFalse();
        Optional<ObservedSwitch> quorum = answered(engine, answer("loc-c", "vpc", "secondary", "192.0.2.2", 9));
        assertThat(quorum).hasValueSatisfying(q -> {
            assertThat(q.quorumAt()).isEqualTo(T0.plusSeconds(9));
            assertThat(q.providers()).isEqualTo(Map.of("bind", T0.plusSeconds(6), "knot", T0.plusSeconds(6)));
        });
    }

    /** A group observed by providers' servers alone has no clients' resolver to be late: never NOT_OBSERVED. */
    @Test
    void aSwitchObservedOnlyByServersIsNeverNotObserved() {
        Topology topology = TopologyLoader.parse(DecisionEngineTest.TOPOLOGY.formatted("hold", "live", "")
                .replace("locations: [loc-a, loc-b, loc-c]\n", "locations: [loc-a, loc-b, loc-c]\n"
                        + "dnsProviders: [{id: bind, kind: rfc2136}]\n"
                        + "observers:\n  loc-b: [{name: bind-ns1, address: 192.0.2.54, provider: bind}]\n")
                .replace("dns: {zone: example.test., name: api.example.test.}",
                        "dns: {zone: example.test., name: api.example.test., providers: [{provider: bind}]}"),
                "test");
        AtomicInteger ids = new AtomicInteger();
        DecisionEngine engine = Engines.minimal(topology, clock, () -> "d-" + ids.incrementAndGet());
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree());
        engine.feedback().onConvergence("api", "d-1", 1, dev.failover.contract.event.ActuationStatus.CONVERGED,
                "read back",
                T0.plusSeconds(6));
        clock.set(T0.plusSeconds(600));
        assertThat(engine.view("api").orElseThrow().convergence().state()).isEqualTo(GroupView.Observed.OBSERVING);
        answered(engine, answer("loc-b", "bind-ns1", "secondary", "192.0.2.2", 601));
        assertThat(engine.view("api").orElseThrow().convergence().state()).isEqualTo(GroupView.Observed.OBSERVED);
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().of()).isZero();
    }

    @Test
    void theViewNamesEachServersProviderAndWhoIsLate() {
        DecisionEngine engine = engine();
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree());
        answered(engine, answer("loc-b", "bind-ns1", "secondary", "192.0.2.2", 6));
        answered(engine, answer("loc-a", "knot-ns1", "primary", "192.0.2.1", 6));
        GroupView.ConvergenceView view = engine.view("api").orElseThrow().convergence();
        assertThat(view.observers()).extracting(GroupView.ObserverView::location, GroupView.ObserverView::observer,
                GroupView.ObserverView::provider).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("loc-a", "vpc", null),
                        org.assertj.core.groups.Tuple.tuple("loc-a", "knot-ns1", "knot"),
                        org.assertj.core.groups.Tuple.tuple("loc-b", "bind-ns1", "bind"),
                        org.assertj.core.groups.Tuple.tuple("loc-c", "vpc", null),
                        org.assertj.core.groups.Tuple.tuple("loc-c", "knot-ns2", "knot")); // pdns-ns1: not asked for api
        assertThat(view.summary()).isEqualTo("switch to secondary (decision d-1) observed by 0 of 2 locations, by the "
                + "servers of 1 of 2 providers; loc-a: resolver vpc has not answered yet; knot: server knot-ns1 still "
                + "answers primary for up to 30 s; loc-c: resolver vpc has not answered yet; knot: server knot-ns2 has not "
                + "answered yet");
    }

    @Test
    void theMarksGoWithTheGroupsStateAndAreAbsentFromTheJsonOfASwitchWithoutServers() {
        DecisionEngine engine = engine();
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree());
        answered(engine, answer("loc-b", "bind-ns1", "secondary", "192.0.2.2", 6));
        DecisionEngine next = engine();
        next.handover().restore(engine.snapshot("api").orElseThrow());
        assertThat(next.feedback().observedSwitch("api")).isEqualTo(engine.feedback().observedSwitch("api"));
        answered(next, answer("loc-a", "knot-ns1", "secondary", "192.0.2.2", 7));
        answered(next, answer("loc-c", "knot-ns2", "secondary", "192.0.2.2", 8));
        assertThat(next.feedback().observedSwitch("api").orElseThrow().providers())
                .isEqualTo(Map.of("bind", T0.plusSeconds(6), "knot", T0.plusSeconds(8)));

        ObservedSwitch plain = ObservedSwitch.decided("d-9", dev.failover.contract.event.DecisionKind.FAILOVER,
                "secondary",
                null, T0, 3, List.of());
        assertThat(json(plain)).doesNotContain("providers");
        ObservedSwitch waiting = ObservedSwitch
                .decided("d-9", dev.failover.contract.event.DecisionKind.FAILOVER, "secondary",
                        null, T0, 3, List.of("bind", "knot"))
                .observedThrough("knot", T0.plusSeconds(4));
        assertThat(json(waiting)).contains("\"providers\":{\"bind\":null,\"knot\":\"" + T0.plusSeconds(4) + "\"}");
        assertThat(read(json(waiting))).isEqualTo(waiting);
    }

    static String json(ObservedSwitch s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    static ObservedSwitch read(String json) {
        try {
            return MAPPER.readValue(json, ObservedSwitch.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper
            .builder()
            .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
}
