package dev.failover.actuator.startup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.dns.ArcSettings;
import dev.failover.actuator.dns.DnsInstances;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DnsSettings;
import dev.failover.actuator.dns.Route53Settings;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.contract.topology.DnsLane;
import dev.failover.contract.topology.FailoverGroup;

/**
 * Each group's DNS lanes, built once at start (ADR 0036): a group naming providers in the topology gets a lane per
 * provider instance of {@code failover.dns.providers.<id>}; one naming none the one lane of {@code failover.dns.provider}
 * (ARC's for a group with an {@code arc} key), as before.
 */
final class GroupLanes {

    private static final Logger LOG = Logger.getLogger(GroupLanes.class);

    private GroupLanes() {
    }

    static Function<String, GroupDns> of(ActuatorSettings settings, DnsProviders providers) {
        DnsProvider fallback = providers.provider(DnsInstances.DEFAULT);
        GroupDns everyGroup = GroupDns.oneLane(fallback, trafficPlan(settings.dns().fallback(), fallback,
                settings.ttlFloorSeconds(), true));
        ArcSettings arcGroups = settings.dns().arc();
        GroupDns arc = arcGroups.groups().isEmpty() ? null
                : BackendClients.arcDns(providers.provider(DnsInstances.ARC), settings.ttlFloorSeconds());
        Map<String, GroupDns> several = new HashMap<>();
        for (FailoverGroup group : settings.topology().groups()) {
            if (!group.dns().providers().isEmpty()) {
                several.put(group.id(), lanes(group, settings, providers));
            }
        }
        return group -> several.containsKey(group) ? several.get(group) : arcGroups.covers(group) ? arc : everyGroup;
    }

    private static GroupDns lanes(FailoverGroup group, ActuatorSettings settings, DnsProviders providers) {
        // a stepped failback moves weights: only when every lane has them (ADR 0036, validation); else one step
        boolean stepped = group.dns().providers().stream()
                .allMatch(lane -> providers.provider(lane.provider()).routing() == DnsProvider.Routing.WEIGHTED);
        List<ProviderLane> lanes = new ArrayList<>();
        for (DnsLane lane : group.dns().providers()) {
            DnsProvider provider = providers.provider(lane.provider());
            DnsSettings instance = settings.dns().instance(lane.provider()).orElseThrow();
            lanes.add(new ProviderLane(lane.provider(), provider,
                    trafficPlan(instance, provider, settings.ttlFloorSeconds(),
                            stepped),
                    lane.zone(), lane.hostedZoneId()));
        }
        LOG.infof("group %s is written to %d DNS providers (%s), served when %s of them serve%s", group.id(),
                lanes.size(), String.join(", ", lanes.stream().map(ProviderLane::id).toList()),
                group.dns().served().name().toLowerCase(java.util.Locale.ROOT),
                stepped ? "" : "; a failback moves in one step: not every provider has weights");
        return new GroupDns(lanes, group.dns().served(), Duration.ofSeconds(group.dns().disagreementSeconds()));
    }

    /**
     * How an instance's sets carry traffic: weights and failback steps only with Route 53 weighted routing (and
     * {@code stepped}); routing controls switch; planned moves lower the TTL to the configured floor first.
     */
    static TrafficPlan trafficPlan(DnsSettings instance, DnsProvider dns, int ttlFloorSeconds, boolean stepped) {
        if (instance instanceof Route53Settings route53 && dns.routing() == DnsProvider.Routing.WEIGHTED) {
            return new TrafficPlan(DnsProvider.Routing.WEIGHTED, route53.activeWeight(),
                    stepped ? route53.failbackSteps() : List.of(), ttlFloorSeconds);
        }
        if (instance instanceof ArcSettings) {
            return new TrafficPlan(DnsProvider.Routing.SWITCHES, 1, List.of(), ttlFloorSeconds);
        }
        return new TrafficPlan(dns.routing(), 100, List.of(), ttlFloorSeconds);
    }
}
