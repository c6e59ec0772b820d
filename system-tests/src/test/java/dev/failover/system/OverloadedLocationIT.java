package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * A probe location deliberately overloaded by its configuration: 400 groups of two targets at 1 s against one healthy
 * backend that answers in 40 ms, with at most 4 probes in flight, so
 * it can complete at most about {@code IN_FLIGHT * 1000 / ANSWER_MILLIS} probes a second of the {@code 2 * GROUPS} due,
 * on any machine. Before ADR 0008 the probes waited in the connection pool until their timeout and were published DOWN
 * (TIMEOUT). Now the location must say it is impaired: zero DOWN results, zero decisions, the location never counted
 * as failing — while it keeps publishing UP for the probes it does make.
 */
class OverloadedLocationIT {

    static final EventCodec CODEC = EventCodec.instance();
    // -Doverload.groups=2500 -Doverload.in-flight=512 -Doverload.answer-millis=1 measures a location overloaded by CPU
    static final int GROUPS = Integer.getInteger("overload.groups", 400);
    static final int IN_FLIGHT = Integer.getInteger("overload.in-flight", 4);
    static final int ANSWER_MILLIS = Integer.getInteger("overload.answer-millis", 40);
    static final int RESULTS = Integer.getInteger("overload.results", 8_000);

    @Test
    void anOverloadedLocationPublishesNoDownAndCausesNoDecision() throws Exception {
        ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);
        ExecutorService handlers = Executors.newFixedThreadPool(8);
        HttpServer backend = healthyButNotInstant(answers, handlers);
        try (TestStack stack = TestStack.named("overload").topology(s -> topology("http://127.0.0.1:" + backend.getAddress()
                .getPort() + "/health")).deciders(1).probes("loc-a").env(TestStack.PROBE, "FAILOVER_MAX_CONNECTIONS",
                        String.valueOf(IN_FLIGHT)).start();
                TopicClient client = new TopicClient(stack.kafka().bootstrapServers());
                TopicClient.Reader results = client.reader(Topics.PROBE_RESULTS);
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS)) {
            ServiceProcess probe = stack.probes().get(0);
            ServiceProcess decider = stack.decider();

            // positive event first: the location publishes, the probes it made among them (UP)
            List<ProbeResult> seen = new ArrayList<>();
            await("the overloaded location has published " + RESULTS + " results, UP among them")
                    .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                        List<ConsumerRecord<String, String>> records = results.poll();
                        records.subList(seen.size(), records.size()).forEach(r -> seen.add(CODEC.decode(r.value(), ProbeResult.class)));
                        return seen.size() >= RESULTS && seen.stream().anyMatch(r -> r.outcome() == ProbeOutcome.UP);
                    });
            Map<ProbeOutcome, Integer> byOutcome = new EnumMap<>(ProbeOutcome.class);
            Map<LocationImpairment, Integer> byImpairment = new EnumMap<>(LocationImpairment.class);
            seen.forEach(r -> {
                byOutcome.merge(r.outcome(), 1, Integer::sum);
                if (r.impairment() != null) {
                    byImpairment.merge(r.impairment(), 1, Integer::sum);
                }
            });
            String metrics = probe.metrics();
            System.out.printf("overloaded location: %d results %s, impaired %s; start delay %s; completed %s; impaired counter %s%n",
                    seen.size(), byOutcome, byImpairment, startDelay(metrics), sum(metrics, "failover_probe_completed_total"),
                    sum(metrics, "failover_probe_impaired_total"));
            assertThat(seen).as("results published as DOWN against a healthy target by an overloaded location")
                    .filteredOn(r -> r.outcome() == ProbeOutcome.DOWN).isEmpty();
            assertThat(byOutcome.getOrDefault(ProbeOutcome.UNKNOWN, 0)).as("results published as the location's impairment")
                    .isPositive();
            assertThat(sum(metrics, "failover_probe_impaired_total")).as("impaired results counted by the probe-service")
                    .isPositive();

            // the decision-service has taken results of every target in, and counts the location as failing nowhere
            await("the decision-service has results of every target from loc-a").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> locationViews(decider).stream().allMatch(l -> l.hasNonNull("lastResultAt")));
            List<JsonNode> views = locationViews(decider);
            assertThat(views).as("loc-a's view of every target").hasSize(2 * GROUPS);
            assertThat(views).as("loc-a counted as failing a target")
                    .filteredOn(l -> l.get("consecutiveFailures").asInt() > 0 || l.get("verdict").asText().equals("DOWN"))
                    .isEmpty();
            JsonNode groups = new ObjectMapper().readTree(decider.get("/groups", "viewer"));
            assertThat(groups).as("groups whose epoch moved: a decision was taken")
                    .filteredOn(g -> g.get("epoch").asLong() != 0).isEmpty();
            assertThat(decisions.readToEnd(Duration.ofSeconds(60))).as("decisions published while a healthy target was probed by an overloaded location")
                    .isEmpty();
        } finally {
            backend.stop(0);
            handlers.shutdownNow();
            answers.shutdownNow();
        }
    }

    /** Every group's targets as loc-a sees them, from GET /groups. */
    static List<JsonNode> locationViews(ServiceProcess decider) throws IOException {
        List<JsonNode> views = new ArrayList<>();
        for (JsonNode group : new ObjectMapper().readTree(decider.get("/groups", "viewer"))) {
            group.get("targets").forEach(t -> t.get("locations").forEach(views::add));
        }
        return views;
    }

    /** A healthy backend that answers "ok" after {@code ANSWER_MILLIS} ms, without holding a thread meanwhile. */
    static HttpServer healthyButNotInstant(ScheduledExecutorService answers, ExecutorService handlers) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.createContext("/health", exchange -> answers.schedule(() -> {
            byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
            try {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException e) {
                // the prober closed the connection after judging the head: nothing to do
            } finally {
                exchange.close();
            }
        }, ANSWER_MILLIS, TimeUnit.MILLISECONDS));
        server.setExecutor(handlers);
        server.start();
        return server;
    }

    static String topology(String url) {
        StringBuilder yaml = new StringBuilder("version: 1\nlocations: [loc-a]\ngroups:\n");
        for (int g = 0; g < GROUPS; g++) {
            yaml.append("""
                      - id: g%1$d
                        dns: {zone: failover.test., name: g%1$d.failover.test., type: A, ttl: 5}
                        targets:
                          - id: primary
                            region: us-east-1
                            probe: {type: http, url: "%2$s", bodyContains: ok, intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: 900}
                            dns: {values: [192.0.2.10]}
                          - id: secondary
                            region: us-west-2
                            probe: {type: http, url: "%2$s", bodyContains: ok, intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: 900}
                            dns: {values: [192.0.2.20]}
                        thresholds: {failuresToDown: 2, successesToUp: 2, minDwellSeconds: 0}
                    """.formatted(g, url));
        }
        dev.failover.contract.topology.TopologyLoader.parse(yaml.toString(), "overload topology");
        return yaml.toString();
    }

    /** Sum of every series of a counter in the Prometheus text. */
    static double sum(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*\\} (\\S+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    /** The start-delay histogram's cumulative buckets, e.g. {le=0.01: 120, ..., count: 900}. */
    static String startDelay(String metrics) {
        Matcher m = Pattern.compile("(?m)^failover_probe_start_delay_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        StringBuilder buckets = new StringBuilder();
        while (m.find()) {
            buckets.append(buckets.isEmpty() ? "" : ", ").append("le ").append(m.group(1)).append(" s: ")
                    .append((long) Double.parseDouble(m.group(2)));
        }
        return "{" + buckets + "}";
    }
}
