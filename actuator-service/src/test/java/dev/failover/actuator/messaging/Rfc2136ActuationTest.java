package dev.failover.actuator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.actuator.dns.Rfc2136DnsProvider;
import dev.failover.actuator.dns.Rfc2136Settings;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.GroupReconciler;
import dev.failover.actuator.domain.reconcile.GroupStatus;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.domain.reconcile.Reconcilers;
import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.topology.RecordType;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.dns.BindServer;
import dev.failover.testkit.dns.DnsAnswers;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * End to end on real servers: decisions on the broker become TSIG-signed conditional updates that BIND9 serves; a change
 * made by hand with {@code nsupdate} afterwards is reported within one resync period, and written back only for the group
 * configured with {@code drift: correct}. A planned switchover is served in its three steps, seen in BIND's answers.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.Verifier.class)
@WithTestResource(Rfc2136ActuationTest.Bind.class)
class Rfc2136ActuationTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    /** BIND9 for two groups' records, and the actuator configured to update it, reading every second. */
    public static class Bind implements QuarkusTestResourceLifecycleManager {
        static BindServer server;

        @Override
        public Map<String, String> start() {
            server = BindServer.start("drift.test.", List.of("report IN A 192.0.2.1", "correct IN A 192.0.2.1",
                    "planned IN A 192.0.2.1", "untouched IN A 192.0.2.1"));
            try {
                Path topology = Files.createTempFile("rfc2136-actuation-", ".yaml");
                Files.writeString(topology, TOPOLOGY);
                topology.toFile().deleteOnExit();
                return Map.of(
                        "failover.topology-file", topology.toString(),
                        "failover.dns.provider", "rfc2136",
                        "failover.dns.rfc2136.server", "127.0.0.1",
                        "failover.dns.rfc2136.port", String.valueOf(server.port()),
                        "failover.dns.rfc2136.tsig-key-name", BindServer.KEY_NAME,
                        "failover.dns.rfc2136.tsig-secret", server.secret(),
                        "failover.reconcile.resync-interval", "1s",
                        "failover.switchover.ttl-floor", "1s");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            server.close();
        }
    }

    static final String TOPOLOGY = """
            version: 1
            locations: [loc-a]
            groups:
              - id: report
                dns: {zone: drift.test., name: report.drift.test., ttl: 5}
                targets:
                  - {id: primary, region: r1, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: r2, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.2]}}
              - id: correct
                dns: {zone: drift.test., name: correct.drift.test., ttl: 5, drift: correct}
                targets:
                  - {id: primary, region: r1, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: r2, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.2]}}
              - id: planned
                dns: {zone: drift.test., name: planned.drift.test., ttl: 4}
                targets:
                  - {id: primary, region: r1, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: r2, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.2]}}
              - id: untouched
                dns: {zone: drift.test., name: untouched.drift.test., ttl: 5}
                targets:
                  - {id: primary, region: r1, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: r2, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.2]}}
            """;

    final EventCodec codec = EventCodec.instance();

    @Inject
    Reconciler reconciler;

    static Rfc2136DnsProvider bind() {
        return new Rfc2136DnsProvider(new Rfc2136Settings("127.0.0.1", Bind.server.port(), BindServer.KEY_NAME,
                BindServer.ALGORITHM, Bind.server.secret(), Duration.ofSeconds(2), List.of()), Lease.HELD);
    }

    static ServedRecord served(String group) {
        DnsProvider.ReadOutcome read = bind().read(
                new RecordKey(group, "drift.test.", group + ".drift.test", RecordType.A, null),
                Optional.empty());
        return ((DnsProvider.ReadOutcome.Served) read).record();
    }

    @Test
    void decisionsAreServedByBindAndAChangeByHandIsReportedAndCorrectedOnlyWhereConfigured() throws Exception {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            String report = decide(client, "report");
            String correct = decide(client, "correct");
            for (String id : List.of(report, correct)) {
                ActuationResult verify = result(
                        actuations.await(r -> is(r, id, ActuationStep.VERIFY, ActuationStatus.SUCCEEDED), WAIT));
                assertThat(verify.provider()).isEqualTo("rfc2136");
                assertThat(verify.details()).contains("192.0.2.2");
                assertThat(result(
                        actuations.await(r -> is(r, id, ActuationStep.COMPLETE, ActuationStatus.SUCCEEDED), WAIT))
                        .sinceDecisionMillis()).isNotNull();
                actuations.await(r -> is(r, id, ActuationStep.RECONCILE, ActuationStatus.CONVERGED), WAIT);
            }
            assertThat(served("report").sets()).as("what BIND answers for the report group")
                    .containsExactly(RecordSet.simple(5, Set.of("192.0.2.2")));
            assertThat(served("report").owner()).as("the ownership mark next to the record").isPresent();

            // an operator moves both records by hand, outside the control plane
            nsupdate("report.drift.test.", "198.51.100.7");
            nsupdate("correct.drift.test.", "198.51.100.7");

            ActuationResult reported = result(
                    actuations.await(r -> is(r, report, ActuationStep.RECONCILE, ActuationStatus.DRIFT),
                            WAIT));
            assertThat(reported.details()).contains("198.51.100.7").contains("not corrected");
            ActuationResult corrected = result(actuations.await(r -> is(r, correct, ActuationStep.RECONCILE,
                    ActuationStatus.DRIFT), WAIT));
            assertThat(corrected.details()).contains("198.51.100.7").contains("correcting it");
            await("the correct group's record written back").atMost(WAIT)
                    .untilAsserted(() -> assertThat(served("correct").sets())
                            .containsExactly(RecordSet.simple(5, Set.of("192.0.2.2"))));
            // converged again after its own drift (the two groups' results interleave in any order)
            actuations.await(r -> is(r, correct, ActuationStep.RECONCILE, ActuationStatus.CONVERGED)
                    && !result(r).finishedAt().isBefore(corrected.finishedAt()), WAIT);
            assertThat(served("report").sets()).as("the report group's record is left as the person set it")
                    .containsExactly(RecordSet.simple(5, Set.of("198.51.100.7")));

            // SIGKILL and restart (or a new owner after a rebalance): an instance that never served the decision reads
            // BIND's record and mark, with the desired state restored from the store
            List<ActuationResult> afterRestart = new java.util.concurrent.CopyOnWriteArrayList<>();
            GroupReconciler restarted = Reconcilers.group("report", TopologyLoader.parse(TOPOLOGY, "test"), bind(),
                    TrafficPlans.of(DnsProvider.Routing.SINGLE, 100, List.of()), Reconcilers.minimal(Scalers.none(),
                            state -> {
                            }, afterRestart::add, Clock.systemUTC(), new ReconcileSettings(Duration.ofSeconds(1),
                                    Duration.ofSeconds(1),
                                    new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ZERO,
                                            () -> 0.0),
                                    Duration.ZERO, null)));
            restarted.restore(DesiredState.of(new Decision(1, report, "report", 1L, DecisionKind.FAILOVER, "primary",
                    "secondary", "test", List.of(), Instant.now(), DecisionMode.LIVE, Decision.AUTOMATION)));
            restarted.run();
            assertThat(restarted.status().convergence()).as("our mark, values its write did not write")
                    .isInstanceOf(Convergence.Drifted.class);
            assertThat(afterRestart).extracting(r -> r.step() + " " + r.status()).contains("RECONCILE DRIFT")
                    .doesNotContain("DNS_SWITCH SUCCEEDED");
            assertThat(served("report").sets()).as("still as the person set it after the restart")
                    .containsExactly(RecordSet.simple(5, Set.of("198.51.100.7")));
        }
    }

    /**
     * Before any decision (epoch 0) the record is desired as the chain's first target and watched like any other: a
     * change made by hand with nsupdate is reported within a resync and, under drift: report, left as the person set it;
     * the group's status says what is desired and what is served.
     */
    @Test
    void aChangeByHandBeforeAnyDecisionIsReportedAndLeftAsThePersonSetIt() throws Exception {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            actuations.await(r -> isInitial(r, "untouched", ActuationStatus.CONVERGED), WAIT);
            assertThat(served("untouched").ownerText()).as("nothing written while the record serves the initial state")
                    .isNull();

            nsupdate("untouched.drift.test.", "198.51.100.8");

            ActuationResult reported = result(
                    actuations.await(r -> isInitial(r, "untouched", ActuationStatus.DRIFT), WAIT));
            assertThat(reported.details()).contains("198.51.100.8").contains("not corrected");
            GroupStatus status = reconciler.status("untouched");
            assertThat(status.convergence()).isInstanceOf(Convergence.Drifted.class);
            assertThat(status.initialTarget()).as("desired: the chain's first target, epoch 0").isEqualTo("primary");
            assertThat(status.served()).contains("198.51.100.8");
            assertThat(served("untouched").sets()).containsExactly(RecordSet.simple(5, Set.of("198.51.100.8")));
            assertThat(served("untouched").ownerText()).isNull();
        }
    }

    private boolean isInitial(ConsumerRecord<String, String> record, String group, ActuationStatus status) {
        ActuationResult r = result(record);
        return r.group().equals(group) && r.epoch() == 0 && r.step() == ActuationStep.RECONCILE && r.status() == status;
    }

    /**
     * The TTL choreography against BIND9, as a resolver sees it: answers polled with plain DNS queries show the TTL drop
     * to the floor on the old address, the address change at the floor, then the configured TTL again, in that order; the
     * switch comes no earlier than the old TTL after the lowered TTL was verified, and each step is an actuation result.
     */
    @Test
    void aPlannedSwitchoverLowersTheTtlWaitsOutTheOldOneSwitchesAndRestoresIt() throws Exception {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS);
                DnsAnswers answers = DnsAnswers.watch("127.0.0.1", Bind.server.port(), "planned.drift.test.")) {
            answers.awaitAnswer("192.0.2.1", WAIT);
            String id = decide(client, "planned", DecisionKind.SWITCHOVER);
            actuations.await(r -> is(r, id, ActuationStep.COMPLETE, ActuationStatus.SUCCEEDED), WAIT);
            actuations.await(r -> is(r, id, ActuationStep.RECONCILE, ActuationStatus.CONVERGED), WAIT);
            answers.awaitAnswer("192.0.2.2 ttl=4", WAIT);

            assertThat(answers.distinct()).as("BIND's answers, in the order they were seen")
                    .endsWith("192.0.2.1 ttl=1", "192.0.2.2 ttl=1", "192.0.2.2 ttl=4");
            assertThat(answers.distinct().get(0)).as("before: the configured TTL, not yet lowered")
                    .isNotEqualTo("192.0.2.1 ttl=1");

            List<ActuationResult> steps = actuations.poll().stream().map(this::result)
                    .filter(r -> r.decisionId().equals(id))
                    .toList();
            assertThat(steps).extracting(r -> r.step() + " " + r.status()).containsSubsequence(
                    "FENCE SUCCEEDED", "LOWER_TTL SUCCEEDED", "VERIFY SUCCEEDED", "SCALE_UP SKIPPED",
                    "DNS_SWITCH SUCCEEDED",
                    "VERIFY SUCCEEDED", "RESTORE_TTL SUCCEEDED", "VERIFY SUCCEEDED", "COMPLETE SUCCEEDED",
                    "RECONCILE CONVERGED");
            ActuationResult lowered = steps.stream().filter(r -> r.step() == ActuationStep.VERIFY).findFirst()
                    .orElseThrow();
            assertThat(lowered.details()).contains("TTL 4 s lowered to 1 s, still on primary")
                    .contains("next step after PT4S");
            assertThat(steps).as("the group's status names the step it holds in").anySatisfy(r -> {
                assertThat(r.step()).isEqualTo(ActuationStep.RECONCILE);
                assertThat(r.details())
                        .startsWith("switchover step 1 of 3: TTL 4 s lowered to 1 s, still on primary served; "
                                + "next step at ");
            });
            ActuationResult switched = steps.stream().filter(r -> r.step() == ActuationStep.DNS_SWITCH).findFirst()
                    .orElseThrow();
            assertThat(Duration.between(lowered.finishedAt(), switched.startedAt()))
                    .as("the old TTL of 4 s waited out between the verified lowering and the switch")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
            ActuationResult restored = steps.stream().filter(r -> r.step() == ActuationStep.RESTORE_TTL).findFirst()
                    .orElseThrow();
            assertThat(Duration.between(switched.finishedAt(), restored.startedAt()))
                    .as("the switch held at the floor of 1 s, so no cache still holds the old address when the TTL goes up")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    private String decide(TopicClient client, String group) {
        return decide(client, group, DecisionKind.FAILOVER);
    }

    private String decide(TopicClient client, String group, DecisionKind kind) {
        String id = UUID.randomUUID().toString();
        client.sendSigned(Topics.DECISIONS, group, codec.encode(new Decision(1, id, group, 1L, kind, "primary",
                "secondary", "test", List.of(), Instant.now(), DecisionMode.LIVE, Decision.AUTOMATION)),
                TestSigningKeys.shared().signer());
        return id;
    }

    /** The real nsupdate of BIND's tools, signed with the zone's key, as a person would run it. */
    private static void nsupdate(String name, String address) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("nsupdate", "-y", BindServer.ALGORITHM + ":" + BindServer.KEY_NAME + ":"
                + Bind.server.secret()).redirectErrorStream(true).start();
        process.getOutputStream()
                .write(("server 127.0.0.1 " + Bind.server.port() + "\nupdate delete " + name + " A\nupdate add "
                        + name + " 5 A " + address + "\nsend\n").getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("nsupdate finished").isTrue();
        assertThat(process.exitValue()).as("nsupdate exit code; output: %s",
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    private boolean is(ConsumerRecord<String, String> record, String decisionId, ActuationStep step,
            ActuationStatus status) {
        ActuationResult r = result(record);
        return r.decisionId().equals(decisionId) && r.step() == step && r.status() == status;
    }

    private ActuationResult result(ConsumerRecord<String, String> record) {
        return codec.decode(record.value(), ActuationResult.class);
    }
}
