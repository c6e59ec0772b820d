package dev.failover.probe.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.DnsAnswer;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.probe.TopologyWithDependency;
import dev.failover.probe.probing.DnsProber;
import dev.failover.probe.probing.TcpProber;
import dev.failover.probe.probing.VertxHttpProber;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.dns.BindServer;
import dev.failover.testkit.topology.TestTopology;
import io.vertx.core.Vertx;

/**
 * A dependency is probed by its own probe spec, not its target's, and its result is labelled with the target it belongs
 * to and its own id. Against real local servers: a demo backend over HTTP and TCP, and a port nothing listens on.
 */
class DependencyProbeTest {

    static Vertx vertx = Vertx.vertx();
    static ExecutorService io = Executors.newFixedThreadPool(2);
    static DemoBackend backend = DemoBackend.start("primary", 0);
    static TargetProbe probe = new TargetProbe(new VertxHttpProber(vertx, io, 16), new TcpProber(io), new DnsProber(io),
            Clock.systemUTC(), "loc-a",
            () -> false, LoopLag.NONE, new TargetProbe.Limits(10, Optional.empty(), Duration.ofMillis(200)));

    /**
     * One probe of the target and of a dependency before the tests, its results unused: the first connection of this
     * JVM loads and links the probers' classes, which on a busy machine (two modules' tests side by side) made the first
     * probe start 0.4 s after its tick and time out, an UNKNOWN that is about the JVM, not about dependencies.
     */
    @BeforeAll
    static void warmUp() throws Exception {
        FailoverGroup group = group(backend.healthUrl(), TopologyWithDependency.closedPort());
        run(TargetProbe.Subject.of(group, group.primary()));
        run(dependencyOfPrimary(group));
    }

    @AfterAll
    static void stop() {
        backend.close();
        vertx.close();
        io.shutdownNow();
    }

    static FailoverGroup group(String primaryUrl, int dependencyPort) {
        return TopologyLoader
                .parse(TopologyWithDependency.yaml(primaryUrl, backend.healthUrl(), dependencyPort), "test").groups()
                .get(0);
    }

    static ProbeResult run(TargetProbe.Subject subject) throws Exception {
        return probe.run(subject, System.nanoTime()).toCompletableFuture().get(10, TimeUnit.SECONDS).result();
    }

    static TargetProbe.Subject dependencyOfPrimary(FailoverGroup group) {
        return new TargetProbe.Subject(group, group.primary(),
                group.primary().dependency(TopologyWithDependency.DEPENDENCY).orElseThrow());
    }

    @Test
    void aDependencyDownUnderAnUpTargetIsReportedAsTheDependencyOnly() throws Exception {
        FailoverGroup group = group(backend.healthUrl(), TopologyWithDependency.closedPort());

        ProbeResult target = run(TargetProbe.Subject.of(group, group.primary()));
        assertThat(target.outcome()).as("the target answers its HTTP probe: %s", target).isEqualTo(ProbeOutcome.UP);
        assertThat(target.dependency()).as("a result about the target itself").isNull();

        ProbeResult dependency = run(dependencyOfPrimary(group));
        assertThat(dependency.outcome()).as("judged by the dependency's TCP probe on a closed port: %s", dependency)
                .isEqualTo(ProbeOutcome.DOWN);
        assertThat(dependency.failureReason()).isEqualTo(FailureReason.CONNECTION_REFUSED);
        assertThat(dependency.httpStatus()).as("no HTTP: the target's probe was not used").isNull();
        assertThat(dependency.dependency()).isEqualTo(TopologyWithDependency.DEPENDENCY);
        assertThat(dependency.group()).isEqualTo(TestTopology.GROUP);
        assertThat(dependency.target()).as("labelled with the target it belongs to").isEqualTo(TestTopology.PRIMARY);
        assertThat(dependency.targetRegion()).isEqualTo("us-east-1");
        assertThat(dependency.location()).isEqualTo("loc-a");
    }

    @Test
    void aDependencyUpUnderADownTargetIsUp() throws Exception {
        FailoverGroup group = group("http://127.0.0.1:" + TopologyWithDependency.closedPort() + "/health",
                backend.port());

        assertThat(run(TargetProbe.Subject.of(group, group.primary())).outcome()).as("the target's own port is closed")
                .isEqualTo(ProbeOutcome.DOWN);
        ProbeResult dependency = run(dependencyOfPrimary(group));
        assertThat(dependency.outcome()).as("a listening port for the dependency: %s", dependency)
                .isEqualTo(ProbeOutcome.UP);
        assertThat(dependency.dependency()).isEqualTo(TopologyWithDependency.DEPENDENCY);
    }

    /** A dns probe's answer goes with its result, the dependency's label kept. Against a real BIND9. */
    @Test
    void aDnsDependencysAnswerGoesWithItsResult() throws Exception {
        try (BindServer resolver = BindServer.start("dep.test.", java.util.List.of("db 30 IN A 10.0.0.5"))) {
            String yaml = TopologyWithDependency.yaml(backend.healthUrl(), backend.healthUrl(), 1).replaceFirst(
                    "probe: \\{type: tcp, host: 127.0.0.1, port: 1,",
                    "probe: {type: dns, name: db.dep.test, resolver: 127.0.0.1, port: "
                            + resolver.port() + ", expect: [10.0.0.5],");
            FailoverGroup group = TopologyLoader.parse(yaml, "test").groups().get(0);
            ProbeResult dependency = run(dependencyOfPrimary(group));
            assertThat(dependency.outcome()).as("%s", dependency).isEqualTo(ProbeOutcome.UP);
            assertThat(dependency.dependency()).isEqualTo(TopologyWithDependency.DEPENDENCY);
            assertThat(dependency.dnsAnswer()).isEqualTo(new DnsAnswer("NOERROR", java.util.List.of("10.0.0.5"), 30L,
                    "127.0.0.1:" + resolver.port()));
        }
    }

    @Test
    void aTargetIsProbedThenEachOfItsDependencies() {
        FailoverGroup group = group(backend.healthUrl(), backend.port());

        assertThat(TargetProbe.Subject.allOf(group, group.primary()).map(TargetProbe.Subject::dependencyId))
                .containsExactly(null, TopologyWithDependency.DEPENDENCY);
        assertThat(TargetProbe.Subject.allOf(group, group.target(TestTopology.SECONDARY).orElseThrow())
                .map(TargetProbe.Subject::dependencyId))
                .as("a target without dependencies").containsExactly((String) null);
    }
}
