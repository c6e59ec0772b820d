package dev.failover.actuator.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.dns.ArcSettings;
import dev.failover.actuator.dns.DnsInstances;
import dev.failover.actuator.dns.DnsSettings;
import dev.failover.actuator.dns.LeasedDnsProvider;
import dev.failover.actuator.dns.Rfc2136Settings;
import dev.failover.actuator.dns.Route53Settings;
import dev.failover.actuator.lease.Lease;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.topology.TestTopology;

/**
 * A provider per instance (ADR 0036, "Configuration per provider instance"): each kind built by its case, each with its
 * lease check, one request budget per Route 53 account (ADR 0022). Nothing here calls a backend.
 */
class DnsProvidersTest {

    static Route53Settings route53(String account) {
        return new Route53Settings(Route53Settings.Routing.WEIGHTED, 100, List.of(), Duration.ZERO, "aws-global",
                Optional.of(URI.create("http://127.0.0.1:1")), Duration.ofSeconds(2),
                new Route53Settings.Account(account, 4, 2),
                Route53Settings.TakeOver.REFUSE, Optional.empty());
    }

    static final Rfc2136Settings BIND = new Rfc2136Settings("127.0.0.1", 5353, "failover-key", "hmac-sha256",
            "c2VjcmV0", Duration.ofSeconds(2), List.of());
    static final ArcSettings ARC = new ArcSettings(List.of(new ArcSettings.Endpoint("us-west-2",
            URI.create("http://127.0.0.1:1/v1"))), Duration.ofSeconds(1),
            Map.of(TestTopology.GROUP, new ArcSettings.Group(
                    Map.of(TestTopology.PRIMARY,
                            "arn:aws:route53-recovery-control::111122223333:controlpanel/p/routingcontrol/a",
                            TestTopology.SECONDARY,
                            "arn:aws:route53-recovery-control::111122223333:controlpanel/p/routingcontrol/b"),
                    List.of())),
            Optional.empty(), Optional.empty(), Duration.ofMinutes(5), Optional.of(URI.create("http://127.0.0.1:1")));
    static final DnsInstances INSTANCES = new DnsInstances(new DnsSettings.DryRun(), ARC, Map.of("bind", BIND,
            "r53", route53("dns-account"), "r53-again", route53("dns-account"), "r53-other", route53("r53-other")));

    static ActuatorSettings settings(DnsInstances dns) {
        return new ActuatorSettings(TopologyLoader.parse(TestTopology.yaml("http://127.0.0.1:1/health",
                "http://127.0.0.1:2/health"), "test"), dns, null, null, 1, null, 5, null);
    }

    @Test
    void eachInstanceIsItsOwnProviderBehindTheLease() {
        try (DnsProviders providers = DnsProviders.of(settings(INSTANCES), Lease.HELD)) {
            assertThat(providers.ids()).as("default first, arc, then the named ones by id")
                    .containsExactly("default", "arc", "bind", "r53", "r53-again", "r53-other");
            assertThat(providers.ids()).allSatisfy(id -> assertThat(providers.provider(id)).as(id)
                    .isInstanceOf(LeasedDnsProvider.class));
            assertThat(providers.provider("bind").name()).isEqualTo("rfc2136");
            assertThat(providers.provider("r53")).isNotSameAs(providers.provider("r53-again"));
            assertThatThrownBy(() -> providers.provider("knot")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "no DNS provider instance 'knot'; there are [default, arc, bind, r53, r53-again, r53-other]");
        }
    }

    @Test
    void theRoute53InstancesOfOneAccountShareItsBudget() {
        assertThat(DnsProviders.route53Budgets(INSTANCES)).as("one budget per account, not per instance")
                .containsOnlyKeys("dns-account", "r53-other");
    }

    @Test
    void theOldKeysAloneAreTheInstanceDefault() {
        try (DnsProviders providers = DnsProviders.of(settings(DnsInstances.of(BIND)), Lease.HELD)) {
            assertThat(providers.ids()).as("no group on ARC: no arc instance").containsExactly("default");
            assertThat(providers.provider(DnsInstances.DEFAULT).name()).isEqualTo("rfc2136");
        }
    }
}
