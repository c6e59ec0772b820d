package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.topology.TestTopology;

/**
 * The packaged failoverctl, run as a process the way an operator runs it, against a running packaged decision-service
 * (three probe locations, two demo backends, a standalone broker): every command (explain on a real switchover, its
 * results with their Kafka positions), and each documented exit code caused
 * for real — a refusal by the server (3), a server that is not there (4), a bad command line (2). Exit 5 (accepted, not
 * confirmed) needs a second decision-service whose group's owner is frozen: DecisionOwnershipIT causes it.
 */
@Tag("gate") // in ./scripts/test.sh --gate: the operator's command line
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverCtlIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String G = TestTopology.GROUP;
    static final ObjectMapper JSON = new ObjectMapper();
    static DemoBackend primary;
    static DemoBackend secondary;
    static ServiceProcess decider;
    static TestStack stack;
    static String operator;
    static String viewer;

    /** failoverctl wraps its text at 120 columns: messages are compared word for word. */
    static String flat(String text) {
        return text.replaceAll("\\s+", " ");
    }

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStack.named("ctl").primaryAndSecondary().deciders(1).probes().start();
        primary = stack.backend(TestTopology.PRIMARY);
        secondary = stack.backend(TestTopology.SECONDARY);
        decider = stack.decider();
        operator = ServiceProcess.token("operator");
        viewer = ServiceProcess.token("viewer");
        awaitHealth("primary", "HEALTHY");
        awaitHealth("secondary", "HEALTHY");
    }

    @AfterAll
    static void stopStack() throws Exception {
        TestStack.closeAll(stack);
    }

    /** The packaged CLI with FAILOVER_URL and FAILOVER_TOKEN set as an operator's shell would have them. */
    static Failoverctl.Run ctl(String token, String... args) {
        return Failoverctl.at("http://127.0.0.1:" + decider.port, token, args);
    }

    /** The group as the CLI's JSON output shows it. */
    static JsonNode group() throws IOException {
        Failoverctl.Run run = ctl(viewer, "status", G, "--output", "json");
        assertThat(run.exit()).as(run.toString()).isZero();
        return JSON.readTree(run.out());
    }

    static void awaitHealth(String target, String health) {
        await(target + " " + health + " in failoverctl status").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> Failoverctl.health(group(), target).equals(health));
    }

    @Test
    @Order(1)
    void statusShowsEveryGroupAndOneGroupsHealthMatrix() {
        Failoverctl.Run all = ctl(viewer, "status");
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.out()).containsPattern("(?m)^GROUP\\s+ACTIVE\\s+HEALTH\\s+AUTOMATION.*DECIDED VS SERVED$")
                .containsPattern("(?m)^api\\s+primary\\s+HEALTHY\\s+RUNNING.*NO_DECISION$");

        Failoverctl.Run one = ctl(viewer, "status", G);
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.out()).contains("active   primary (HEALTHY)")
                .contains("holds    none (automation runs on health)")
                .contains("\ndecided  NO_DECISION: nothing decided yet\n") // the decision-service's decidedVsServed
                .containsPattern("primary \\*\\s+us-east-1\\s+HEALTHY\\s+UP\\s+UP\\s+UP\\s+ELIGIBLE")
                .containsPattern("secondary\\s+us-west-2\\s+HEALTHY\\s+UP\\s+UP\\s+UP\\s+ELIGIBLE");
        assertThat(one.err()).as("nothing but the answer: no log lines").isEmpty();

        Failoverctl.Run watch = ctl(viewer, "watch", G, "--count", "2", "--interval", "200ms");
        assertThat(watch.exit()).as(watch.toString()).isZero();
        assertThat(watch.out().split("active   primary \\(HEALTHY\\)", -1)).as("two refreshes").hasSize(3);
    }

    @Test
    @Order(2)
    void pauseAndResumeAreAppliedAndRecordedWithTheCaller() throws IOException {
        Failoverctl.Run paused = ctl(operator, "pause", G, "--reason", "change window");
        assertThat(paused.exit()).as(paused.toString()).isZero();
        assertThat(paused.out()).contains("applied: automation paused").contains("automation PAUSED");
        Failoverctl.Run resumed = ctl(operator, "resume", G, "--reason", "window over");
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        Failoverctl.Run history = ctl(viewer, "history", G);
        assertThat(history.exit()).isZero();
        assertThat(history.out()).containsPattern("system-test\\s+pause\\s+change window")
                .containsPattern("system-test\\s+resume\\s+window over");
    }

    @Test
    @Order(3)
    void aSwitchoverMovesTrafficPinsItAndItsAbortBringsItBack() throws IOException {
        Failoverctl.Run started = ctl(operator, "switchover", "start", G, "secondary", "--reason",
                "patching us-east-1");
        assertThat(started.exit()).as(started.toString()).isZero();
        assertThat(started.out()).contains("switchover to secondary started").containsPattern("decision [0-9a-f-]{36}")
                .contains("active secondary");
        Failoverctl.Run status = ctl(viewer, "status", G);
        assertThat(status.out()).contains("active   secondary").contains("(switchover from primary)")
                .contains("last decision  SWITCHOVER primary -> secondary");

        Failoverctl.Run aborted = ctl(operator, "switchover", "abort", G, "--reason", "postponed");
        assertThat(aborted.exit()).as(aborted.toString()).isZero();
        assertThat(aborted.out()).contains("traffic returns to primary");
        JsonNode group = group();
        assertThat(group.path("activeTarget").asText()).isEqualTo("primary");
        assertThat(group.path("automation").asText()).isEqualTo("RUNNING");

        Failoverctl.Run history = ctl(viewer, "history", G, "--output", "json");
        List<String> kinds = new ArrayList<>();
        JSON.readTree(history.out()).path("decisions").forEach(d -> kinds.add(d.path("kind").asText()));
        assertThat(kinds).as("newest first").startsWith("OVERRIDE", "SWITCHOVER");

        String switchoverId = JSON.readTree(history.out()).path("decisions").path(1).path("decisionId").asText();
        Failoverctl.Run why = ctl(viewer, "explain", G, switchoverId);
        assertThat(why.exit()).as(why.toString()).isZero();
        assertThat(flat(why.out())).contains("decision " + switchoverId + " of api")
                .contains("SWITCHED SWITCHOVER primary -> secondary");
        assertThat(why.out())
                .containsPattern(
                        "operator\\s+FIRED\\s+system-test: planned switchover by system-test: patching us-east-1")
                .contains("target secondary: HEALTHY")
                .containsPattern("loc-a\\s+UP\\s+0\\s+\\d+\\s+UP \\d\\d:\\d\\d:\\d\\d@\\d+:\\d+");
        Failoverctl.Run now = ctl(viewer, "explain", G);
        assertThat(now.exit()).as(now.toString()).isZero();
        assertThat(now.out()).startsWith("now of api").contains("STEADY").containsPattern("active-health\\s+PASSED");
        Failoverctl.Run unknown = ctl(viewer, "explain", G, "no-such-decision");
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(3);
        assertThat(flat(unknown.err()))
                .contains("refused (404 not-found): decisionId: no explanation of decision 'no-such-decision'");
    }

    @Test
    @Order(4)
    void aPinOfAnUnhealthyTargetIsRefusedWith3AndForceBreaksGlass() {
        secondary.fail();
        try {
            awaitHealth("secondary", "UNHEALTHY");
            Failoverctl.Run refused = ctl(operator, "pin", G, "secondary", "--reason", "db migration");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(3);
            assertThat(refused.err().strip())
                    .isEqualTo("failoverctl: refused (409 conflict): target: target secondary is "
                            + "UNHEALTHY, not HEALTHY; use force (break glass) to pin it anyway");
            assertThat(refused.out()).isEmpty();

            Failoverctl.Run forced = ctl(operator, "force", G, "secondary", "--reason",
                    "probes are wrong, checked by hand");
            assertThat(forced.exit()).as(forced.toString()).isZero();
            assertThat(forced.out()).contains("applied: forced secondary");
            Failoverctl.Run released = ctl(operator, "release", G, "--reason", "done");
            assertThat(released.exit()).as(released.toString()).isZero();
        } finally {
            secondary.recover();
        }
        awaitHealth("secondary", "HEALTHY");
    }

    @Test
    @Order(5)
    void aDrillStartsAndEnds() {
        await("the group back on the primary, automation running").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> group().path("activeTarget").asText().equals("primary")
                        && group().path("automation").asText().equals("RUNNING"));
        Failoverctl.Run started = ctl(operator, "drill", "start", G, "--duration-minutes", "5", "--reason",
                "monthly drill");
        assertThat(started.exit()).as(started.toString()).isZero();
        assertThat(started.out()).contains("drill started on secondary");
        Failoverctl.Run ended = ctl(operator, "drill", "end", G, "--reason", "drill done");
        assertThat(ended.exit()).as(ended.toString()).isZero();
        assertThat(ended.out()).contains("drill ended");
    }

    @Test
    @Order(6)
    void refusalsUnreachableServersAndUsageErrorsHaveTheirExitCodes() throws IOException {
        Failoverctl.Run unknown = ctl(viewer, "status", "nope");
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(3);
        assertThat(flat(unknown.err())).contains("refused (404").contains("nope");

        Failoverctl.Run viewerWrites = ctl(viewer, "pause", G, "--reason", "r");
        assertThat(viewerWrites.exit()).as(viewerWrites.toString()).isEqualTo(3);
        assertThat(flat(viewerWrites.err())).contains("403");

        Failoverctl.Run noToken = ctl("", "status", G);
        assertThat(noToken.exit()).as(noToken.toString()).isEqualTo(3);
        assertThat(flat(noToken.err())).contains("401").contains("FAILOVER_TOKEN");

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Failoverctl.Run away = Failoverctl.at("http://127.0.0.1:" + closed, viewer, "status", G);
        assertThat(away.exit()).as(away.toString()).isEqualTo(4);
        assertThat(flat(away.err())).contains("cannot reach the decision-service").contains("connection refused");

        Failoverctl.Run noReason = ctl(operator, "pause", G);
        assertThat(noReason.exit()).as(noReason.toString()).isEqualTo(2);
        assertThat(flat(noReason.err())).contains("Missing required option: '--reason=<reason>'");
        assertThat(group().path("automation").asText()).as("nothing was paused").isEqualTo("RUNNING");

        Failoverctl.Run completion = ctl(viewer, "completion");
        assertThat(completion.exit()).isZero();
        assertThat(completion.out()).contains("complete -F").contains("switchover");
    }
}
