package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.event.Topics;
import dev.failover.testkit.db.PostgresPair;
import dev.failover.testkit.db.WritingClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * The data tier moves with the traffic (ADR 0020), with the packaged services and real PostgreSQL: a primary in the
 * primary's region and its synchronous streaming replica in the secondary's, each a separate server process. A client
 * writes rows without pause to the database of the region the DNS record names (BIND9, the record the actuator
 * switches). The primary region fails: its backend fails its health checks and its database server crashes (SIGQUIT by
 * PID, PostgreSQL's immediate shutdown). The actuator promotes the replica before it switches DNS; the client's writes
 * then succeed on it, every row acknowledged before the failure is there, and when the old primary's server starts
 * again as the primary it was, the actuator fences it: it refuses writes.
 */
class DataTierIT {

    /** The prefix of the data tier's metrics, exported only for groups whose targets have database nodes. */
    static final String DATA_TIER_METRICS = "failover_actuator_database_";

    static final String EAST = "app-east";
    static final String WEST = "app-west";

    @Test
    @Tag("gate") // in ./scripts/test.sh --gate: the data tier moved with the traffic, nothing acknowledged lost
    void aWritingClientKeepsWorkingAcrossTheFailoverAndNothingAcknowledgedIsLost() throws Exception {
        try (PostgresPair pair = PostgresPair.start(); TestStack stack = stack("data", pair, 5)) {
            await("BIND answers the primary").atMost(Duration.ofSeconds(30)).until(() -> answers(stack).equals(
                    Set.of(TestTopology.PRIMARY_IP)));
            WritingClient.Route route = ready(stack, pair);
            // every data-tier metric an alert names is exported (FailoverChainIT checks the others with a Prometheus)
            String exported = stack.actuator().metrics();
            java.util.regex.Matcher named = java.util.regex.Pattern.compile(DATA_TIER_METRICS + "[a-z_]+").matcher(
                    java.nio.file.Files
                            .readString(ServiceProcess.ROOT.resolve("monitoring/prometheus/failover-alerts.yml")));
            int metrics = 0;
            while (named.find()) {
                assertThat(exported).as("the actuator exports " + named.group()).contains(named.group() + "{");
                metrics++;
            }
            assertThat(metrics).as("the alerts name data-tier metrics").isGreaterThanOrEqualTo(3);

            try (WritingClient writer = new WritingClient(route, PostgresPair.USER).start()) {
                await("rows written to the primary").atMost(Duration.ofSeconds(20))
                        .until(() -> writer.acknowledgedCount() >= 50);

                Instant failedAt = Instant.now();
                stack.backend(TestTopology.PRIMARY).fail();
                pair.primary().crash(); // SIGQUIT by PID: the region's database is gone with it
                System.out.println("primary region failed at " + failedAt);

                await("BIND answers the secondary").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> answers(stack).equals(Set.of(TestTopology.SECONDARY_IP)));
                int atSwitch = writer.acknowledgedCount();
                await("writes acknowledged by the promoted replica").atMost(Duration.ofSeconds(30))
                        .until(() -> writer.acknowledgedCount() >= atSwitch + 50);
                writer.stop();
                System.out.println("writer errors (first 20): " + String.join("\n  ", writer.errors()));

                Instant firstFailure = writer.firstFailure().orElseThrow();
                Instant firstSuccess = writer.firstSuccessAfterFailure().orElseThrow();
                System.out.printf(
                        "writes failed for %.1f s (from the first failed write at %s to the first success on the"
                                + " promoted replica at %s); %d rows acknowledged%n",
                        Duration.between(firstFailure, firstSuccess)
                                .toMillis() / 1000.0,
                        firstFailure, firstSuccess, writer.acknowledgedCount());
                assertThat(isPrimary(pair.replica().jdbcUrl())).as("the replica was promoted").isTrue();
                assertThat(writer.missingOn(pair.replica().jdbcUrl()))
                        .as("every row acknowledged, before and after the failover, on the promoted node").isEmpty();
            }

            // the old primary's server starts again as the primary it was: the actuator fences it within a resync
            pair.primary().start();
            Instant back = Instant.now();
            await("the old primary fenced when it came back").atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> refusesWrites(pair.primary().jdbcUrl()));
            System.out.printf("the old primary refuses writes %.1f s after it accepted connections again: %s%n",
                    Duration.between(back, Instant.now()).toMillis() / 1000.0, writeError(pair.primary().jdbcUrl()));
        }
    }

    /**
     * Loss exposure, with the packaged services: an asynchronous pair whose replication link is cut (the replica's WAL
     * receiver frozen by SIGSTOP) while a client writes, then the primary region fails (its backend, and its database
     * crashed by SIGQUIT). At a budget of 0 the actuator holds: the replica lacks what the primary acknowledged during
     * the cut, so it is not promoted and DNS stays. Then the old primary's server comes back (and the link): the move
     * fences it, waits until the replica has received everything it wrote, promotes, switches DNS, and no acknowledged
     * row is lost, the ones the returning old primary took included.
     */
    @Test
    void aFailoverThatWouldLoseWritesIsHeldAndCompletesLosslesslyWhenTheOldPrimaryReturns() throws Exception {
        try (PostgresPair pair = PostgresPair.start(PostgresPair.Replication.ASYNC, 1);
                TestStack stack = stack("data-held", pair, 0)) {
            WritingClient.Route route = ready(stack, pair);
            try (WritingClient writer = new WritingClient(route, PostgresPair.USER).start()) {
                heldByTheBudget(stack, pair, writer);
                await("not promoted for 3 s: it lacks acknowledged rows").during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !isPrimary(pair.replica().jdbcUrl()));
                assertThat(answers(stack)).as("DNS not switched").isEqualTo(Set.of(TestTopology.PRIMARY_IP));

                pair.primary().start(); // the old primary comes back, with what the replica lacks
                await("BIND answers the secondary").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> answers(stack).equals(Set.of(TestTopology.SECONDARY_IP)));
                int atSwitch = writer.acknowledgedCount();
                await("writes acknowledged by the promoted replica").atMost(Duration.ofSeconds(30))
                        .until(() -> writer.acknowledgedCount() >= atSwitch + 20);
                writer.stop();
                assertThat(refusesWrites(pair.primary().jdbcUrl())).as("the old primary fenced").isTrue();
                assertThat(writer.missingOn(pair.replica().jdbcUrl()))
                        .as("every row acknowledged, by the old primary before the cut, during it and after its return,"
                                + " on the promoted node")
                        .isEmpty();
            }
        }
    }

    /**
     * Lineage (ADR 0020), with the packaged services and three nodes: a primary and two asynchronous replicas, one in
     * each other region. The primary region fails (backend and database crashed): the secondary's replica is promoted
     * and takes the writes, while the third replica still follows the crashed original primary (nothing re-points it).
     * Then the secondary's region fails too. The decision-service moves the group to the third target, and the actuator
     * must not promote a replica that lacks everything written since the first failover, whatever the budget (60 s
     * here): the move is held, saying to re-point it, DNS stays, and the rows it would have lost are shown to be
     * missing on it.
     */
    @Test
    void aSecondFailoverNeverPromotesAReplicaThatStillFollowsTheFirstPrimary() throws Exception {
        try (PostgresPair nodes = PostgresPair.start(PostgresPair.Replication.ASYNC, 2);
                TestStack stack = threeNodeStack("data-second", nodes, 60)) {
            PostgresPair.Node third = nodes.replicas().get(1);
            WritingClient.Route route = ready(stack, nodes);
            await("the actuator knows what each replica would lose").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> metrics(stack.actuator()).contains(DATA_TIER_METRICS
                            + "loss_exposure_known{group=\"api\",target=\"secondary\"} 1.0"));
            try (WritingClient writer = new WritingClient(route, PostgresPair.USER).start()) {
                await("rows written to the primary").atMost(Duration.ofSeconds(20))
                        .until(() -> writer.acknowledgedCount() >= 50);
                stack.backend(TestTopology.PRIMARY).fail();
                nodes.primary().crash();
                await("BIND answers the secondary").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> answers(stack).equals(Set.of(TestTopology.SECONDARY_IP)));
                int atFirstSwitch = writer.acknowledgedCount();
                await("writes acknowledged by the promoted secondary").atMost(Duration.ofSeconds(30))
                        .until(() -> writer.acknowledgedCount() >= atFirstSwitch + 100);
                Set<Long> sinceFirstFailover = new java.util.HashSet<>(writer.acknowledged());
                sinceFirstFailover.removeAll(WritingClient.ids(third.jdbcUrl(), PostgresPair.USER));
                assertThat(sinceFirstFailover).as("rows acknowledged by the secondary that the third replica lacks")
                        .isNotEmpty();

                stack.backend(TestTopology.SECONDARY).fail();
                nodes.replica().crash();
                await("the second move held").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                        .until(() -> DataTierNemesisIT.status(stack.actuator()).path("desiredTarget").asText()
                                .equals(THIRD)
                                && metrics(stack.actuator()).contains(DATA_TIER_METRICS + "held{group=\"api\"} 1.0"));
                await("the third replica not promoted for 5 s").during(Duration.ofSeconds(5))
                        .atMost(Duration.ofSeconds(7))
                        .pollInterval(Duration.ofMillis(200)).until(() -> !isPrimary(third.jdbcUrl()));
                writer.stop();
                JsonNode status = DataTierNemesisIT.status(stack.actuator());
                System.out.println(
                        "second failover: " + status.path("status").asText() + ": " + status.path("detail").asText());
                assertThat(status.path("detail").asText()).as("GET /groups/api says what to do")
                        .contains("Re-point it at secondary's node");
                assertThat(answers(stack)).as("DNS not moved to a node that lacks the writes")
                        .isEqualTo(Set.of(TestTopology.SECONDARY_IP));
                assertThat(WritingClient.ids(third.jdbcUrl(), PostgresPair.USER))
                        .as("what promoting it would have lost")
                        .doesNotContainAnyElementsOf(sinceFirstFailover);
            }
        }
    }

    static final String THIRD = "third";
    static final String THIRD_IP = "192.0.2.30";
    static final String EU = "app-eu";

    /** The stack over a primary and two replicas: the group's third target, in eu-west-1, has the second replica. */
    static TestStack threeNodeStack(String name, PostgresPair nodes, int budget) throws Exception {
        return threeNodeStack(name, nodes, budget, PostgresPair.USER);
    }

    /** As {@link #threeNodeStack(String, PostgresPair, int)}, the actuator logging in to the primary as {@code eastUser}. */
    static TestStack threeNodeStack(String name, PostgresPair nodes, int budget, String eastUser) throws Exception {
        return TestStack.named(name).backends(TestTopology.PRIMARY, TestTopology.SECONDARY, THIRD)
                .topology(s -> {
                    String two = topology(s.backend(TestTopology.PRIMARY).healthUrl(), s.backend(TestTopology.SECONDARY)
                            .healthUrl(), nodes, budget);
                    int at = two.indexOf("    thresholds:");
                    return two.substring(0, at) + """
                                  - id: %s
                                    region: eu-west-1
                                    probe: {type: http, url: "%s", bodyContains: ok, intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: 900}
                                    dns: {values: [%s]}
                                    database: {kind: postgres, url: "%s", credentials: %s}
                            """.formatted(THIRD, s.backend(THIRD).healthUrl(), THIRD_IP,
                            nodes.replicas().get(1).jdbcUrl(), EU)
                    // two regions failing within a minute is what the correlated-failure guard holds (the
                    // plane suspects its own eyes): this group opts out, as an operator resuming it would
                            + two.substring(at).replace("safety: {maxDataLossSeconds: " + budget + ",",
                                    "safety: {maxDataLossSeconds: " + budget + ", correlatedFailureGuard: false,");
                })
                .bind9("failover.test.", List.of("api IN A " + TestTopology.PRIMARY_IP)).probes().deciders(1)
                .actuator().env(TestStack.ACTUATOR, "failover.database.credentials." + EAST + ".user", eastUser,
                        "failover.database.credentials." + WEST + ".user", PostgresPair.USER,
                        "failover.database.credentials." + EU + ".user", PostgresPair.USER,
                        "failover.database.ssl-mode", "disable")
                .start();
    }

    /**
     * A refusal feeds back (ADR 0010), with the packaged services and a real PostgreSQL pair: after the failover the
     * old primary's database comes back and is fenced (it is a former primary), its application recovers, and the
     * decision-service fails back to it automatically; the actuator refuses (BLOCKED). The refusal feeds back: the
     * decision-service shows the secondary active (what is served) and the primary not an eligible destination with the
     * actuator's reason, and when the secondary's application then fails, it holds naming the refusal instead of
     * staying "steady" on a refused target or deciding the failback again. Before refusals fed back it showed the
     * primary active and HEALTHY, explanation STEADY, and did nothing when the secondary failed.
     */
    @Test
    void aRefusedFailbackFeedsBackAndALaterFailureOfTheServedTargetIsSeen() throws Exception {
        try (PostgresPair pair = PostgresPair.start(); TestStack stack = stack("data-refused", pair, 5)) {
            ready(stack, pair);
            stack.backend(TestTopology.PRIMARY).fail();
            pair.primary().crash();
            await("BIND answers the secondary").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> answers(stack).equals(Set.of(TestTopology.SECONDARY_IP)));

            pair.primary().start(); // as the primary it was: the actuator's guard fences it
            await("the old primary fenced").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                    .until(() -> refusesWrites(pair.primary().jdbcUrl()));
            stack.backend(TestTopology.PRIMARY).recover(); // its application is back: the failback is decided
            ServiceProcess decider = stack.decider();
            await("the failback refused, fed back").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        JsonNode view = DeciderViews.view(decider);
                        assertThat(view.path("activeTarget").asText()).as("activeTarget in GET /groups/api")
                                .isEqualTo(TestTopology.SECONDARY);
                        JsonNode primary = target(view, TestTopology.PRIMARY);
                        assertThat(primary.at("/destination/verdict").asText()).isEqualTo("REFUSED_BY_ACTUATOR");
                        assertThat(primary.at("/destination/detail").asText()).contains("fenced as an old primary");
                    });
            assertThat(DeciderViews.view(decider).path("recentDecisions").get(0).path("kind").asText())
                    .as("the refused decision was the automatic failback").isEqualTo("FAILBACK");
            int decisions = DeciderViews.view(decider).path("recentDecisions").size();

            stack.backend(TestTopology.SECONDARY).fail();
            await("the secondary's failure seen, and held for the refusal").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        JsonNode now = JSON.readTree(decider.get("/groups/api/explanation", "viewer"));
                        assertThat(now.path("holdReason").asText()).as(now.toString()).isEqualTo("NO_ELIGIBLE_TARGET");
                        assertThat(now.path("summary").asText() + now.path("rules").toString()).contains("refused");
                    });
            assertThat(DeciderViews.view(decider).path("recentDecisions").size())
                    .as("no new decision to the refused target")
                    .isEqualTo(decisions);
            assertThat(answers(stack)).isEqualTo(Set.of(TestTopology.SECONDARY_IP));
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode target(JsonNode view, String id) {
        for (JsonNode t : view.path("targets")) {
            if (t.path("target").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no target " + id + " in " + view);
    }

    /**
     * The runbook's remedy with the packaged services: a failover held by the data-loss budget (an asynchronous pair,
     * the link cut while the client writes, the primary region lost at a budget of 0). An operator who accepts the loss
     * forces the target the decision-service already decided: the force goes out as a new decision (it used to answer
     * "already active" and send nothing), the replica is promoted and DNS moves; the rows the replica never received
     * are the loss the operator accepted.
     */
    @Test
    void aFailoverHeldByTheBudgetCompletesOnAnOperatorsForce() throws Exception {
        try (PostgresPair pair = PostgresPair.start(PostgresPair.Replication.ASYNC, 1);
                TestStack stack = stack("data-forced", pair, 0)) {
            WritingClient.Route route = ready(stack, pair);
            // a drill would move this group's database one way; without consent it is refused, saying what it would do
            java.net.http.HttpResponse<String> drill = stack.decider().post("/groups/api/drills", "operator",
                    "{\"reason\": \"quarterly DR drill\"}");
            assertThat(drill.statusCode()).as(drill.body()).isEqualTo(422);
            assertThat(drill.body()).contains("\"field\":\"promoteDatabase\"", pair.primary().jdbcUrl(),
                    pair.replica().jdbcUrl(), "fenced as an old primary");
            try (WritingClient writer = new WritingClient(route, PostgresPair.USER).start()) {
                heldByTheBudget(stack, pair, writer);

                java.net.http.HttpResponse<String> forced = stack.decider().post("/groups/api/force", "operator",
                        "{\"target\": \"" + TestTopology.SECONDARY + "\", \"reason\": \"the primary region is gone;"
                                + " accept the loss\"}");
                assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
                assertThat(forced.body()).contains("again (not served");
                await("BIND answers the secondary").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> answers(stack).equals(Set.of(TestTopology.SECONDARY_IP)));
                int atSwitch = writer.acknowledgedCount();
                await("writes acknowledged by the promoted replica").atMost(Duration.ofSeconds(30))
                        .until(() -> writer.acknowledgedCount() >= atSwitch + 20);
                writer.stop();
                assertThat(isPrimary(pair.replica().jdbcUrl())).as("promoted by the force").isTrue();
                Set<Long> onPromoted = WritingClient.ids(pair.replica().jdbcUrl(), PostgresPair.USER);
                System.out.printf("forced past the budget: %d of %d acknowledged rows not on the promoted node (the"
                        + " loss accepted)%n",
                        writer.acknowledged().stream().filter(id -> !onPromoted.contains(id))
                                .count(),
                        writer.acknowledgedCount());
            }
        }
    }

    /**
     * The way back performed (ADR 0020), with the packaged services, BIND9 and a real PostgreSQL pair: an operator's
     * switchover fences the primary and promotes the replica; the switch is then refused (the actuator frozen by
     * SIGSTOP the moment the replica takes writes, BIND's update policy re-read to refuse the key, the actuator
     * resumed: the refusal is in force before its write). Nothing wrote to the promoted node, so the actuator takes the
     * way back: the promoted node fenced, its next transaction id shown unchanged, the old primary unfenced. The
     * client, whose DNS never moved, writes to the old primary again, and every row it was told committed is there.
     * Before, the group kept retrying with the served application's database read-only until someone fixed BIND.
     */
    @Test
    void aSwitchoverRefusedAfterThePromotionIsTakenBackAndTheOldPrimaryWritesAgain() throws Exception {
        try (PostgresPair pair = PostgresPair.start(PostgresPair.Replication.ASYNC, 1);
                TestStack stack = stack("data-wayback", pair, 5)) {
            WritingClient.Route route = ready(stack, pair);
            dev.failover.testkit.dns.BindServer bind = (dev.failover.testkit.dns.BindServer) stack.dns();
            try (WritingClient writer = new WritingClient(route, PostgresPair.USER).start()) {
                await("rows written to the primary").atMost(Duration.ofSeconds(20))
                        .until(() -> writer.acknowledgedCount() >= 50);
                assertThat(stack.decider().post("/groups/api/switchover", "operator",
                        "{\"target\":\"secondary\",\"reason\":\"region maintenance\"}").statusCode())
                        .as("POST /groups/api/switchover").isBetween(200, 299);
                // read-only polls of the replica: a write attempt there would take a transaction id, the way back's proof
                await("the replica promoted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                        .until(() -> isPrimary(pair.replica().jdbcUrl()));
                stack.actuator().suspend();
                bind.refuseUpdates(true);
                stack.actuator().resume();
                Instant refusedAt = Instant.now();

                await("the old primary takes writes again").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> !refusesWrites(pair.primary().jdbcUrl()));
                System.out.printf("switch refused after the promotion; the old primary writable again %.1f s later%n",
                        Duration.between(refusedAt, Instant.now()).toMillis() / 1000.0);
                int atWayBack = writer.acknowledgedCount();
                await("the client's writes acknowledged by the old primary again").atMost(Duration.ofSeconds(30))
                        .until(() -> writer.acknowledgedCount() >= atWayBack + 20);
                writer.stop();
                assertThat(answers(stack)).as("DNS never moved").isEqualTo(Set.of(TestTopology.PRIMARY_IP));
                assertThat(writer.missingOn(pair.primary().jdbcUrl()))
                        .as("every row acknowledged, before the move and after the way back, on the old primary")
                        .isEmpty();
                // asked of its postgres database: the application's, closed with the old primary's fence, was never opened
                String promoted = pair.replica().jdbcUrl();
                try (Connection connection = connect(PostgresPair.onPostgres(promoted));
                        Statement statement = connection.createStatement();
                        ResultSet row = statement.executeQuery("SHOW default_transaction_read_only")) {
                    row.next();
                    assertThat(row.getString(1)).as("the promoted node stays fenced").isEqualTo("on");
                }
                assertThat(writeError(promoted, true)).as("a client asking for read-write on the promoted node")
                        .isEqualTo("55000");
                await("the actuator says so").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(stack.actuator().get("/groups/api", "viewer"))
                                .contains("the way back taken").contains("unchanged since before the promotion"));
            } finally {
                bind.refuseUpdates(false);
            }
        }
    }

    /**
     * The actuator killed mid-move (kill -9 of the packaged service): the primary region's application fails while its
     * database keeps answering and taking writes, so the move fences the old primary first and waits until the replica
     * has received everything it wrote. The replication link is frozen (the replica's WAL receiver stopped by SIGSTOP),
     * so the move waits: the actuator is killed then, after the fence and before the promotion. Started again, it knows
     * nothing of the move but the desired state it restores; it finds the old primary fenced, waits for the replica to
     * receive its final position (the link back), promotes, switches DNS. No acknowledged row is lost and the two nodes
     * never take writes at once.
     */
    @Test
    void anActuatorKilledAfterTheFenceCompletesTheMoveLosslesslyWhenStartedAgain() throws Exception {
        try (PostgresPair pair = PostgresPair.start(PostgresPair.Replication.ASYNC, 1);
                TestStack stack = stack("data-killed", pair, 5)) {
            WritingClient.Route route = ready(stack, pair);
            java.util.List<String> twoWriters = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread monitor = new Thread(() -> {
                while (watching.get()) {
                    if (writeError(pair.primary().jdbcUrl()) == null && writeError(pair.replica().jdbcUrl()) == null) {
                        twoWriters.add(Instant.now().toString());
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "two-writers");
            try (WritingClient writer = new WritingClient(route, PostgresPair.USER).start()) {
                monitor.start();
                await("rows written to the primary").atMost(Duration.ofSeconds(20))
                        .until(() -> writer.acknowledgedCount() >= 50);
                pair.replica().signalWalReceiver("STOP"); // the link frozen: the move cannot finish its wait
                stack.backend(TestTopology.PRIMARY).fail(); // the application fails; its database answers and writes
                await("the old primary fenced by the move").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> refusesWrites(pair.primary().jdbcUrl()));
                await("waiting: not promoted before it has everything").during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !isPrimary(pair.replica().jdbcUrl()));

                stack.actuator().kill(); // kill -9 after the fence, before the promotion
                Instant killedAt = Instant.now();
                pair.replica().signalWalReceiver("CONT");
                ServiceProcess restarted = stack.start(TestStack.ACTUATOR, "actuator-restarted", java.util.Map.of());
                restarted.awaitReady(Duration.ofSeconds(90));
                await("BIND answers the secondary").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> answers(stack).equals(Set.of(TestTopology.SECONDARY_IP)));
                System.out.printf("actuator killed mid-move; DNS switched %.1f s after the kill%n",
                        Duration.between(killedAt, Instant.now()).toMillis() / 1000.0);
                int atSwitch = writer.acknowledgedCount();
                await("writes acknowledged by the promoted replica").atMost(Duration.ofSeconds(30))
                        .until(() -> writer.acknowledgedCount() >= atSwitch + 20);
                writer.stop();
                assertThat(writer.missingOn(pair.replica().jdbcUrl()))
                        .as("every row acknowledged, before the fence and after the switch, on the promoted node")
                        .isEmpty();
                assertThat(refusesWrites(pair.primary().jdbcUrl())).as("the old primary stays fenced").isTrue();
            } finally {
                watching.set(false);
                monitor.join(5_000);
            }
            assertThat(twoWriters).as("never two nodes taking writes").isEmpty();
        }
    }

    /**
     * As ADR 0005 deploys, at its hardest: the actuator that drives the group is lost with the primary's region (kill
     * -9 of the packaged service, the primary's database crashed by SIGQUIT, its application failing), and the instance
     * that takes the group over starts only after that (a rescheduled pod, every actuator restarted at once): it never
     * saw the primary. It restores the evidence the lost one kept in failover.actuator-evidence, so the failover is
     * promoted within the budget and DNS switched without an operator. Before, it found the exposure unknown and held
     * the failover until a force (seen: the same run with the restore left out holds). An instance that watched the
     * group all along without driving it knows as much from its own watch (DatabaseStepTest).
     */
    @Test
    void anActuatorStartedAfterTheOwnerAndThePrimaryAreLostPromotesWithinTheBudget() throws Exception {
        try (PostgresPair pair = PostgresPair.start(PostgresPair.Replication.ASYNC, 1);
                TestStack stack = stack("data-takeover", pair, 60)) {
            WritingClient.Route route = ready(stack, pair);
            ServiceProcess owner = stack.actuator();
            try (WritingClient writer = new WritingClient(route, PostgresPair.USER).start()) {
                await("rows written to the primary").atMost(Duration.ofSeconds(20))
                        .until(() -> writer.acknowledgedCount() >= 50);
                Instant writing = Instant.now();
                await("the owner kept evidence of the writing in " + Topics.ACTUATOR_EVIDENCE)
                        .atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(500)).until(() -> evidenceKeptAfter(stack, writing));
                Instant lostAt = Instant.now();
                owner.kill(); // the owner's region is lost: the actuator, the application and the database with it
                stack.backend(TestTopology.PRIMARY).fail();
                pair.primary().crash();

                // an instance id of its own: the consumer's static membership (group.instance.id) is the instance id
                ServiceProcess later = stack.start(TestStack.ACTUATOR, "actuator-b",
                        java.util.Map.of("FAILOVER_INSTANCE_ID",
                                "actuator-b"));
                later.awaitReady(Duration.ofSeconds(90));
                java.util.concurrent.atomic.AtomicBoolean told = new java.util.concurrent.atomic.AtomicBoolean();
                await("BIND answers the secondary").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .conditionEvaluationListener(c -> {
                            if (!c.isSatisfied() && c.getRemainingTimeInMS() < 1_000 && !told.getAndSet(true)) {
                                System.out.println("not switched; actuator-b exports " + metrics(later).lines()
                                        .filter(l -> l.contains("database_")).toList());
                            }
                        })
                        .until(() -> answers(stack).equals(Set.of(TestTopology.SECONDARY_IP)));
                System.out
                        .printf("owner lost with the primary's region; an actuator started after it switched DNS %.1f s"
                                + " after the loss%n", Duration.between(lostAt, Instant.now()).toMillis() / 1000.0);
                assertThat(metrics(later)).as("promoted by the instance started after the loss")
                        .contains(DATA_TIER_METRICS + "writable{group=\"api\",target=\"secondary\"} 1");
                int atSwitch = writer.acknowledgedCount();
                await("writes acknowledged by the promoted replica").atMost(Duration.ofSeconds(30))
                        .until(() -> writer.acknowledgedCount() >= atSwitch + 20);
                writer.stop();
                assertThat(isPrimary(pair.replica().jdbcUrl())).isTrue();
                Set<Long> kept = WritingClient.ids(pair.replica().jdbcUrl(), PostgresPair.USER);
                System.out.printf("acknowledged rows missing on the promoted replica: %d (budget 60 s)%n",
                        writer.acknowledged().stream().filter(id -> !kept.contains(id)).count());
            }
        }
    }

    /**
     * The table the client writes, once the decision-service sees both targets HEALTHY; the client's route: the database
     * of the region the DNS record names.
     */
    static WritingClient.Route ready(TestStack stack, PostgresPair pair) throws SQLException {
        sql(pair.primary().jdbcUrl(), "CREATE TABLE orders (id bigint PRIMARY KEY, at timestamptz NOT NULL)");
        boolean third = pair.replicas().size() > 1; // threeNodeStack: the second replica is the third target's
        await("the decision-service sees every target HEALTHY").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> DeciderViews.health(stack.decider(), TestTopology.PRIMARY).equals("HEALTHY")
                        && DeciderViews.health(stack.decider(), TestTopology.SECONDARY).equals("HEALTHY")
                        && (!third || DeciderViews.health(stack.decider(), THIRD).equals("HEALTHY")));
        return () -> {
            Set<String> answers = answers(stack);
            return third && answers.contains(THIRD_IP) ? pair.replicas().get(1).jdbcUrl()
                    : answers.contains(TestTopology.SECONDARY_IP) ? pair.replica().jdbcUrl() : pair.primary().jdbcUrl();
        };
    }

    /**
     * The link between the regions cut (the replica's WAL receiver frozen by SIGSTOP) while the client writes, then the
     * primary region lost (its backend failing, its database crashed by SIGQUIT) and the link let go: at a budget of 0 the
     * failover is held, since the replica lacks what the primary acknowledged during the cut.
     */
    static void heldByTheBudget(TestStack stack, PostgresPair pair, WritingClient writer) throws Exception {
        await("rows written to the primary").atMost(Duration.ofSeconds(20))
                .until(() -> writer.acknowledgedCount() >= 50);
        pair.replica().signalWalReceiver("STOP");
        await("rows the replica does not receive").atMost(Duration.ofSeconds(20))
                .until(() -> writer.acknowledgedCount() >= 300);
        stack.backend(TestTopology.PRIMARY).fail();
        pair.primary().crash();
        pair.replica().signalWalReceiver("CONT"); // its primary is gone: it receives nothing more
        await("the failover held by the data-loss budget").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> stack.actuator().metrics().contains(DATA_TIER_METRICS + "held{group=\"api\"} 1"));
    }

    /**
     * Whether an actuator has kept evidence of group api in failover.actuator-evidence whose primary sample was taken
     * after {@code since}: the topic read to its end, every partition.
     */
    static boolean evidenceKeptAfter(TestStack stack, Instant since) throws IOException {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(java.util.Map.<String, Object>of(
                "bootstrap.servers", stack.kafka().bootstrapServers()), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.ACTUATOR_EVIDENCE).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            java.util.Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> kept : consumer.poll(Duration.ofMillis(200))) {
                    if (kept.key().startsWith("api/") && kept.value() != null) {
                        JsonNode primary = new ObjectMapper().readTree(kept.value()).path("primary");
                        if (primary.hasNonNull("at") && Instant.parse(primary.get("at").asText()).isAfter(since)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }

    static String metrics(ServiceProcess service) {
        try {
            return service.metrics();
        } catch (IOException e) {
            return "";
        }
    }

    /** The stack over the pair: BIND9, the probes, a decision-service and the actuator with its logins to both nodes. */
    static TestStack stack(String name, PostgresPair pair, int budget) throws Exception {
        return stack(name, pair, budget, PostgresPair.USER);
    }

    /** As {@link #stack(String, PostgresPair, int)}, the actuator logging in to the primary's node as {@code eastUser}. */
    static TestStack stack(String name, PostgresPair pair, int budget, String eastUser) throws Exception {
        return stack(name, pair, budget, eastUser, yaml -> yaml);
    }

    /** As {@link #stack(String, PostgresPair, int, String)}, its topology changed by {@code edit}. */
    static TestStack stack(String name, PostgresPair pair, int budget, String eastUser,
            java.util.function.UnaryOperator<String> edit) throws Exception {
        return TestStack.named(name).backends(TestTopology.PRIMARY, TestTopology.SECONDARY)
                .topology(s -> edit.apply(topology(s.backend(TestTopology.PRIMARY).healthUrl(),
                        s.backend(TestTopology.SECONDARY).healthUrl(), pair, budget)))
                .bind9("failover.test.", List.of("api IN A " + TestTopology.PRIMARY_IP)).probes().deciders(1)
                .actuator().env(TestStack.ACTUATOR, "failover.database.credentials." + EAST + ".user",
                        eastUser, "failover.database.credentials." + WEST + ".user", PostgresPair.USER,
                        "failover.database.ssl-mode", "disable") // the test pair has no TLS
                .start();
    }

    /** The test topology, each target with its database node (the pair's) and the data-loss budget given. */
    static String topology(String primaryUrl, String secondaryUrl, PostgresPair pair, int budget) {
        String yaml = TestTopology.yaml(primaryUrl, secondaryUrl);
        String primaryDns = "dns: {values: [" + TestTopology.PRIMARY_IP + "]}";
        String secondaryDns = "dns: {values: [" + TestTopology.SECONDARY_IP + "]}";
        return yaml
                .replace(primaryDns,
                        primaryDns + "\n        database: {kind: postgres, url: \"" + pair.primary().jdbcUrl()
                                + "\", credentials: " + EAST + "}")
                .replace(secondaryDns,
                        secondaryDns + "\n        database: {kind: postgres, url: \"" + pair.replica().jdbcUrl()
                                + "\", credentials: " + WEST + "}")
                // its faults are crashes (SIGQUIT by PID): a node that does not answer has stopped, so the move promotes
                // beside it within the budget; a partition's hold is DatabaseStepTest's (ADR 0020)
                + "    safety: {maxDataLossSeconds: " + budget + ", unreachablePrimary: promote-within-budget}\n";
    }

    static Set<String> answers(TestStack stack) throws IOException {
        return DnsQueries.answers(stack.dns().port());
    }

    static void sql(String url, String sql) throws SQLException {
        try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Asked of the node's postgres database, which a fence leaves open (ADR 0020, "A fence no client passes"). */
    static boolean isPrimary(String url) throws SQLException {
        try (Connection connection = connect(PostgresPair.onPostgres(url));
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT NOT pg_is_in_recovery()")) {
            row.next();
            return row.getBoolean(1);
        }
    }

    /**
     * Whether the node refuses the application's writes as a fence makes it: its database closed to new sessions
     * (SQLSTATE 55000), or read-only (25006: a node read-only from its start-up guard, or fenced where the actuator logs
     * in to the application's database).
     */
    static boolean refusesWrites(String url) {
        String error = writeError(url);
        return "55000".equals(error) || "25006".equals(error);
    }

    /** The SQLSTATE of a write attempt, or null when it succeeded (it is rolled back). */
    static String writeError(String url) {
        return writeError(url, false);
    }

    /**
     * The SQLSTATE of a write attempt, or null when it succeeded (it is rolled back); {@code readWrite}: in a transaction
     * that asks for read-write explicitly, as some clients do, which default_transaction_read_only does not stop.
     */
    static String writeError(String url, boolean readWrite) {
        try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
            if (readWrite) {
                statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
            }
            connection.setAutoCommit(false);
            statement.execute("INSERT INTO orders (id, at) VALUES (-1, now())");
            connection.rollback();
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url + "?connectTimeout=2&socketTimeout=5", PostgresPair.USER, "");
    }
}
