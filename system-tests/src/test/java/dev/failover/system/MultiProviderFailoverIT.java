package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.dns.AuthoritativeServer;
import dev.failover.testkit.dns.BindServer;
import dev.failover.testkit.dns.KnotServer;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * One decision written to two DNS providers (ADR 0036): a real BIND9 and a real Knot DNS, each primary for the zone and
 * each with its own TSIG secret, the packaged services against a standalone broker. Two groups name both: one served
 * when any provider serves, one when all do. Knot is frozen by SIGSTOP of its PID before the primary fails: BIND serves
 * both switches, the group under "any" is CONVERGED, the one under "all" is not, and Knot's lane says why. After
 * SIGCONT Knot serves both within seconds and both groups are CONVERGED. Each server's zone serial counts one update per
 * group: nothing written twice, nothing rolled back.
 */
class MultiProviderFailoverIT {

    static final EventCodec CODEC = EventCodec.instance();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ZONE = "failover.test.";
    static final String ANY = "api-any";
    static final String ALL = "api-all";
    /** How long a call to a provider may take: a frozen server costs its lane this per attempt. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    static AuthoritativeServer bind;
    static AuthoritativeServer knot;
    static TestStack stack;
    static ServiceProcess actuator;
    static ServiceProcess decider;

    @BeforeAll
    static void startStack() throws Exception {
        List<String> records = List.of(ANY + " IN A " + TestTopology.PRIMARY_IP, ALL + " IN A " + TestTopology.PRIMARY_IP);
        bind = BindServer.start(ZONE, records);
        knot = KnotServer.start(ZONE, records);
        Path settings = Files.createTempFile("actuator-providers-", ".properties");
        settings.toFile().deleteOnExit();
        Files.writeString(settings, instance("bind", bind) + instance("knot", knot));
        stack = TestStack.named("providers").backends(TestTopology.PRIMARY, TestTopology.SECONDARY)
                .topology(s -> yaml(s.backend(TestTopology.PRIMARY).healthUrl(), s.backend(TestTopology.SECONDARY).healthUrl()))
                .probes().deciders(1).actuator().env(TestStack.ACTUATOR, "QUARKUS_CONFIG_LOCATIONS", settings.toString())
                .start();
        actuator = stack.actuator();
        decider = stack.decider();
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (knot != null && knot.pid() > 0) {
            signal(knot, "CONT");
        }
        TestStack.closeAll(stack, bind, knot);
    }

    @Test
    void aFailoverIsServedByOneProviderWhileTheOtherIsFrozenAndByBothOnceItReturns() throws Exception {
        for (AuthoritativeServer server : List.of(bind, knot)) {
            for (String group : List.of(ANY, ALL)) {
                await(server.product() + " answers the primary for " + group).atMost(Duration.ofSeconds(30))
                        .until(() -> answers(server, group).equals(Set.of(TestTopology.PRIMARY_IP)));
            }
        }
        for (String group : List.of(ANY, ALL)) {
            await("the decision-service sees the primary of " + group + " HEALTHY").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500)).until(() -> health(group, TestTopology.PRIMARY).equals("HEALTHY"));
        }
        long bindSerial = DnsQueries.serial(bind.port(), ZONE);
        long knotSerial = DnsQueries.serial(knot.port(), ZONE);
        DemoBackend primary = stack.backend(TestTopology.PRIMARY);
        try (TopicClient client = new TopicClient(stack.kafka().bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS)) {
            signal(knot, "STOP");
            Instant failedAt = Instant.now();
            primary.fail();
            for (String group : List.of(ANY, ALL)) {
                Decision failover = CODEC.decode(decisions.await(r -> r.key().equals(group), Duration.ofSeconds(60)).value(),
                        Decision.class);
                assertThat(failover.kind()).isEqualTo(DecisionKind.FAILOVER);
            }
            for (String group : List.of(ANY, ALL)) {
                await("BIND answers the secondary for " + group + " while Knot is frozen").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> answers(bind, group).equals(Set.of(TestTopology.SECONDARY_IP)));
            }
            Duration bindServed = Duration.between(failedAt, Instant.now());
            System.out.printf("failure -> both groups served by BIND %d ms (Knot frozen)%n", bindServed.toMillis());

            await("the group under 'any' CONVERGED, Knot's lane not served").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        assertThat(actuatorGroup(ANY).path("status").asText()).isEqualTo("CONVERGED");
                        assertThat(lane(ANY, "bind").path("state").asText()).isEqualTo("SERVED");
                        assertThat(lane(ANY, "knot").path("state").asText()).isEqualTo("CONVERGING");
                        assertThat(lane(ANY, "knot").path("detail").asText()).contains("127.0.0.1:" + knot.port());
                    });
            assertThat(actuatorGroup(ALL).path("status").asText()).as("the group under 'all' waits for Knot")
                    .isEqualTo("CONVERGING");
            await("the decision-service shows each provider's lane of " + ANY).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        JsonNode lanes = DeciderViews.view(decider, ANY).at("/serving/lanes");
                        assertThat(lanes.toString()).contains("\"bind\"").contains("SERVED").contains("\"knot\"");
                    });

            signal(knot, "CONT");
            Instant thawedAt = Instant.now();
            for (String group : List.of(ANY, ALL)) {
                await("Knot answers the secondary for " + group + " once back").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> answers(knot, group).equals(Set.of(TestTopology.SECONDARY_IP)));
            }
            Duration knotServed = Duration.between(thawedAt, Instant.now());
            System.out.printf("Knot back -> both groups served by Knot %d ms%n", knotServed.toMillis());
            await("both groups CONVERGED, every lane SERVED").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        for (String group : List.of(ANY, ALL)) {
                            assertThat(actuatorGroup(group).path("status").asText()).as(group).isEqualTo("CONVERGED");
                            assertThat(lane(group, "knot").path("state").asText()).as(group + " knot").isEqualTo("SERVED");
                        }
                    });
            assertThat(DnsQueries.serial(bind.port(), ZONE)).as("BIND: one update per group, none again")
                    .isEqualTo(bindSerial + 2);
            assertThat(DnsQueries.serial(knot.port(), ZONE)).as("Knot: one update per group once back")
                    .isEqualTo(knotSerial + 2);
        }
    }

    /** The settings of one RFC 2136 provider instance, its TSIG secret in a file as a mounted Secret would be. */
    static String instance(String id, AuthoritativeServer server) throws IOException {
        Path secret = Files.createTempFile("tsig-" + id + "-", ".secret");
        secret.toFile().deleteOnExit();
        Files.writeString(secret, server.secret() + "\n");
        String prefix = "failover.dns.providers." + id + ".";
        return prefix + "kind=rfc2136\n" + prefix + "server=127.0.0.1\n" + prefix + "port=" + server.port() + "\n"
                + prefix + "tsig-key-name=" + AuthoritativeServer.KEY_NAME + "\n" + prefix + "tsig-secret-file=" + secret
                + "\n" + prefix + "call-timeout=" + CALL_TIMEOUT + "\n";
    }

