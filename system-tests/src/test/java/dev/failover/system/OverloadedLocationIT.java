package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.kafka.TopicClient;

/**
 * A probe location deliberately overloaded by its configuration: 400 groups of two targets at 1 s against one healthy
 * backend that answers in 40 ms, with at most 4 probes in flight, so
 * it can complete at most about {@code IN_FLIGHT * 1000 / ANSWER_MILLIS} probes a second of the {@code 2 * GROUPS} due,
 * on any machine. Before ADR 0008 the probes waited in the connection pool until their timeout and were published DOWN
 * (TIMEOUT). Now the location must say it is impaired: zero DOWN results, zero decisions, the location never counted
 * as failing — while it keeps publishing UP for the probes it does make.
 * <p>
 * The backend runs in this JVM, which shares the machine's two cores with the broker and the services: when this JVM
 * itself is held up (measured by {@link HoldUps}) for most of a probe's timeout, the backend <em>was</em> slow and a
 * TIMEOUT or TOO_SLOW against it is right. Such a DOWN is excused and printed, with its target left out of the checks
 * of the decision-service's counts; every other DOWN fails the test.
 */
class OverloadedLocationIT {

    static final EventCodec CODEC = EventCodec.instance();
    // -Doverload.groups=2500 -Doverload.in-flight=512 -Doverload.answer-millis=1 measures a location overloaded by CPU
    static final int GROUPS = Integer.getInteger("overload.groups", 400);
    static final int IN_FLIGHT = Integer.getInteger("overload.in-flight", 4);
    static final int ANSWER_MILLIS = Integer.getInteger("overload.answer-millis", 40);
    static final int RESULTS = Integer.getInteger("overload.results", 8_000);
    static final Duration TIMEOUT = Duration.ofMillis(900);
    /** A probe is excused when the backend's JVM was held up for at least half its timeout: the backend was slow then. */
    static final Duration EXCUSED_HOLD_UP = TIMEOUT.dividedBy(2);

