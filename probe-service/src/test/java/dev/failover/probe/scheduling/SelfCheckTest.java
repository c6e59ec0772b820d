package dev.failover.probe.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.probe.domain.LoopLag;
import dev.failover.probe.domain.TargetProbe;
import dev.failover.probe.probing.DnsProber;
import dev.failover.probe.probing.TcpProber;
import dev.failover.probe.probing.VertxHttpProber;
import dev.failover.testkit.topology.TestTopology;
import io.vertx.core.Vertx;

/** A location whose reference URLs all fail marks its results impaired; one answering reference is enough to be fine. */
class SelfCheckTest {

    static HttpServer reference;
    static Vertx vertx = Vertx.vertx();
    static ExecutorService io = Executors.newFixedThreadPool(2);
    static VertxHttpProber http = new VertxHttpProber(vertx, io, 16);

    @BeforeAll
    static void start() throws IOException {
        reference = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        reference.createContext("/", e -> {
            e.sendResponseHeaders(204, -1);
            e.close();
        });
        reference.start();
    }

    @AfterAll
    static void stop() {
        reference.stop(0);
        vertx.close();
        io.shutdownNow();
    }

    static String closedUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort() + "/";
        }
    }

    @Test
    void allReferencesFailingMeansImpaired() throws Exception {
        SelfCheck check = new SelfCheck(List.of(closedUrl(), closedUrl()), 1000, http);
        assertThat(check.round().get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(check.impaired()).isTrue();

        Topology topology = TopologyLoader.parse(TestTopology.yaml(closedUrl(), closedUrl()), "test");
        TargetProbe probe = new TargetProbe(http, new TcpProber(io), new DnsProber(io), Clock.systemUTC(), "loc-a",
                check::impaired, LoopLag.NONE,
                new TargetProbe.Limits(10, Optional.empty(), Duration.ofMillis(200)));
        ProbeResult result = probe.run(topology.groups().get(0), topology.groups().get(0).primary(), System.nanoTime())
                .toCompletableFuture().get(10, TimeUnit.SECONDS).result();
        assertThat(result.locationImpaired()).as("locationImpaired keeps its meaning: the self-check fails").isTrue();
        assertThat(result.outcome()).as("a failure seen while the self-check fails is not evidence against the target")
                .isEqualTo(ProbeOutcome.UNKNOWN);
        assertThat(result.impairment()).isEqualTo(LocationImpairment.SELF_CHECK_FAILED);
    }

    @Test
    void oneAnsweringReferenceIsEnough() throws Exception {
        SelfCheck check = new SelfCheck(
                List.of(closedUrl(), "http://127.0.0.1:" + reference.getAddress().getPort() + "/"), 1000,
                http);
        assertThat(check.round().get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(check.impaired()).isFalse();
    }

    @Test
    void noReferencesMeansNoSelfCheck() throws Exception {
        SelfCheck check = new SelfCheck(List.of(), 1000, http);
        assertThat(check.enabled()).isFalse();
        assertThat(check.round().get(1, TimeUnit.SECONDS)).isFalse();
    }

}