    /** Two groups over the same two targets, each written to both providers: one served under any, one under all. */
    static String yaml(String primaryUrl, String secondaryUrl) {
        String one = TestTopology.yaml(primaryUrl, secondaryUrl);
        int start = one.indexOf("groups:\n") + "groups:\n".length();
        String group = one.substring(start);
        String dns = "dns: {zone: failover.test., name: " + TestTopology.RECORD + ", type: A, ttl: 5}";
        StringBuilder yaml = new StringBuilder(one.substring(0, start).replace("groups:\n",
                "dnsProviders:\n  - {id: bind, kind: rfc2136}\n  - {id: knot, kind: rfc2136}\ngroups:\n"));
        for (String id : List.of(ANY, ALL)) {
            yaml.append(group.replace("id: " + TestTopology.GROUP, "id: " + id).replace(dns, "dns: {zone: failover.test.,"
                    + " name: " + id + ".failover.test., type: A, ttl: 5, providers: [{provider: knot}, {provider: bind}],"
                    + " served: " + (id.equals(ANY) ? "any" : "all") + "}"));
        }
        return yaml.toString();
    }

    static Set<String> answers(AuthoritativeServer server, String group) throws IOException {
        return DnsQueries.answers("127.0.0.1", server.port(), group + ".failover.test.");
    }

    static String health(String group, String target) throws IOException {
        for (JsonNode t : DeciderViews.view(decider, group).get("targets")) {
            if (t.get("target").asText().equals(target)) {
                return t.get("health").asText();
            }
        }
        throw new AssertionError("no target " + target + " in the view of " + group);
    }

    static JsonNode actuatorGroup(String group) throws IOException {
        return JSON.readTree(actuator.get("/groups/" + group, "viewer"));
    }

    static JsonNode lane(String group, String lane) throws IOException {
        for (JsonNode row : JSON.readTree(actuator.get("/groups/" + group + "/providers", "viewer"))) {
            if (row.path("lane").asText().equals(lane)) {
                return row;
            }
        }
        throw new AssertionError("no lane " + lane + " in GET /groups/" + group + "/providers");
    }

    /** SIGSTOP or SIGCONT to the server's process: a server that hangs, not one that refuses. */
    static void signal(AuthoritativeServer server, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(server.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal + " " + server.product()).isZero();
    }
}
