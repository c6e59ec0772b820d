package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.testkit.dns.CachingResolver;
import dev.failover.testkit.topology.TestTopology;

/**
 * What clients see of a failover (ADR 0026), with real resolvers: locations loc-a and loc-b ask the record's
 * authoritative server (BIND9), loc-c asks a caching resolver (unbound) in front of it, as clients behind a VPC resolver
 * do. The primary fails right after the cache fetched its answer: loc-a and loc-b see the switch within a second of it
 * being served and make the quorum; loc-c sees it only once its cache let the old answer go, about the record's TTL
 * after the fetch, and the decision-service's view says so while it waits.
 */
class ObservedConvergenceIT {

    static final int TTL = 8;
    static TestStack stack;
    static CachingResolver cache;
    static ServiceProcess decider;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStack.named("observed").backends(TestTopology.PRIMARY, TestTopology.SECONDARY)
                .bind9("failover.test.", List.of("api " + TTL + " IN A " + TestTopology.PRIMARY_IP))
                .topology(s -> {
                    cache = CachingResolver.inFrontOf(s.dns()); // the topology names its port
                    String bind = "{name: bind, address: 127.0.0.1, port: " + s.dns().port() + "}";
                    return TestTopology.yaml(s.backend(TestTopology.PRIMARY).healthUrl(),
                            s.backend(TestTopology.SECONDARY).healthUrl()).replace("ttl: 5}", "ttl: " + TTL + "}")
                            .replace("locations: [loc-a, loc-b, loc-c]\n",
                                    "locations: [loc-a, loc-b, loc-c]\nobservers:\n"
                                            + "  loc-a: [" + bind + "]\n  loc-b: [" + bind + "]\n"
                                            + "  loc-c: [{name: cache, address: 127.0.0.1, port: " + cache.port()
                                            + "}]\n");
                }).probes().deciders(1).actuator().start();
        decider = stack.decider();
    }

    @AfterAll
    static void stopStack() throws Exception {
        TestStack.closeAll(stack, cache);
    }

    @Test
    void aLocationBehindACachingResolverSeesTheSwitchAboutTheTtlAfterItsCacheFetchedTheOldAnswer() throws Exception {
        await("every location's resolvers answer the primary").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode view = DeciderViews.view(decider);
                    assertThat(view.path("activeHealth").asText()).isEqualTo("HEALTHY");
                    assertThat(view.path("convergence").path("observers")).hasSize(3)
                            .allSatisfy(o -> assertThat(o.path("target").asText()).isEqualTo(TestTopology.PRIMARY));
                });
        // the cache fetches the old answer now: it keeps it until fetchedAt + TTL
        cache.flush();
        Instant fetchedAt = Instant.now();
        assertThat(ask(cache.port())).isEqualTo(TestTopology.PRIMARY_IP);
        stack.backend(TestTopology.PRIMARY).fail();

        Set<String> summaries = new CopyOnWriteArraySet<>();
        await("loc-c observes the switch").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    JsonNode convergence = DeciderViews.view(decider).path("convergence");
                    summaries.add(convergence.path("summary").asText());
                    assertThat(convergence.path("lastSwitch").path("kind").asText()).isEqualTo("FAILOVER");
                    assertThat(convergence.path("lastSwitch").path("observedAt").has("loc-c")).isTrue();
                });
        JsonNode s = DeciderViews.view(decider).path("convergence").path("lastSwitch");
        Instant failed = Instant.parse(s.path("failedAt").asText());
        Instant decided = Instant.parse(s.path("decidedAt").asText());
        Instant served = Instant.parse(s.path("servedAt").asText());
        Instant quorum = Instant.parse(s.path("quorumAt").asText());
        Instant locA = Instant.parse(s.path("observedAt").path("loc-a").asText());
        Instant locB = Instant.parse(s.path("observedAt").path("loc-b").asText());
        Instant locC = Instant.parse(s.path("observedAt").path("loc-c").asText());
        System.out.printf("observed convergence: failure -> decided %d ms -> served %d ms -> loc-a %d ms, loc-b %d ms "
                + "(quorum %d ms), loc-c behind its cache %d ms; the cache fetched the old answer %d ms before the failure "
                + "(TTL %d s)%n", ms(failed, decided), ms(failed, served), ms(failed, locA), ms(failed, locB),
                ms(failed, quorum), ms(failed, locC), ms(fetchedAt, failed), TTL);

        assertThat(failed).isAfter(fetchedAt);
        // the authoritative server's askers: within their one-second question interval of the switch being served
        assertThat(Duration.between(served, locA)).isLessThan(Duration.ofMillis(2_500));
        assertThat(Duration.between(served, locB)).isLessThan(Duration.ofMillis(2_500));
        assertThat(quorum).isEqualTo(locA.isAfter(locB) ? locA : locB);
        // the cached location: the old answer kept for its TTL from the fetch, then the new one within a question
        assertThat(locC).isAfterOrEqualTo(fetchedAt.plusSeconds(TTL).minusMillis(500))
                .isBefore(fetchedAt.plusSeconds(TTL).plusMillis(2_500));
        assertThat(Duration.between(quorum, locC)).as("loc-c late after the quorum")
                .isGreaterThan(Duration.ofSeconds(2));
        assertThat(summaries).as("the view while loc-c waited").anySatisfy(text -> assertThat(text)
                .contains("observed by 2 of 3 locations", "loc-c: resolver cache still answers primary for up to"));
        assertThat(decider.metrics()).contains("failover_decision_failure_to_observed_seconds_count{group=\"api\"} 1.0",
                "failover_decision_failure_to_observed_seconds_bucket{group=\"api\",le=\"30.0\"} 1.0");
    }

    private static long ms(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    /** The A record's address api.failover.test has at the resolver on {@code port}. */
    private static String ask(int port) throws Exception {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        resolver.setTimeout(Duration.ofSeconds(2));
        Message reply = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(TestTopology.RECORD), Type.A,
                DClass.IN)));
        return reply.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.A).map(Record::rdataToString)
                .findFirst().orElse("no answer");
    }
}
