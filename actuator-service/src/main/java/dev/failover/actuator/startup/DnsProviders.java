package dev.failover.actuator.startup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.dns.ArcSafetyRuleCatalog;
import dev.failover.actuator.dns.ArcSettings;
import dev.failover.actuator.dns.DnsInstances;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DnsSettings;
import dev.failover.actuator.dns.DryRunDnsProvider;
import dev.failover.actuator.dns.LeasedDnsProvider;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.Rfc2136DnsProvider;
import dev.failover.actuator.dns.Rfc2136Settings;
import dev.failover.actuator.dns.Route53DnsProvider;
import dev.failover.actuator.dns.Route53Settings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.requests.RequestBudget;

/**
 * Every DNS provider instance this actuator writes through, built once at start from the checked {@link DnsInstances}
 * (ADR 0036, "Configuration per provider instance"): each with its own client, its lease asked before every write
 * ({@link LeasedDnsProvider}) and its own request budget, but the Route 53 instances of one {@code budget.account}
 * share that account's budget (ADR 0022). The one place a kind of settings becomes its provider is {@link Build}.
 */
public final class DnsProviders implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DnsProviders.class);

    private final Map<String, DnsProvider> providers;
    /** What the instances hold open beside their clients: each ARC instance's safety-rule reader. */
    private final List<AutoCloseable> held;

    private DnsProviders(Map<String, DnsProvider> providers, List<AutoCloseable> held) {
        this.providers = providers;
        this.held = held;
    }

    /**
     * A provider per instance of {@code settings.dns()}: {@value DnsInstances#DEFAULT} always, {@value DnsInstances#ARC}
     * when a group is switched with routing controls, and each named one.
     *
     * @param lease asked right before each write goes out, by every provider (ADR 0006)
     */
    static DnsProviders of(ActuatorSettings settings, Lease lease) {
        List<AutoCloseable> held = new ArrayList<>();
        Build build = new Build(settings, lease, route53Budgets(settings.dns()), held);
        Map<String, DnsProvider> providers = new LinkedHashMap<>();
        settings.dns().all().forEach((id, instance) -> {
            DnsProvider provider = instance.match(build);
            LOG.infof("DNS provider %s: %s (%s routing)", id, provider.name(), provider.routing());
            // the lease is asked when a write is asked for, and again by the provider right before its request is sent
            providers.put(id, new LeasedDnsProvider(provider, lease));
        });
        return new DnsProviders(providers, held);
    }

    /**
     * One budget per account of the Route 53 instances, its rate as the account's instances say it (one rate per
     * account, checked at start): the instances of one account wait their turns in it together (ADR 0022).
     */
    static Map<String, RequestBudget> route53Budgets(DnsInstances instances) {
        Map<String, RequestBudget> budgets = new TreeMap<>();
        instances.all().values().stream().filter(Route53Settings.class::isInstance).map(Route53Settings.class::cast)
                .forEach(r53 -> budgets.computeIfAbsent(r53.account().name(), account -> r53.budget()));
        return budgets;
    }

    /** The instance of this id: {@value DnsInstances#DEFAULT}, {@value DnsInstances#ARC} or a named one. */
    public DnsProvider provider(String id) {
        DnsProvider provider = providers.get(id);
        if (provider == null) {
            throw new IllegalArgumentException(
                    "no DNS provider instance '" + id + "'; there are " + providers.keySet());
        }
        return provider;
    }

    /** The ids of every instance, {@value DnsInstances#DEFAULT} first. */
    public Set<String> ids() {
        return providers.keySet();
    }

    @Override
    public void close() {
        held.forEach(closeable -> {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warnf("could not close %s: %s", closeable, e.toString());
            }
        });
    }

    /** Builds each kind's provider: a kind added to {@link DnsSettings} does not compile until it has its case here. */
    private record Build(ActuatorSettings settings, Lease lease, Map<String, RequestBudget> budgets,
            List<AutoCloseable> held) implements DnsSettings.Cases<DnsProvider> {

        @Override
        public DnsProvider dryRun(DnsSettings.DryRun dryRunSettings) {
            DryRunDnsProvider dryRun = new DryRunDnsProvider(DnsProvider.Routing.SINGLE);
            // as a real zone before the plane is deployed: each record serves its chain's first target, unmarked
            TrafficPlan plan = GroupLanes.trafficPlan(dryRunSettings, dryRun, settings.ttlFloorSeconds(), true);
            settings.topology().groups().forEach(g -> dryRun.serve(RecordKey.of(g), plan.initial(g)));
            return dryRun;
        }

        @Override
        public DnsProvider rfc2136(Rfc2136Settings rfc2136) {
            return new Rfc2136DnsProvider(rfc2136, lease);
        }

        @Override
        public DnsProvider route53(Route53Settings route53) {
            return new Route53DnsProvider(BackendClients.route53Client(route53), route53,
                    budgets.get(route53.account().name()), lease);
        }

        @Override
        public DnsProvider arc(ArcSettings arc) {
            ArcSafetyRuleCatalog safetyRules = BackendClients.arcSafetyRules(arc);
            held.add(safetyRules);
            return BackendClients.arcProvider(arc, safetyRules, lease);
        }
    }
}
