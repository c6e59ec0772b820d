package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.kafka.TopicClient;

/**
 * The correlated-failure guard's memory survives a restart (ADR 0010), on the packaged services: three groups over six
 * regions (g1: p1 then s1, g2: p2 then s2, g3: p3 then s3), the correlated-failure window 5 s. The standbys s1 and s2
 * stop 8 s apart, longer than the window: no suspicion. The decision-service is restarted (SIGTERM, started again, as
 * a rollout does); then p3, a primary in a fifth region, stops. g3 must fail over to s3. Before each target's
 * failing-since was kept with the group's state, the restarted instance saw both old failures begin at once and held
 * every group (CORRELATED_FAILURE) for as long as they lasted, g3 included.
 */
class GuardMemoryIT {

    static final EventCodec CODEC = EventCodec.instance();
    static TestStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStack.named("guard-memory").backends("p1", "s1", "p2", "s2", "p3", "s3")
                .topology(GuardMemoryIT::topology)
                .deciders(1).probes().start();
    }

    @AfterAll
    static void stopStack() throws Exception {
        TestStack.closeAll(stack);
    }

    static String topology(TestStack s) {
        String probe = "{type: http, url: \"%s\", bodyContains: ok, intervalSeconds: 1, connectTimeoutMillis: 500, "
                + "timeoutMillis: 900}";
        StringBuilder yaml = new StringBuilder("""
                version: 1
                locations: [loc-a, loc-b, loc-c]
                safety:
                  correlatedFailure: {windowSeconds: 5, maxRegions: 1, maxSharePercent: 100}
                groups:
                """);
        for (int g = 1; g <= 3; g++) {
            yaml.append("""
                      - id: g%1$d
                        dns: {zone: failover.test., name: g%1$d.failover.test., ttl: 5}
                        targets:
                          - {id: p%1$d, region: region-%2$d, probe: %3$s, dns: {values: [192.0.2.%2$d]}}
                          - {id: s%1$d, region: region-%4$d, probe: %5$s, dns: {values: [192.0.2.%4$d]}}
                        thresholds: {failuresToDown: 2, successesToUp: 2, minDwellSeconds: 0}
                        failback: {mode: manual}
                    """.formatted(g, 2 * g - 1, probe.formatted(s.backend("p" + g).healthUrl()), 2 * g,
                    probe.formatted(s.backend("s" + g).healthUrl())));
        }
        return yaml.toString();
    }

    @Test
    void oldFailuresSeenBeforeARestartDoNotHoldAThirdRegionsFailover() throws Exception {
        ServiceProcess decider = stack.decider();
        for (String target : List.of("p1", "s1", "p2", "s2", "p3", "s3")) {
            await(target + " HEALTHY").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> health(decider, "g" + target.charAt(1), target).equals("HEALTHY"));
        }
        stack.backend("s1").fail();
        await("s1 UNHEALTHY").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> health(decider, "g1", "s1").equals("UNHEALTHY"));
        // two outages, not one: s2 stops only once s1's recorded failing-since is 8 s old, longer than the 5 s window
        await("s1 failing for 8 s by its recorded start").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    JsonNode since = latestState("g1").at("/snapshot/failingSince/s1");
                    return since.isTextual() && java.time.Instant.parse(since.asText()).plusSeconds(8)
                            .isBefore(java.time.Instant.now());
                });
        stack.backend("s2").fail();
        await("s2 UNHEALTHY").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> health(decider, "g2", "s2").equals("UNHEALTHY"));
        assertThat(DeciderViews.view(decider, "g3").at("/safety/correlatedFailure").isMissingNode()
                || DeciderViews.view(decider, "g3").at("/safety/correlatedFailure").isNull())
                .as("no suspicion before the restart").isTrue();
        await("g2's state record published with s2 UNHEALTHY").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> latestState("g2").at("/view/targets/1/health").asText()
                        .equals("UNHEALTHY"));
        assertThat(latestState("g2").at("/snapshot/failingSince/s2").isTextual()).as("s2's failing-since kept with it")
                .isTrue();

        stack.stop(decider); // SIGTERM, as a rollout does
        ServiceProcess restarted = stack.start(TestStack.DECISION, "decider-restarted", Map.of());
        restarted.awaitReady(Duration.ofSeconds(90));
        await("the restarted instance sees s2 UNHEALTHY again").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250)).until(() -> health(restarted, "g2", "s2").equals("UNHEALTHY"));

        try (TopicClient client = TopicClient.of(stack.kafka().bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS)) {
            stack.backend("p3").fail();
            Decision failover = CODEC.decode(decisions.await(r -> r.key().equals("g3"), Duration.ofSeconds(30)).value(),
                    Decision.class);
            assertThat(failover.kind()).isEqualTo(DecisionKind.FAILOVER);
            assertThat(failover.toTarget()).isEqualTo("s3");
        }
    }

    static String health(ServiceProcess decider, String group, String target) {
        try {
            for (JsonNode t : DeciderViews.view(decider, group).path("targets")) {
                if (t.path("target").asText().equals(target)) {
                    return t.path("health").asText();
                }
            }
            return "ABSENT";
        } catch (java.io.IOException | RuntimeException e) {
            return "UNREACHABLE";
        }
    }

    /** The group's latest state record on failover.decision-state (an empty object before any). */
    static JsonNode latestState(String group) throws Exception {
        try (TopicClient client = TopicClient.of(stack.kafka().bootstrapServers());
                TopicClient.Reader states = client.reader(Topics.DECISION_STATE)) {
            JsonNode latest = null;
            for (var record : states.readToEnd(Duration.ofSeconds(10))) {
                if (record.key().equals(group) && record.value() != null) {
                    latest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(record.value());
                }
            }
            return latest != null ? latest : new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        }
    }
}
