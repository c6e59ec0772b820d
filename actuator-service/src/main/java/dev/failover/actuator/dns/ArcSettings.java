package dev.failover.actuator.dns;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The groups switched with Route 53 Application Recovery Controller routing controls ({@code route53-arc}), and how the
 * ARC cluster is reached; checked by the config resolver. Empty ({@link #none()}) when no group uses ARC.
 *
 * @param endpoints       the cluster's regional endpoints, each with the region its calls are signed for
 * @param endpointTimeout the longest one call to one endpoint may take before the next endpoint is tried
 * @param groups          the ARC groups by id
 * @param roleArn         a role to assume (in each endpoint's own region, through its regional STS) instead of the
 *                        actuator's own credentials
 * @param stsEndpointOverride another endpoint for STS, for tests or a proxy
 * @param safetyRulesRefresh  how often the control panels' safety rules are read again
 * @param controlConfigEndpointOverride another endpoint for the control-configuration API, for tests or a proxy
 */
public record ArcSettings(List<Endpoint> endpoints, Duration endpointTimeout, Map<String, Group> groups,
        Optional<String> roleArn, Optional<URI> stsEndpointOverride, Duration safetyRulesRefresh,
        Optional<URI> controlConfigEndpointOverride) implements DnsSettings {

    /** The one region that serves ARC's control-configuration API. */
    public static final String CONTROL_CONFIG_REGION = "us-west-2";

    /** The default per-endpoint timeout: short, since four more endpoints are there to answer. */
    public static final Duration DEFAULT_ENDPOINT_TIMEOUT = Duration.ofSeconds(2);

    /** One regional endpoint of the cluster (the cluster lists five, in five regions). */
    public record Endpoint(String region, URI url) {
    }

    /**
     * One group's routing controls.
     *
     * @param controls        the routing control ARN of each of the group's targets, by target id: On sends it traffic
     * @param breakGlassRules the safety rules a FORCE of this group (the override API's break glass) overrides;
     *                        no other decision overrides any
     */
    public record Group(Map<String, String> controls, List<String> breakGlassRules) {
        public Group {
            controls = Map.copyOf(controls);
            breakGlassRules = List.copyOf(breakGlassRules);
        }
    }

    public ArcSettings {
        endpoints = List.copyOf(endpoints);
        groups = Map.copyOf(groups);
    }

    public static ArcSettings none() {
        return new ArcSettings(List.of(), DEFAULT_ENDPOINT_TIMEOUT, Map.of(), Optional.empty(), Optional.empty(),
                Duration.ofMinutes(5), Optional.empty());
    }

    /** The control panels of the groups' routing controls (their ARNs). */
    public java.util.Set<String> controlPanels() {
        return groups.values().stream().flatMap(g -> g.controls().values().stream()).map(ArcSafetyRuleCatalog::panelOf)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    @Override
    public <R> R match(Cases<R> cases) {
        return cases.arc(this);
    }

    /** Whether the group is switched with routing controls. */
    public boolean covers(String group) {
        return groups.containsKey(group);
    }
}
