package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

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
 * SIGCONT Knot serves both within seconds and both groups are CONVERGED. Then, each from where the one before left
 * the groups (one stack for the class): BIND stopped during a failback, served by Knot and caught up once started again;
 * Knot restarted with another TSIG secret, refusing the actuator until it has its secret back and an operator retries;
 * the actuator killed with SIGKILL after BIND took a failback while Knot is frozen, and a new one taking over. Each
 * server's zone serial counts at most one update per group and switch (groups' changes sent together share one):
 * nothing written twice, nothing rolled back (ADR 0036, "Test plan").
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiProviderFailoverIT {

    static final EventCodec CODEC = EventCodec.instance();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ZONE = "failover.test.";
    static final String ANY = "api-any";
    static final String ALL = "api-all";
    /** The actuator's lane metrics (ADR 0036): exported only for groups of several providers, so checked here. */
    static final String LANE_METRICS = "failover_actuator_lane";
    /** How long a call to a provider may take: a frozen server costs its lane this per attempt. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    static AuthoritativeServer bind;
    static AuthoritativeServer knot;
    static TestStack stack;
    static ServiceProcess actuator;
    static ServiceProcess decider;
    static DemoBackend primary;
    static TopicClient client;
    /** failover.decisions from the start: each scenario waits for the groups' next decisions. */
    static TopicClient.Reader decisions;
    /** The epoch of each group's last decision seen: a scenario waits for a newer one. */
    static final Map<String, Long> EPOCHS = new HashMap<>(Map.of(ANY, 0L, ALL, 0L));

    @BeforeAll
    static void startStack() throws Exception {
        List<String> records = List.of(ANY + " IN A " + TestTopology.PRIMARY_IP,
                ALL + " IN A " + TestTopology.PRIMARY_IP);
        bind = BindServer.start(ZONE, records);
        knot = KnotServer.start(ZONE, records);
        Path settings = Files.createTempFile("actuator-providers-", ".properties");
        settings.toFile().deleteOnExit();
        Files.writeString(settings, instance("bind", bind) + instance("knot", knot));
        stack = TestStack.named("providers").backends(TestTopology.PRIMARY, TestTopology.SECONDARY)
                .topology(s -> yaml(s.backend(TestTopology.PRIMARY).healthUrl(),
                        s.backend(TestTopology.SECONDARY).healthUrl()))
                .probes().deciders(1).actuator()
                .env(TestStack.ACTUATOR, "QUARKUS_CONFIG_LOCATIONS", settings.toString())
                .start();
        actuator = stack.actuator();
        decider = stack.decider();
        primary = stack.backend(TestTopology.PRIMARY);
        client = TopicClient.of(stack.kafka().bootstrapServers());
        decisions = client.reader(Topics.DECISIONS);
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (knot != null && knot.pid() > 0) {
            signal(knot, "CONT");
        }
        TestStack.closeAll(decisions, client, stack, bind, knot);
    }

    @Test
    @Order(1)
    void aFailoverIsServedByOneProviderWhileTheOtherIsFrozenAndByBothOnceItReturns() throws Exception {
        for (AuthoritativeServer server : List.of(bind, knot)) {
            awaitAnswer(server, TestTopology.PRIMARY_IP, "at the start", Instant.now());
        }
        for (String group : List.of(ANY, ALL)) {
            await("the decision-service sees the primary of " + group + " HEALTHY").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> health(group, TestTopology.PRIMARY).equals("HEALTHY"));
        }
        Serials before = serials();
        signal(knot, "STOP");
        Instant failedAt = Instant.now();
        primary.fail();
        long bindSwitched = switched("failure (Knot frozen)", failedAt, DecisionKind.FAILOVER, bind,
                TestTopology.SECONDARY_IP, before);

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
        // every lane metric an alert names is exported (FailoverChainIT checks the others with a Prometheus), and the
        // lanes of the 'any' group disagree while Knot is frozen
        String exported = actuator.metrics();
        java.util.regex.Matcher named = java.util.regex.Pattern.compile(LANE_METRICS + "[a-z_]+").matcher(
                Files.readString(ServiceProcess.ROOT.resolve("monitoring/prometheus/failover-alerts.yml")));
        int metrics = 0;
        while (named.find()) {
            assertThat(exported).as("the actuator exports " + named.group()).contains(named.group() + "{");
            metrics++;
        }
        assertThat(metrics).as("the alerts name lane metrics").isGreaterThanOrEqualTo(2);
        await("the lanes of " + ANY + " disagree").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    java.util.regex.Matcher disagree = java.util.regex.Pattern.compile(LANE_METRICS
                            + "s_disagree_seconds\\{[^}]*group=\"" + ANY + "\"[^}]*} ([0-9.eE+-]+)")
                            .matcher(actuator.metrics());
                    assertThat(disagree.find()).as("the disagreement gauge of " + ANY).isTrue();
                    assertThat(Double.parseDouble(disagree.group(1))).isGreaterThan(0);
                });

        signal(knot, "CONT");
        caughtUp("Knot back", Instant.now(), knot, TestTopology.SECONDARY_IP, bind, bindSwitched, before);
    }

    @Test
    @Order(2)
    void bindStoppedDuringAFailbackLeavesTheAnyGroupToKnotAndCatchesUpOnceStarted() throws Exception {
        Serials before = serials();
        bind.stop(); // SIGTERM: its port refuses connections, no call hangs
        Instant recoveredAt = Instant.now();
        primary.recover();
        long knotSwitched = switched("primary back (BIND stopped)", recoveredAt, DecisionKind.FAILBACK, knot,
                TestTopology.PRIMARY_IP, before);

        await("the group under 'any' CONVERGED by Knot, BIND's lane not served").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertThat(actuatorGroup(ANY).path("status").asText()).isEqualTo("CONVERGED");
                    assertThat(lane(ANY, "knot").path("state").asText()).isEqualTo("SERVED");
                    for (String group : List.of(ANY, ALL)) {
                        JsonNode bindLane = lane(group, "bind");
                        assertThat(bindLane.path("state").asText()).as(group + " bind").isEqualTo("CONVERGING");
                        assertThat(bindLane.path("detail").asText()).as(group + " bind detail")
                                .contains("127.0.0.1:" + bind.port());
                        assertThat(bindLane.path("attempt").asInt()).as(group + " bind attempt").isPositive();
                        assertThat(bindLane.path("unservedSince").isTextual()).as(group + " bind unservedSince")
                                .isTrue();
                    }
                });
        assertThat(actuatorGroup(ALL).path("status").asText()).as("the group under 'all' waits for BIND")
                .isEqualTo("CONVERGING");
        assertThat(lane(ANY, "knot").path("unservedSince").isMissingNode() || lane(ANY, "knot").path("unservedSince")
                .isNull()).as("Knot's lane serves: no unservedSince").isTrue();

        bind.start();
        caughtUp("BIND back", Instant.now(), bind, TestTopology.PRIMARY_IP, knot, knotSwitched, before);
    }

    @Test
    @Order(3)
    void knotRestartedWithAnotherTsigSecretIsRefusedAndServedOnceItHasItBackAndAnOperatorRetries() throws Exception {
        Serials before = serials();
        String otherSecret = newSecret();
        // Knot restarted with another secret while the primary fails: stopped first, so that it refuses the
        // failover, not a resync of the decision before (which the group would report BLOCKED for that decision)
        Path conf = knotConfiguration();
        knot.stop();
        setKnotSecret(conf, knot.secret(), otherSecret);
        Instant failedAt = Instant.now();
        primary.fail();
        long bindSwitched = switched("failure (Knot restarting with another key)", failedAt, DecisionKind.FAILOVER,
                bind,
                TestTopology.SECONDARY_IP, before);
        knot.start();

        await("Knot's lanes REFUSED with its answer: 'any' CONVERGED by BIND, 'all' BLOCKED")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    for (String group : List.of(ANY, ALL)) {
                        JsonNode knotLane = lane(group, "knot");
                        assertThat(knotLane.path("state").asText()).as(group + " knot").isEqualTo("REFUSED");
                        assertThat(knotLane.path("detail").asText()).as(group + " knot detail")
                                .contains("127.0.0.1:" + knot.port()).contains("NOTAUTH");
                        assertThat(lane(group, "bind").path("state").asText()).as(group + " bind").isEqualTo("SERVED");
                    }
                    assertThat(actuatorGroup(ANY).path("status").asText()).isEqualTo("CONVERGED");
                    JsonNode all = actuatorGroup(ALL);
                    assertThat(all.path("status").asText()).isEqualTo("BLOCKED");
                    assertThat(all.path("detail").asText()).contains("knot");
                });
        for (String group : List.of(ANY, ALL)) {
            assertThat(answers(knot, group)).as("Knot, refusing, still answers the primary for " + group)
                    .containsExactly(TestTopology.PRIMARY_IP);
        }
        assertUpdates(knot, before, 0, "nothing written while it refuses");

        knot.stop();
        setKnotSecret(conf, otherSecret, knot.secret());
        knot.start();
        // the key fixed: refused for good until an operator's retry (ADR 0036, "Served under all and any"), past a
        // resync at which the actuator reads the lanes again
        await("Knot's lanes stay REFUSED until a retry").during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    for (String group : List.of(ANY, ALL)) {
                        assertThat(lane(group, "knot").path("state").asText()).as(group + " knot").isEqualTo("REFUSED");
                    }
                    assertThat(actuatorGroup(ALL).path("status").asText()).isEqualTo("BLOCKED");
                });
        assertUpdates(knot, before, 0, "nothing written before the retry");
        // the operator's retry of each group tries its refused lane again
        Instant keyBackAt = Instant.now();
        for (String group : List.of(ANY, ALL)) {
            retry(group);
        }
        caughtUp("key back and retry", keyBackAt, knot, TestTopology.SECONDARY_IP, bind, bindSwitched, before);
    }

    @Test
    @Order(4)
    void anActuatorKilledAfterBindTookAFailbackWhileKnotIsFrozenIsTakenOverWithNothingWrittenTwice() throws Exception {
        Serials before = serials();
        signal(knot, "STOP");
        Instant recoveredAt = Instant.now();
        primary.recover();
        long bindSwitched = switched("primary back (Knot frozen)", recoveredAt, DecisionKind.FAILBACK, bind,
                TestTopology.PRIMARY_IP, before);

        actuator.kill(); // it wrote BIND; its reads of Knot sit unanswered in Knot's socket buffers
        actuator = stack.start(TestStack.ACTUATOR, "actuator-restarted", Map.of());
        actuator.awaitReady(TestStack.READY);
        Instant readyAt = Instant.now();
        await("the new actuator: BIND's lanes SERVED as found, Knot's not").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertThat(actuatorGroup(ANY).path("status").asText()).isEqualTo("CONVERGED");
                    assertThat(actuatorGroup(ALL).path("status").asText()).isEqualTo("CONVERGING");
                    for (String group : List.of(ANY, ALL)) {
                        assertThat(lane(group, "bind").path("state").asText()).as(group + " bind").isEqualTo("SERVED");
                        JsonNode knotLane = lane(group, "knot");
                        assertThat(knotLane.path("state").asText()).as(group + " knot").isEqualTo("CONVERGING");
                        assertThat(knotLane.path("detail").asText()).as(group + " knot detail")
                                .contains("127.0.0.1:" + knot.port());
                    }
                });
        System.out.printf("new actuator ready -> BIND's lanes SERVED, Knot's CONVERGING %d ms%n",
                Duration.between(readyAt, Instant.now()).toMillis());
        assertThat(DnsQueries.serial(bind.port(), ZONE)).as("BIND: not written again by the new actuator")
                .isEqualTo(bindSwitched);

        signal(knot, "CONT");
        caughtUp("Knot back (new actuator)", Instant.now(), knot, TestTopology.PRIMARY_IP, bind, bindSwitched, before);
    }

    /**
     * After {@code event} (at {@code from}), each group's next decision is of {@code kind} and {@code server} serves it,
     * {@code ip}, for both groups (the time printed), each switch taken once since {@code before}; returns its serial.
     */
    static long switched(String event, Instant from, DecisionKind kind, AuthoritativeServer server, String ip,
            Serials before) throws IOException {
        decided(kind);
        Duration served = awaitAnswer(server, ip, "after: " + event, from);
        System.out.printf("%s -> both groups served by %s %d ms%n", event, server.product(), served.toMillis());
        return assertUpdates(server, before, 2, "both switched");
    }

    /** The next decision of each group (a newer epoch than the last seen), which must be of {@code kind}. */
    static void decided(DecisionKind kind) {
        for (String group : List.of(ANY, ALL)) {
            Decision decision = CODEC.decode(decisions.await(r -> r.key().equals(group) && CODEC.decode(r.value(),
                    Decision.class).epoch() > EPOCHS.get(group), Duration.ofSeconds(60)).value(), Decision.class);
            assertThat(decision.kind()).as("the next decision of " + group).isEqualTo(kind);
            EPOCHS.put(group, decision.epoch());
        }
    }

    /** Each server's zone serial: one dynamic update, one increment. */
    record Serials(long atBind, long atKnot) {

        long at(AuthoritativeServer server) {
            return server == bind ? atBind : atKnot;
        }
    }

    static Serials serials() throws IOException {
        return new Serials(DnsQueries.serial(bind.port(), ZONE), DnsQueries.serial(knot.port(), ZONE));
    }

    /**
     * {@code server} took the switches of {@code groups} groups since {@code before}, none twice: an update each, or one
     * for several when the actuator sent their changes to the zone together (an UPDATE message, one serial increment).
     * Returns the serial.
     */
    static long assertUpdates(AuthoritativeServer server, Serials before, int groups, String why) throws IOException {
        long serial = DnsQueries.serial(server.port(), ZONE);
        assertThat(serial - before.at(server)).as(server.product() + " serial: " + why)
                .isBetween((long) Math.min(1, groups), (long) groups);
        return serial;
    }

    /** An operator's retry of the group, with a reason: accepted. */
    static void retry(String group) {
        HttpResponse<String> retry = actuator.post("/groups/" + group + "/retry", "operator",
                "{\"reason\": \"Knot has the key again\"}");
        assertThat(retry.statusCode()).as("POST /groups/" + group + "/retry: " + retry.body()).isEqualTo(202);
    }

    /** Waits until {@code server} answers {@code ip} for these groups (none: both); returns the time since {@code from}. */
    static Duration awaitAnswer(AuthoritativeServer server, String ip, String when, Instant from, String... groups) {
        for (String group : groups.length == 0 ? List.of(ANY, ALL) : List.of(groups)) {
            await(server.product() + " answers " + ip + " for " + group + " " + when).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> answers(server, group).equals(Set.of(ip)));
        }
        return Duration.between(from, Instant.now());
    }

    /**
     * After {@code event} (at {@code from}), {@code second} serves {@code ip} for both groups (the time printed), both
     * groups are CONVERGED and every lane SERVED: {@code first} wrote nothing more since it switched both (its serial
     * then {@code switched}), {@code second} took each switch once since {@code before}.
     */
    static void caughtUp(String event, Instant from, AuthoritativeServer second, String ip, AuthoritativeServer first,
            long switched, Serials before) throws IOException {
        Duration served = awaitAnswer(second, ip, "after: " + event, from);
        System.out.printf("%s -> both groups served by %s %d ms%n", event, second.product(), served.toMillis());
        await("both groups CONVERGED, every lane SERVED").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    for (String group : List.of(ANY, ALL)) {
                        assertThat(actuatorGroup(group).path("status").asText()).as(group).isEqualTo("CONVERGED");
                        for (String lane : List.of("bind", "knot")) {
                            assertThat(lane(group, lane).path("state").asText()).as(group + " " + lane)
                                    .isEqualTo("SERVED");
                        }
                    }
                });
        assertThat(DnsQueries.serial(first.port(), ZONE)).as(first.product() + ": nothing written again")
                .isEqualTo(switched);
        assertUpdates(second, before, 2, "both switched once it could be");
    }

    /** The running Knot's configuration file: KnotServer offers no other key, so it is found from knotd's command line. */
    static Path knotConfiguration() throws IOException {
        List<String> command = List.of(Files.readString(Path.of("/proc/" + knot.pid() + "/cmdline")).split("\0"));
        return Path.of(command.get(command.indexOf("-c") + 1));
    }

    /**
     * The secret of Knot's key {@code from} replaced by {@code to}, for its next start: the actuator's signed queries and
     * updates then fail its check (NOTAUTH, BADSIG), as after a key rotated on the server alone.
     */
    static void setKnotSecret(Path conf, String from, String to) throws IOException {
        String text = Files.readString(conf);
        assertThat(text).as(conf.toString()).contains("secret: " + from);
        Files.writeString(conf, text.replace("secret: " + from, "secret: " + to));
    }

    static String newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The settings of one RFC 2136 provider instance, its TSIG secret in a file as a mounted Secret would be. */
    static String instance(String id, AuthoritativeServer server) throws IOException {
        Path secret = Files.createTempFile("tsig-" + id + "-", ".secret");
        secret.toFile().deleteOnExit();
        Files.writeString(secret, server.secret() + "\n");
        String prefix = "failover.dns.providers." + id + ".";
        return prefix + "kind=rfc2136\n" + prefix + "server=127.0.0.1\n" + prefix + "port=" + server.port() + "\n"
                + prefix + "tsig-key-name=" + AuthoritativeServer.KEY_NAME + "\n" + prefix + "tsig-secret-file="
                + secret
                + "\n" + prefix + "call-timeout=" + CALL_TIMEOUT + "\n";
    }

    /** Two groups over the same two targets, each written to both providers: one served under any, one under all. */
    static String yaml(String primaryUrl, String secondaryUrl) {
        String one = TestTopology.yaml(primaryUrl, secondaryUrl);
        int start = one.indexOf("groups:\n") + "groups:\n".length();
        String group = one.substring(start);
        String dns = "dns: {zone: failover.test., name: " + TestTopology.RECORD + ", type: A, ttl: 5}";
        String thresholds = "thresholds: {failuresToDown: 2, successesToUp: 2, minDwellSeconds: 0}";
        // the scenarios fail and recover the primary four times within two minutes: no flap guard for that
        String moreSwitches = "thresholds: {failuresToDown: 2, successesToUp: 2, minDwellSeconds: 0, maxSwitchesPerHour: 10,"
                + " flapTransitions: 0}";
        assertThat(group).contains(dns).contains(thresholds);
        StringBuilder yaml = new StringBuilder(one.substring(0, start).replace("groups:\n",
                "dnsProviders:\n  - {id: bind, kind: rfc2136}\n  - {id: knot, kind: rfc2136}\ngroups:\n"));
        for (String id : List.of(ANY, ALL)) {
            yaml.append(group.replace("id: " + TestTopology.GROUP, "id: " + id).replace(thresholds, moreSwitches)
                    .replace(dns,
                            "dns: {zone: failover.test., name: " + id + ".failover.test., type: A, ttl: 5, providers:"
                                    + " [{provider: knot}, {provider: bind}], served: "
                                    + (id.equals(ANY) ? "any" : "all") + "}"));
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
