package dev.failover.actuator.dns;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

import dev.failover.actuator.lease.Lease;
import dev.failover.testkit.aws.Route53Zone;
import dev.failover.testkit.dns.AuthoritativeServer;
import dev.failover.testkit.dns.BindServer;
import dev.failover.testkit.dns.KnotServer;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * {@link DnsProviderContract} for each backend that keeps its mark beside the record: RFC 2136 on BIND9 and on Knot DNS,
 * Route 53 through the real SDK against {@link Route53Zone}, and the dry run.
 */
class DnsProviderContractTest {

    static final String ZONE = "contract.test.";
    static final String ZONE_ID = "Z0CONTRACT";

    static BindServer bind;
    static KnotServer knot;
    static Route53Zone route53;
    static Route53Client client;

    @BeforeAll
    static void start() throws Exception {
        bind = BindServer.start(ZONE, List.of());
        knot = KnotServer.start(ZONE, List.of());
        route53 = Route53Zone.start(ZONE_ID, List.of());
        client = Route53Fixtures.client(route53.endpoint());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable each : new AutoCloseable[] { client, route53, knot, bind }) {
            try {
                if (each != null) {
                    each.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException("closing " + each, e);
            }
        }
    }

    static Rfc2136DnsProvider rfc2136(AuthoritativeServer server) {
        return new Rfc2136DnsProvider(new Rfc2136Settings("127.0.0.1", server.port(), AuthoritativeServer.KEY_NAME,
                AuthoritativeServer.ALGORITHM, server.secret(), Duration.ofSeconds(2), List.of()), Lease.HELD);
    }

    @Nested
    class Rfc2136OnBind extends DnsProviderContract {
        Rfc2136OnBind() {
            super(rfc2136(bind), ZONE, null);
        }
    }

    @Nested
    class Rfc2136OnKnot extends DnsProviderContract {
        Rfc2136OnKnot() {
            super(rfc2136(knot), ZONE, null);
        }
    }

    @Nested
    class Route53 extends DnsProviderContract {
        Route53() {
            super(Route53Fixtures.provider(client, Route53Fixtures.settings(Route53Settings.Routing.SIMPLE, 1000,
                    Route53Settings.TakeOver.REFUSE)), ZONE, ZONE_ID);
        }
    }

    @Nested
    class DryRun extends DnsProviderContract {
        DryRun() {
            super(new DryRunDnsProvider(DnsProvider.Routing.SINGLE), ZONE, null);
        }
    }
}
