package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

import dev.failover.contract.topology.RecordType;
import dev.failover.testkit.dns.BindServer;

/** Against a real BIND9 named on loopback: signed updates switch what the server answers; others are refused. */
class Rfc2136DnsProviderTest {

    static BindServer bind;

    @BeforeAll
    static void startBind() {
        bind = BindServer.start("failover.test.", List.of("api IN A 192.0.2.10"));
    }

    @AfterAll
    static void stopBind() {
        bind.close();
    }

    static Rfc2136DnsProvider provider(String secret) {
        return new Rfc2136DnsProvider(new Rfc2136Settings("127.0.0.1", bind.port(), BindServer.KEY_NAME, BindServer.ALGORITHM,
                secret, Duration.ofSeconds(3), Duration.ofMillis(100)));
    }

    static DnsChange change(String target, String... values) {
        return new DnsChange("failover.test.", "api.failover.test.", RecordType.A, 5, List.of(values), null, target, target);
    }

    @Test
    void failoverThenFailbackChangesWhatTheServerAnswers() throws Exception {
        Rfc2136DnsProvider dns = provider(bind.secret());
        assertThat(dns.answers(change("primary", "192.0.2.10"))).containsExactly("192.0.2.10");

        DnsChange failover = change("secondary", "192.0.2.20", "192.0.2.21");
        DnsProvider.ApplyOutcome applied = dns.apply(failover);
        assertThat(applied).isInstanceOf(DnsProvider.ApplyOutcome.Applied.class);
        assertThat(dns.verify(failover, (DnsProvider.ApplyOutcome.Applied) applied, Duration.ofSeconds(5)))
                .isInstanceOf(DnsProvider.VerifyOutcome.Verified.class);
        assertThat(dns.answers(failover)).containsExactlyInAnyOrder("192.0.2.20", "192.0.2.21");

        DnsChange failback = change("primary", "192.0.2.10");
        assertThat(dns.apply(failback)).isInstanceOf(DnsProvider.ApplyOutcome.Applied.class);
        assertThat(dns.answers(failback)).containsExactly("192.0.2.10");
        // applying the same state again is harmless
        assertThat(dns.apply(failback)).isInstanceOf(DnsProvider.ApplyOutcome.Applied.class);
        assertThat(dns.answers(failback)).containsExactly("192.0.2.10");
    }

    @Test
    void anUnsignedUpdateIsRefusedByTheServer() throws Exception {
        Name zone = Name.fromString("failover.test.");
        Name name = Name.fromString("api.failover.test.");
        Update update = new Update(zone);
        update.delete(name, Type.A);
        update.add(new ARecord(name, DClass.IN, 5, InetAddress.getByName("203.0.113.66")));
        SimpleResolver unsigned = new SimpleResolver(new InetSocketAddress("127.0.0.1", bind.port()));
        unsigned.setTCP(true);
        Message response = unsigned.send(update);
        assertThat(Rcode.string(response.getRcode())).isEqualTo("REFUSED");
        assertThat(provider(bind.secret()).answers(change("x", "x"))).doesNotContain("203.0.113.66");
    }

    @Test
    void anUpdateSignedWithTheWrongKeyIsRejectedAndReported() throws Exception {
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);
        DnsProvider.ApplyOutcome outcome = provider(wrong).apply(change("secondary", "203.0.113.77"));
        assertThat(outcome).isInstanceOfSatisfying(DnsProvider.ApplyOutcome.Rejected.class,
                r -> assertThat(r.reason()).contains("NOTAUTH"));
        assertThat(provider(bind.secret()).answers(change("x", "x"))).doesNotContain("203.0.113.77");
    }

    @Test
    void verificationReportsAServerThatDoesNotServeTheChange() {
        Rfc2136DnsProvider dns = provider(bind.secret());
        DnsChange never = change("secondary", "198.51.100.1");
        assertThat(dns.verify(never, new DnsProvider.ApplyOutcome.Applied("pretend", null), Duration.ofMillis(500)))
                .isInstanceOfSatisfying(DnsProvider.VerifyOutcome.NotVerified.class,
                        n -> assertThat(n.reason()).contains("wanted [198.51.100.1]"));
    }

    @Test
    void anUnreachableServerIsUnavailableNotRejected() {
        Rfc2136DnsProvider dns = new Rfc2136DnsProvider(new Rfc2136Settings("127.0.0.1", 1, BindServer.KEY_NAME,
                BindServer.ALGORITHM, bind.secret(), Duration.ofMillis(500), Duration.ofMillis(100)));
        assertThat(dns.apply(change("secondary", "192.0.2.20"))).isInstanceOf(DnsProvider.ApplyOutcome.Unavailable.class);
    }
}
