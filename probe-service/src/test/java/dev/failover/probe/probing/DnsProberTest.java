package dev.failover.probe.probing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.DatagramSocket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.topology.DnsProbe;
import dev.failover.probe.domain.Observation;
import dev.failover.testkit.dns.AuthoritativeServer;
import dev.failover.testkit.dns.BindServer;
import dev.failover.testkit.dns.KnotServer;

/**
 * The DNS probe against two real servers from Debian, BIND9 and Knot DNS, on loopback: each answer is judged
 * and reported with its addresses, TTL and resolver; an error response, an empty or unexpected answer, and a resolver
 * that does not answer are DOWN with their own reasons.
 */
class DnsProberTest {

    static final String ZONE = "probe.test.";
    static final List<String> RECORDS = List.of(
            "api 30 IN A 192.0.2.10",
            "two 60 IN A 192.0.2.21",
            "two 60 IN A 192.0.2.22",
            "alias 10 IN CNAME api",
            "v6 30 IN AAAA 2001:db8::10");
    static final int TIMEOUT_MILLIS = 5_000;

    static BindServer bind;
    static KnotServer knot;
    static final ExecutorService io = Executors.newFixedThreadPool(2);
    static final DnsProber prober = new DnsProber(io);

    @BeforeAll
    static void startServers() {
        bind = BindServer.start(ZONE, RECORDS);
        knot = KnotServer.start(ZONE, RECORDS);
    }

    @AfterAll
    static void stopServers() {
        if (bind != null) {
            bind.close();
        }
        if (knot != null) {
            knot.close();
        }
        io.shutdownNow();
    }