    @Test
    void anOverloadedLocationPublishesNoDownAndCausesNoDecision() throws Exception {
        ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);
        ExecutorService handlers = Executors.newFixedThreadPool(8);
        HoldUps holdUps = HoldUps.watch(Duration.ofMillis(20), Duration.ofMillis(100));
        HttpServer backend = healthyButNotInstant(answers, handlers, holdUps);
        try (TestStack stack = TestStack.named("overload")
                .topology(s -> topology("http://127.0.0.1:" + backend.getAddress()
                        .getPort() + "/health"))
                .deciders(1).probes("loc-a").env(TestStack.PROBE, "FAILOVER_MAX_CONNECTIONS",
                        String.valueOf(IN_FLIGHT))
                .start();
                TopicClient client = TopicClient.of(stack.kafka().bootstrapServers());
                TopicClient.Reader results = client.reader(Topics.PROBE_RESULTS);
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS)) {
            ServiceProcess probe = stack.probes().get(0);
            ServiceProcess decider = stack.decider();

            // positive event first: the location publishes, the probes it made among them (UP)
            List<ProbeResult> seen = new ArrayList<>();
            await("the overloaded location has published " + RESULTS + " results, UP among them")
                    .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                        List<ConsumerRecord<String, String>> records = results.poll();
                        records.subList(seen.size(), records.size())
                                .forEach(r -> seen.add(CODEC.decode(r.value(), ProbeResult.class)));
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
            System.out.printf(
                    "overloaded location: %d results %s, impaired %s; start delay %s; completed %s; impaired counter %s%n",
                    seen.size(), byOutcome, byImpairment, startDelay(metrics),
                    sum(metrics, "failover_probe_completed_total"),
                    sum(metrics, "failover_probe_impaired_total"));
            assertThat(unexcusedDowns(seen, holdUps))
                    .as("results published as DOWN against a healthy target by an overloaded location")
                    .isEmpty();
            assertThat(byOutcome.getOrDefault(ProbeOutcome.UNKNOWN, 0))
                    .as("results published as the location's impairment")
                    .isPositive();
            assertThat(sum(metrics, "failover_probe_impaired_total"))
                    .as("impaired results counted by the probe-service")
                    .isPositive();

            // the decision-service has taken results of every target in, and counts the location as failing nowhere
            await("the decision-service has results of every target from loc-a").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> locationViews(decider).stream().allMatch(l -> l.hasNonNull("lastResultAt")));
            List<JsonNode> views = locationViews(decider);
            JsonNode groups = new ObjectMapper().readTree(decider.get("/groups", "viewer"));
            List<ConsumerRecord<String, String>> decided = decisions.readToEnd(Duration.ofSeconds(60));
            // every result published until now, the views' included: a DOWN is excused or fails the test
            List<ConsumerRecord<String, String>> records = results.poll();
            records.subList(seen.size(), records.size())
                    .forEach(r -> seen.add(CODEC.decode(r.value(), ProbeResult.class)));
            assertThat(unexcusedDowns(seen, holdUps))
                    .as("results published as DOWN against a healthy target by an overloaded"
                            + " location, up to the decision-service's views")
                    .isEmpty();
            Set<String> excusedGroups = new HashSet<>();
            seen.stream().filter(r -> r.outcome() == ProbeOutcome.DOWN).forEach(r -> {
                excusedGroups.add(r.group());
                System.out.printf(
                        "excused DOWN: %s/%s started %s, %s after %s ms; this JVM held up %s ms within its timeout%n",
                        r.group(), r.target(), r.startedAt(), r.failureReason(), r.durationMillis(),
                        holdUps.within(r.startedAt(), r.startedAt().plus(TIMEOUT)).toMillis());
            });
            assertThat(views).as("loc-a's view of every target").hasSize(2 * GROUPS);
            assertThat(views).as("loc-a counted as failing a target of a group without an excused DOWN")
                    .filteredOn(l -> !excusedGroups.contains(l.get("group").asText()))
                    .filteredOn(
                            l -> l.get("consecutiveFailures").asInt() > 0 || l.get("verdict").asText().equals("DOWN"))
                    .isEmpty();
            assertThat(groups).as("groups whose epoch moved: a decision was taken (groups with an excused DOWN aside)")
                    .filteredOn(g -> !excusedGroups.contains(g.get("group").asText()))
                    .filteredOn(g -> g.get("epoch").asLong() != 0).isEmpty();
            assertThat(decided)
                    .as("decisions published while a healthy target was probed by an overloaded location (groups "
                            + "with an excused DOWN aside)")
                    .filteredOn(r -> !excusedGroups.contains(r.key())).isEmpty();
        } finally {
            holdUps.close();
            backend.stop(0);
            handlers.shutdownNow();
            answers.shutdownNow();
        }
    }

    /**
     * The DOWN results not excused: a DOWN is excused only as a TIMEOUT or TOO_SLOW of a probe during whose timeout this
     * JVM, the backend's, was held up at least {@link #EXCUSED_HOLD_UP}.
     */
    static List<ProbeResult> unexcusedDowns(List<ProbeResult> results, HoldUps holdUps) {
        return results.stream().filter(r -> r.outcome() == ProbeOutcome.DOWN)
                .filter(r -> !(Set.of(FailureReason.TIMEOUT, FailureReason.TOO_SLOW).contains(r.failureReason())
                        && holdUps.within(r.startedAt(), r.startedAt().plus(TIMEOUT)).compareTo(EXCUSED_HOLD_UP) >= 0))
                .toList();
    }

    /** Every group's targets as loc-a sees them, from GET /groups, each with its group's id added as "group". */
    static List<JsonNode> locationViews(ServiceProcess decider) throws IOException {
        List<JsonNode> views = new ArrayList<>();
        for (JsonNode group : new ObjectMapper().readTree(decider.get("/groups", "viewer"))) {
            group.get("targets").forEach(t -> t.get("locations").forEach(l -> views.add(
                    ((ObjectNode) l.deepCopy()).put("group", group.get("group").asText()))));
        }
        return views;
    }

    /**
     * A healthy backend that answers "ok" after {@code ANSWER_MILLIS} ms, without holding a thread meanwhile; an answer
     * sent more than 100 ms after it was due is recorded in {@code holdUps}.
     */
    static HttpServer healthyButNotInstant(ScheduledExecutorService answers, ExecutorService handlers, HoldUps holdUps)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.createContext("/health", exchange -> {
            Instant due = Instant.now().plusMillis(ANSWER_MILLIS);
            answers.schedule(() -> {
                Instant sent = Instant.now();
                if (sent.isAfter(due.plusMillis(100))) {
                    holdUps.add(new HoldUps.Interval(due, sent));
                }
                byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
                try {
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                } catch (IOException e) {
                    // the prober closed the connection after judging the head: nothing to do
                } finally {
                    exchange.close();
                }
            }, ANSWER_MILLIS, TimeUnit.MILLISECONDS);
        });
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
                            probe: {type: http, url: "%2$s", bodyContains: ok, intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: %3$d}
                            dns: {values: [192.0.2.10]}
                          - id: secondary
                            region: us-west-2
                            probe: {type: http, url: "%2$s", bodyContains: ok, intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: %3$d}
                            dns: {values: [192.0.2.20]}
                        thresholds: {failuresToDown: 2, successesToUp: 2, minDwellSeconds: 0}
                    """.formatted(g, url, TIMEOUT.toMillis()));
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
        Matcher m = Pattern
                .compile("(?m)^failover_probe_start_delay_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        StringBuilder buckets = new StringBuilder();
        while (m.find()) {
            buckets.append(buckets.isEmpty() ? "" : ", ").append("le ").append(m.group(1)).append(" s: ")
                    .append((long) Double.parseDouble(m.group(2)));
        }
        return "{" + buckets + "}";
    }
}
