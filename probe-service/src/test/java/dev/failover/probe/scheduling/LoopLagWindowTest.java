package dev.failover.probe.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.probe.domain.LoopLag;
import dev.failover.probe.domain.TargetProbe;
import dev.failover.probe.probing.DnsProber;
import dev.failover.probe.probing.TcpProber;
import dev.failover.probe.probing.VertxHttpProber;
import dev.failover.testkit.topology.TestTopology;
import io.vertx.core.Vertx;

/**
 * Which event-loop hold-ups can excuse a timeout (ADR 0008): one in the last moments of the probe can (the response may
 * be waiting behind it), one early in a long timeout cannot (the loop worked its backlog off long before the deadline),
 * so a target that hangs stays DOWN. The target accepts connections and never answers; the hold-up is told by a LoopLag
 * that reports it only for the part of the probe it covers.
 */
class LoopLagWindowTest {

    static final Duration PAUSE = Duration.ofMillis(500);
    static Vertx vertx = Vertx.vertx();
    static ExecutorService io = Executors.newFixedThreadPool(2);
    static VertxHttpProber http = new VertxHttpProber(vertx, io, 16);
    static ServerSocket hung;
    static final List<Socket> accepted = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!hung.isClosed()) {
                try {
                    accepted.add(hung.accept()); // held open, never answered
                } catch (IOException e) {
                    return;
                }
            }
        }, "hung-target");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stop() throws IOException {
        hung.close();
        vertx.close();
        io.shutdownNow();
    }

    /** A group whose primary hangs, probed with a 3 s timeout. */
    static FailoverGroup hungGroup() {
        String url = "http://127.0.0.1:" + hung.getLocalPort() + "/";
        String yaml = TestTopology.yaml(url, url).replace("intervalSeconds: 1", "intervalSeconds: 5")
                .replace("timeoutMillis: 900", "timeoutMillis: 3000");
        return TopologyLoader.parse(yaml, "test").groups().get(0);
    }

    /** Probes the hung target once; {@code lag} is given the {@link System#nanoTime()} the probe was started at. */
    static ProbeResult probe(Function<Long, LoopLag> lag) throws Exception {
        FailoverGroup group = hungGroup();
        AtomicLong startedAt = new AtomicLong();
        LoopLag reported = (from, to) -> lag.apply(startedAt.get()).worstBetween(from, to);
        TargetProbe probe = new TargetProbe(http, new TcpProber(io), new DnsProber(io), Clock.systemUTC(), "loc-a",
                () -> false, reported,
                new TargetProbe.Limits(10, Optional.empty(), Duration.ofMillis(200)));
        startedAt.set(System.nanoTime());
        return probe.run(group, group.primary(), startedAt.get()).toCompletableFuture().get(20, TimeUnit.SECONDS)
                .result();
    }

    @Test
    void aPauseEarlyInALongTimeoutDoesNotExcuseIt() throws Exception {
        // a pause in the first 300 ms of the probe: reported for any window reaching back that far
        ProbeResult result = probe(
                start -> (from, to) -> from < start + TimeUnit.MILLISECONDS.toNanos(300) ? PAUSE : Duration.ZERO);
        assertThat(result.outcome()).as("a hung target stays DOWN: %s", result).isEqualTo(ProbeOutcome.DOWN);
        assertThat(result.failureReason()).isEqualTo(FailureReason.TIMEOUT);
    }

    @Test
    void aPauseAtTheDeadlineDoes() throws Exception {
        ProbeResult result = probe(start -> (from, to) -> PAUSE);
        assertThat(result.outcome()).as("the response may be waiting behind the pause: %s", result)
                .isEqualTo(ProbeOutcome.UNKNOWN);
        assertThat(result.impairment()).isEqualTo(LocationImpairment.CPU_STARVED);
    }
}