    static Stream<AuthoritativeServer> servers() {
        return Stream.of(bind, knot);
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("dev.failover.probe.probing.DnsProberTest#servers")
    @interface OnBothServers {
    }

    static DnsProbe probe(AuthoritativeServer server, String name, DnsProbe.AddressType type,
            DnsProbe.Transport transport,
            List<String> expect) {
        return new DnsProbe(name + "." + ZONE, type, "127.0.0.1", server.port(), transport, expect, 10, 2000,
                TIMEOUT_MILLIS,
                null);
    }

    static Observation probe(DnsProbe spec) {
        return prober.probe(spec).toCompletableFuture().join();
    }

    @OnBothServers
    void anExpectedAddressIsUpWithTheAnswerItsTtlAndTheResolver(AuthoritativeServer server) {
        Observation seen = probe(
                probe(server, "api", DnsProbe.AddressType.A, DnsProbe.Transport.UDP, List.of("192.0.2.10")));
        assertThat(seen).isInstanceOf(Observation.Up.class);
        assertThat(seen.dnsAnswer().rcode()).isEqualTo("NOERROR");
        assertThat(seen.dnsAnswer().addresses()).containsExactly("192.0.2.10");
        assertThat(seen.dnsAnswer().ttlSeconds()).isEqualTo(30L);
        assertThat(seen.dnsAnswer().resolver()).isEqualTo("127.0.0.1:" + server.port());
        assertThat(seen.timings().dnsMillis()).as("the query's time").isNotNull();
    }

    @OnBothServers
    void withoutExpectAnyAddressIsUpAndOverTcpToo(AuthoritativeServer server) {
        Observation seen = probe(probe(server, "two", DnsProbe.AddressType.A, DnsProbe.Transport.TCP, List.of()));
        assertThat(seen).isInstanceOf(Observation.Up.class);
        assertThat(seen.dnsAnswer().addresses()).containsExactlyInAnyOrder("192.0.2.21", "192.0.2.22");
        assertThat(seen.dnsAnswer().ttlSeconds()).isEqualTo(60L);
    }

    @OnBothServers
    void anAnswerWithOnlyUnexpectedAddressesIsDownSayingWhatItWas(AuthoritativeServer server) {
        Observation seen = probe(
                probe(server, "api", DnsProbe.AddressType.A, DnsProbe.Transport.UDP, List.of("192.0.2.99")));
        assertThat(seen).isInstanceOfSatisfying(Observation.Down.class, down -> {
            assertThat(down.reason()).isEqualTo(FailureReason.UNEXPECTED_ANSWER);
            assertThat(down.detail()).contains("[192.0.2.10]", "TTL 30 s", "192.0.2.99");
        });
        assertThat(seen.dnsAnswer().addresses()).as("what it answered, reported").containsExactly("192.0.2.10");
    }

    @OnBothServers
    void aNameThatDoesNotExistIsADnsFailure(AuthoritativeServer server) {
        Observation seen = probe(
                probe(server, "nothing-here", DnsProbe.AddressType.A, DnsProbe.Transport.UDP, List.of()));
        assertThat(seen).isInstanceOfSatisfying(Observation.Down.class, down -> {
            assertThat(down.reason()).isEqualTo(FailureReason.DNS_FAILURE);
            assertThat(down.detail()).endsWith(": NXDOMAIN");
        });
        assertThat(seen.dnsAnswer().rcode()).isEqualTo("NXDOMAIN");
        assertThat(seen.dnsAnswer().addresses()).isEmpty();
    }

    @OnBothServers
    void aNameWithoutAnAddressOfTheTypeIsAnUnexpectedAnswer(AuthoritativeServer server) {
        Observation seen = probe(probe(server, "api", DnsProbe.AddressType.AAAA, DnsProbe.Transport.UDP, List.of()));
        assertThat(seen).isInstanceOfSatisfying(Observation.Down.class, down -> {
            assertThat(down.reason()).isEqualTo(FailureReason.UNEXPECTED_ANSWER);
            assertThat(down.detail()).contains("no AAAA record (NOERROR, empty answer)");
        });
        Observation v6 = probe(probe(server, "v6", DnsProbe.AddressType.AAAA, DnsProbe.Transport.UDP,
                List.of("2001:0db8:0:0:0:0:0:10")));
        assertThat(v6).as("an IPv6 address expected in another spelling").isInstanceOf(Observation.Up.class);
        assertThat(v6.dnsAnswer().addresses()).as("reported as people write it").containsExactly("2001:db8::10");
    }

    @OnBothServers
    void aCnameIsFollowedToItsAddressesInTheSameAnswer(AuthoritativeServer server) {
        Observation seen = probe(
                probe(server, "alias", DnsProbe.AddressType.A, DnsProbe.Transport.UDP, List.of("192.0.2.10")));
        assertThat(seen).isInstanceOf(Observation.Up.class);
        assertThat(seen.dnsAnswer().addresses()).containsExactly("192.0.2.10");
        assertThat(seen.dnsAnswer().ttlSeconds()).as("the smallest TTL of the chain, the CNAME's here: what a client"
                + " of a failover record of type CNAME follows").isEqualTo(10L);
    }

    @OnBothServers
    void aZoneTheServerDoesNotServeIsADnsFailure(AuthoritativeServer server) {
        DnsProbe elsewhere = new DnsProbe("api.example.org.", DnsProbe.AddressType.A, "127.0.0.1", server.port(),
                DnsProbe.Transport.UDP,
                List.of(), 10, 2000, TIMEOUT_MILLIS, null);
        assertThat(probe(elsewhere)).isInstanceOfSatisfying(Observation.Down.class,
                down -> assertThat(down.reason()).isEqualTo(FailureReason.DNS_FAILURE));
    }

    /**
     * Over TCP, each query has a connection of its own, closed after it: a resolver that accepts and never answers
     * times the probe out and sees its connection closed, so a connection that died silently is never reused by the
     * next probe (dnsjava's own TCP client keeps one per resolver, with no connect timeout).
     */
    @Test
    void overTcpASilentResolverTimesOutAndItsConnectionIsClosed() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 4,
                java.net.InetAddress.getLoopbackAddress())) {
            DnsProbe spec = new DnsProbe("api." + ZONE, DnsProbe.AddressType.A, "127.0.0.1", silent.getLocalPort(),
                    DnsProbe.Transport.TCP, List.of(), 10, 2000, 700, null);
            Observation seen = probe(spec);
            assertThat(seen).isInstanceOfSatisfying(Observation.Down.class,
                    down -> assertThat(down.reason()).isEqualTo(FailureReason.TIMEOUT));
            silent.setSoTimeout(5_000);
            try (java.net.Socket accepted = silent.accept()) {
                accepted.setSoTimeout(5_000);
                java.io.InputStream in = accepted.getInputStream();
                int length = (in.read() << 8) | in.read();
                assertThat(in.readNBytes(length)).as("the length-prefixed query").hasSize(length);
                assertThat(in.read()).as("the prober closed the connection after its timeout").isEqualTo(-1);
            }
        }
    }

    /** A resolver that takes the query and never answers: the probe's timeout, not the resolver's, ends it. */
    @Test
    void aResolverThatDoesNotAnswerIsATimeoutWithinTheProbesTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            DnsProbe spec = new DnsProbe("api." + ZONE, DnsProbe.AddressType.A, "127.0.0.1", silent.getLocalPort(),
                    DnsProbe.Transport.UDP,
                    List.of(), 10, 2000, 700, null);
            long start = System.nanoTime();
            Observation seen = probe(spec);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(seen).isInstanceOfSatisfying(Observation.Down.class,
                    down -> assertThat(down.reason()).isEqualTo(FailureReason.TIMEOUT));
            assertThat(seen.dnsAnswer()).isNull();
            assertThat(took).as("ended by the probe's timeout").isLessThan(5_000);
        }
    }
}
