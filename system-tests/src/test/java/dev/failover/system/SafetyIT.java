package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * The safety rules of ADR 0010 on the packaged services: three probe locations and the decision-service against a
 * standalone broker, three regions A, B and C as three demo backends, and three groups ab (A then B), bc (B then C) and
 * ac (A then C). Target b of group ab has a dependency (its "database"), a fourth demo backend, down at the start.
 * <ol>
 * <li>Region A stops for real (its server closes): ac fails over to C at once; ab does not move to B while B's dependency
 * is down (destination DEPENDENCY_NOT_HEALTHY), and does as soon as it is up; bc is untouched. One region failing never
 * trips the correlated-failure guard.</li>
 * <li>A comes back (both groups fail back), then A and B stop within milliseconds of each other: the guard holds every
 * group (GET /groups/ac shows the suspicion with regions A and B), no decision is published over several probe
 * intervals, and resuming ac lets it, and only it, fail over to C.</li>
 * </ol>
 * Decisions are read from failover.decisions; the views from GET /groups/{id}.
 */
@Tag("gate") // in ./scripts/test.sh --gate: the safety rules across a region
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SafetyIT {

    static final EventCodec CODEC = EventCodec.instance();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REGION_A = "region-a";
    static final String REGION_B = "region-b";
    static final String REGION_C = "region-c";
    static final Duration WAIT = Duration.ofSeconds(60);
    static TestStack stack;
    static StandaloneKafka kafka;
    static DemoBackend a;
    static DemoBackend b;
    static DemoBackend c;
    static DemoBackend database;
    static ServiceProcess decider;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStack.named("safety").backends("a", "b", "c", "database-b").topology(s -> {
            a = s.backend("a");
            b = s.backend("b");
            c = s.backend("c");
            database = s.backend("database-b");
            database.fail(); // b's dependency is down from the start
            return topology();
        }).deciders(1).probes().start();
        kafka = stack.kafka();
        decider = stack.decider();
    }

    @AfterAll
    static void stopStack() throws Exception {
        TestStack.closeAll(stack);
    }

    /** Three groups over three regions; probes every second, DOWN after 3 failures, UP after 2 successes, no dwell. */
    static String topology() {
        String probe = "{type: http, url: \"%s\", bodyContains: ok, intervalSeconds: 1, connectTimeoutMillis: 500, "
                + "timeoutMillis: 900}";
        String targetA = """
                      - id: a
                        region: %s
                        probe: %s
                        dns: {values: [192.0.2.1]}
                """.formatted(REGION_A, probe.formatted(a.healthUrl()));
        String targetB = """
                      - id: b
                        region: %s
                        probe: %s
                        dns: {values: [192.0.2.2]}
                """.formatted(REGION_B, probe.formatted(b.healthUrl()));
        String targetBWithDatabase = targetB + """
                        dependencies:
                          - id: database
                            probe: %s
                """.formatted(probe.formatted(database.healthUrl()));
        String targetC = """
                      - id: c
                        region: %s
                        probe: %s
                        dns: {values: [192.0.2.3]}
                """.formatted(REGION_C, probe.formatted(c.healthUrl()));
        StringBuilder yaml = new StringBuilder("""
                version: 1
                locations: [loc-a, loc-b, loc-c]
                safety:
                  correlatedFailure: {windowSeconds: 60, maxRegions: 1, maxSharePercent: 50}
                groups:
                """);
        for (String[] group : new String[][] { { "ab", targetA, targetBWithDatabase }, { "bc", targetB, targetC },
                { "ac", targetA, targetC } }) {
            yaml.append("""
                      - id: %1$s
                        dns: {zone: failover.test., name: %1$s.failover.test., type: A, ttl: 5}
                        targets:
                    """.formatted(group[0])).append(group[1]).append(group[2]).append("""
                        thresholds: {failuresToDown: 3, successesToUp: 2, minDwellSeconds: 0}
                        failback: {holdDownSeconds: 2}
                    """);
        }
        return yaml.toString();
    }

    @Test
    @Order(1)
    void oneRegionDownFailsOverEveryGroupToAnEligibleDestinationOnly() throws Exception {
        try (TopicClient client = TopicClient.of(kafka.bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS)) {
            await("every target HEALTHY, b's database UNHEALTHY, no switch").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        for (String group : List.of("ab", "bc", "ac")) {
                            JsonNode view = view(group);
                            assertThat(view.get("epoch").asLong()).as(group + " epoch").isZero();
                            view.get("targets").forEach(t -> assertThat(t.get("health").asText())
                                    .as(group + "/" + t.get("target").asText() + " health").isEqualTo("HEALTHY"));
                        }
                        JsonNode bInAb = target(view("ab"), "b");
                        assertThat(bInAb.at("/dependencies/0/dependency").asText()).isEqualTo("database");
                        assertThat(bInAb.at("/dependencies/0/health").asText()).as("ab/b's database")
                                .isEqualTo("UNHEALTHY");
                        assertThat(bInAb.at("/destination/verdict").asText()).isEqualTo("DEPENDENCY_NOT_HEALTHY");
                        assertThat(target(view("bc"), "b").at("/destination/verdict").asText())
                                .as("bc/b: the dependency is ab's b's alone").isEqualTo("ELIGIBLE");
                    });

            Instant stopped = Instant.now();
            a.close(); // region A is gone: its server no longer listens

            Decision ac = decided(decisions, "ac", DecisionKind.FAILOVER);
            System.out.printf("A stopped -> ac's failover decided in %d ms%n",
                    Duration.between(stopped, ac.issuedAt()).toMillis());
            assertThat(ac.fromTarget()).isEqualTo("a");
            assertThat(ac.toTarget()).isEqualTo("c");
            await("ab: a UNHEALTHY, b refused as a destination (its database is down)").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                        JsonNode ab = view("ab");
                        assertThat(target(ab, "a").get("health").asText()).isEqualTo("UNHEALTHY");
                        assertThat(target(ab, "b").get("health").asText()).isEqualTo("HEALTHY");
                        assertThat(target(ab, "b").at("/destination/verdict").asText())
                                .isEqualTo("DEPENDENCY_NOT_HEALTHY");
                    });
            int afterAc = decisions.readToEnd(WAIT).size();
            // the window passes (4 probe intervals of a failing, as the decision-service counted them), then the facts
            awaitFailedIntervals(4, "ab/a");
            assertThat(summary(decisions.readToEnd(WAIT)))
                    .as("decisions over 4 probe intervals while b's database is down")
                    .hasSize(afterAc);
            JsonNode abHeld = view("ab");
            assertThat(abHeld.get("activeTarget").asText()).isEqualTo("a");
            assertThat(abHeld.at("/safety/correlatedFailure").isMissingNode()).as("ab's guard suspicion: one region")
                    .isTrue();
            assertThat(view("bc").get("epoch").asLong()).as("bc epoch").isZero();

            database.recover();
            Decision ab = decided(decisions, "ab", DecisionKind.FAILOVER);
            assertThat(ab.fromTarget()).isEqualTo("a");
            assertThat(ab.toTarget()).isEqualTo("b");
            assertThat(ab.reason()).contains("dependencies [database] HEALTHY");
            assertThat(summary(decisions.readToEnd(WAIT)))
                    .as("every decision so far: ac's and ab's failover, none of bc")
                    .containsExactly("ac FAILOVER a->c", "ab FAILOVER a->b");
            assertThat(view("bc").get("activeTarget").asText()).isEqualTo("b");
        }
    }

    @Test
    @Order(2)
    void twoRegionsFailingTogetherHoldEveryGroupUntilAnOperatorResumesOne() throws Exception {
        try (TopicClient client = TopicClient.of(kafka.bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS)) {
            a = stack.restartBackend("a"); // A is back where it was
            decided(decisions, "ab", DecisionKind.FAILBACK);
            decided(decisions, "ac", DecisionKind.FAILBACK);
            await("ab and ac back on a, every target HEALTHY").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> {
                        for (String group : List.of("ab", "bc", "ac")) {
                            JsonNode view = view(group);
                            assertThat(view.get("activeTarget").asText()).as(group + " active").isEqualTo(
                                    group.substring(0, 1));
                            view.get("targets").forEach(t -> assertThat(t.get("health").asText())
                                    .as(group + "/" + t.get("target").asText() + " health").isEqualTo("HEALTHY"));
                            assertThat(view.at("/safety/correlatedFailure").isMissingNode()).as(group + " suspicion")
                                    .isTrue();
                        }
                    });
            int before = decisions.readToEnd(WAIT).size();

            a.close(); // A and B gone within milliseconds of each other: the plane's eyes are suspect
            b.close();

            await("the guard holds: suspicion of regions A and B, ac's a and bc's b UNHEALTHY").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                        JsonNode acView = view("ac");
                        assertThat(acView.at("/safety/correlatedFailure/regions"))
                                .as("ac's safety.correlatedFailure.regions")
                                .extracting(JsonNode::asText).containsExactly(REGION_A, REGION_B);
                        assertThat(target(acView, "a").get("health").asText()).isEqualTo("UNHEALTHY");
                        assertThat(target(view("bc"), "b").get("health").asText()).isEqualTo("UNHEALTHY");
                    });
            // the window passes (5 probe intervals of a and b failing, as the decision-service counted them), then the facts
            awaitFailedIntervals(5, "ac/a", "bc/b");
            assertThat(summary(decisions.readToEnd(WAIT))).as("decisions over 5 probe intervals with a and b UNHEALTHY")
                    .hasSize(before);
            for (String group : List.of("ab", "bc", "ac")) {
                JsonNode view = view(group);
                assertThat(view.get("activeTarget").asText()).as(group + " active").isEqualTo(group.substring(0, 1));
                assertThat(view.at("/safety/correlatedFailure").isMissingNode()).as(group + " suspicion").isFalse();
            }
            assertThat(target(view("ac"), "c").at("/destination/verdict").asText())
                    .as("ac's c: eligible, held by the guard")
                    .isEqualTo("ELIGIBLE");
            assertThat(view("ac").get("audit").toString()).contains("held by correlated-failure guard");

            Instant resumedAt = Instant.now();
            HttpResponse<String> resumed = decider.post("/groups/ac/resume", "operator",
                    "{\"reason\":\"confirmed: regions A and B are really down\"}");
            assertThat(resumed.statusCode()).as("POST /groups/ac/resume: " + resumed.body()).isIn(200, 202);
            Decision ac = decided(decisions, "ac", DecisionKind.FAILOVER, before);
            assertThat(ac.fromTarget()).isEqualTo("a");
            assertThat(ac.toTarget()).isEqualTo("c");
            System.out.printf("resume of ac -> its failover decided in %d ms%n",
                    Duration.between(resumedAt, ac.issuedAt())
                            .toMillis());
            // bc still held after ac's resume: 2 more probe intervals of b failing pass, then the facts
            awaitFailedIntervals(2, "bc/b");
            List<String> all = summary(decisions.readToEnd(WAIT));
            assertThat(all.subList(before, all.size())).as("decisions after A and B stopped")
                    .containsExactly("ac FAILOVER a->c");
            JsonNode bc = view("bc");
            assertThat(bc.get("activeTarget").asText()).isEqualTo("b");
            assertThat(bc.at("/safety/correlatedFailure/regions")).extracting(JsonNode::asText).containsExactly(
                    REGION_A,
                    REGION_B);
        }
    }

    /**
     * Lets a quiet window pass as the decision-service sees it: waits until, for each "group/target", every location's
     * consecutive failures in GET /groups/{group} have grown by {@code intervals}, i.e. that many probe intervals of the
     * failure have been taken in and evaluated. A loaded machine makes the window longer in time, never the check flaky:
     * what must not have happened in it is asserted afterwards, from what was recorded.
     */
    static void awaitFailedIntervals(int intervals, String... groupTargets) throws java.io.IOException {
        Map<String, Integer> start = new java.util.HashMap<>();
        for (String groupTarget : groupTargets) {
            start.putAll(failures(groupTarget));
        }
        await(intervals + " more failed probe intervals of " + List.of(groupTargets) + " at every location")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    for (String groupTarget : groupTargets) {
                        Map<String, Integer> now = failures(groupTarget);
                        for (String location : TestTopology.LOCATIONS) {
                            String key = groupTarget + "@" + location;
                            assertThat(now.getOrDefault(key, 0)).as(key + " consecutive failures")
                                    .isGreaterThanOrEqualTo(start.getOrDefault(key, 0) + intervals);
                        }
                    }
                });
    }

    /** "group/target@location" to that location's consecutive failures of the target in GET /groups/{group}. */
    static Map<String, Integer> failures(String groupTarget) throws java.io.IOException {
        String[] parts = groupTarget.split("/");
        Map<String, Integer> failures = new java.util.HashMap<>();
        target(view(parts[0]), parts[1]).get("locations")
                .forEach(l -> failures.put(groupTarget + "@" + l.get("location")
                        .asText(), l.get("consecutiveFailures").asInt()));
        return failures;
    }

    /** The first decision of {@code group} of this kind on failover.decisions. */
    static Decision decided(TopicClient.Reader decisions, String group, DecisionKind kind) {
        return decided(decisions, group, kind, 0);
    }

    /** The first decision of {@code group} of this kind among the decisions from index {@code from} on. */
    static Decision decided(TopicClient.Reader decisions, String group, DecisionKind kind, int from) {
        List<Decision> found = new ArrayList<>();
        await(group + " " + kind + " on failover.decisions").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    List<ConsumerRecord<String, String>> records = decisions.poll();
                    records.subList(Math.min(from, records.size()), records.size()).stream()
                            .filter(r -> r.key().equals(group))
                            .map(r -> CODEC.decode(r.value(), Decision.class)).filter(d -> d.kind() == kind).findFirst()
                            .ifPresent(found::add);
                    return !found.isEmpty();
                });
        return found.get(0);
    }

    /** Each decision as "group KIND from->to", in topic order. */
    static List<String> summary(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> CODEC.decode(r.value(), Decision.class))
                .map(d -> d.group() + " " + d.kind() + " " + d.fromTarget() + "->" + d.toTarget()).toList();
    }

    /** GET /groups/{group} as a viewer. */
    static JsonNode view(String group) throws java.io.IOException {
        return JSON.readTree(decider.get("/groups/" + group, "viewer"));
    }

    static JsonNode target(JsonNode view, String target) {
        for (JsonNode t : view.get("targets")) {
            if (t.get("target").asText().equals(target)) {
                return t;
            }
        }
        throw new AssertionError("no target " + target + " in " + view.get("group"));
    }
}
