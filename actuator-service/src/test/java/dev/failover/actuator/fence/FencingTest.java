package dev.failover.actuator.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.failover.actuator.domain.DecisionExecutor;
import dev.failover.actuator.dns.DnsChange;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.Rfc2136DnsProvider;
import dev.failover.actuator.dns.Rfc2136Settings;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.testkit.dns.BindServer;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.topology.TestTopology;

/**
 * The fence in failover.actuator-fence on the real broker, with real DNS changes on BIND9: an old or replayed decision
 * changes nothing after a restart, and a crash between the DNS change and the fence leads to exactly one effective
 * change.
 */
class FencingTest {

    BindServer bind;
    /** Each test has its own group (the fence topic outlives tests) and its own BIND. */
    String group;
    Topology topology;

    @BeforeEach
    void start(TestInfo test) {
        bind = BindServer.start("failover.test.", List.of("api IN A " + TestTopology.PRIMARY_IP));
        group = "fencing-" + Math.abs(test.getDisplayName().hashCode() % 100000);
        topology = TopologyLoader.parse(TestTopology.yaml("http://127.0.0.1:1/", "http://127.0.0.1:2/")
                .replace("id: api", "id: " + group), "test");
    }

    @AfterEach
    void stop() {
        bind.close();
    }

    /** RFC 2136 against BIND, remembering every distinct answer the server gave after each change. */
    final class ObservedDns implements DnsProvider {
        final Rfc2136DnsProvider real = new Rfc2136DnsProvider(new Rfc2136Settings("127.0.0.1", bind.port(),
                BindServer.KEY_NAME, BindServer.ALGORITHM, bind.secret(), Duration.ofSeconds(3), Duration.ofMillis(50)));
        final Set<Set<String>> answers = new LinkedHashSet<>();
        int applied;

        @Override
        public String name() {
            return "rfc2136";
        }

        @Override
        public ApplyOutcome apply(DnsChange change) {
            applied++;
            ApplyOutcome outcome = real.apply(change);
            try {
                answers.add(real.answers(change));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return outcome;
        }

        @Override
        public VerifyOutcome verify(DnsChange change, ApplyOutcome.Applied applied, Duration timeout) {
            return real.verify(change, applied, timeout);
        }
    }

    Decision decision(long epoch, String to) {
        return new Decision(1, "d-" + epoch + "-" + to, group, epoch, DecisionKind.FAILOVER, "primary", to, "test", List.of(),
                Instant.now(), DecisionMode.LIVE, Decision.AUTOMATION);
    }

    static KafkaEpochFence restartedFence() {
        KafkaEpochFence fence = new KafkaEpochFence(KafkaClientProperties.bootstrap(KafkaBrokerResource.broker().bootstrapServers()));
        fence.ensureTopic();
        fence.load(List.of(0, 1, 2));
        return fence;
    }

    static List<String> run(DecisionExecutor executor, Decision decision) {
        List<ActuationResult> results = new ArrayList<>();
        executor.execute(decision, results::add);
        return results.stream().map(r -> r.step() + ":" + r.status()).toList();
    }

    @Test
    void afterARestartAReplayedOrOlderDecisionChangesNothing() {
        ObservedDns dns = new ObservedDns();
        try (KafkaEpochFence first = restartedFence()) {
            DecisionExecutor executor = new DecisionExecutor(topology, first, dns, Scalers.none(), Duration.ofSeconds(5), Clock.systemUTC());
            assertThat(run(executor, decision(7, "secondary"))).endsWith("COMPLETE:SUCCEEDED");
        }
        try (KafkaEpochFence restarted = restartedFence()) {
            assertThat(restarted.lastApplied(group)).isEqualTo(7);
            DecisionExecutor executor = new DecisionExecutor(topology, restarted, dns, Scalers.none(), Duration.ofSeconds(5),
                    Clock.systemUTC());
            assertThat(run(executor, decision(7, "secondary"))).containsExactly("FENCE:SKIPPED");
            assertThat(run(executor, decision(6, "primary"))).containsExactly("FENCE:SKIPPED");
        }
        assertThat(dns.applied).isEqualTo(1);
    }

    @Test
    void aCrashBetweenTheDnsChangeAndTheFenceLeadsToExactlyOneEffectiveChange() {
        ObservedDns dns = new ObservedDns();
        try (KafkaEpochFence fence = restartedFence()) {
            dns.answers.add(currentAnswer(dns));
            // the process dies after the DNS change, before the fence is written (and before the offset is committed)
            KafkaEpochFence crashing = new KafkaEpochFence(KafkaClientProperties.bootstrap(KafkaBrokerResource.broker().bootstrapServers())) {
                @Override
                public void recordApplied(String group, long epoch) {
                    throw new IllegalStateException("process killed");
                }
            };
            DecisionExecutor beforeCrash = new DecisionExecutor(topology, crashing, dns, Scalers.none(), Duration.ofSeconds(5),
                    Clock.systemUTC());
            assertThatThrownBy(() -> run(beforeCrash, decision(20, "secondary"))).hasMessageContaining("process killed");
            crashing.close();
        }
        // on restart the decision is delivered again (its offset was never committed) and the plan runs again
        try (KafkaEpochFence restarted = restartedFence()) {
            DecisionExecutor afterRestart = new DecisionExecutor(topology, restarted, dns, Scalers.none(), Duration.ofSeconds(5),
                    Clock.systemUTC());
            assertThat(run(afterRestart, decision(20, "secondary"))).endsWith("COMPLETE:SUCCEEDED");
            assertThat(run(afterRestart, decision(20, "secondary"))).containsExactly("FENCE:SKIPPED");
        }
        assertThat(dns.applied).isEqualTo(2);
        // two applications, one effective change: the server went from the primary to the secondary once
        assertThat(dns.answers).containsExactly(Set.of(TestTopology.PRIMARY_IP), Set.of(TestTopology.SECONDARY_IP));
    }

    private Set<String> currentAnswer(ObservedDns dns) {
        try {
            return dns.real.answers(new DnsChange("failover.test.", TestTopology.RECORD,
                    dev.failover.contract.topology.RecordType.A, 5, List.of(), null, "x", "x"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
