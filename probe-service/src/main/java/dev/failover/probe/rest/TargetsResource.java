package dev.failover.probe.rest;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.HttpProbe;
import dev.failover.contract.topology.ProbeSpec;
import dev.failover.contract.topology.Target;
import dev.failover.probe.config.ProbeSettings;
import dev.failover.probe.scheduling.LatestResults;
import dev.failover.probe.topology.TopologyHolder;

/**
 * Read-only view of what this location probes, its last result and its last verdicts; a target's dependencies are shown
 * under it, each with its own results.
 */
@Path("/targets")
@Produces(MediaType.APPLICATION_JSON)
public class TargetsResource {

    /** One target as this location sees it; {@code recentVerdicts} newest first. */
    public record TargetView(String group, String target, String region, String location, ProbeResult lastResult,
            List<String> recentVerdicts, List<DependencyView> dependencies) {
    }

    /** One dependency of a target as this location sees it; {@code recentVerdicts} newest first. */
    public record DependencyView(String dependency, ProbeResult lastResult, List<String> recentVerdicts) {
    }

    /** A target in detail: its probe spec and its recent results, and the same of each of its dependencies. */
    public record TargetDetail(String group, String target, String region, String location, ProbeSpec probe,
            List<ProbeResult> recentResults, List<DependencyDetail> dependencies) {
    }

    /** A dependency of a target in detail: its probe spec and its recent results. */
    public record DependencyDetail(String dependency, ProbeSpec probe, List<ProbeResult> recentResults) {
    }

    private final TopologyHolder topology;
    private final LatestResults latest;
    private final ProbeSettings config;

    @Inject
    TargetsResource(TopologyHolder topology, LatestResults latest, ProbeSettings config) {
        this.topology = topology;
        this.latest = latest;
        this.config = config;
    }

    @GET
    public List<TargetView> list() {
        return topology.current().groups().stream().flatMap(g -> g.targets().stream().map(t -> view(g, t))).toList();
    }

    @GET
    @Path("/{group}/{target}")
    public Response get(@PathParam("group") String group, @PathParam("target") String target) {
        FailoverGroup g = topology.current().group(group).orElse(null);
        Target t = g == null ? null : g.target(target).orElse(null);
        if (t == null) {
            return Response.status(404).type(MediaType.APPLICATION_JSON).entity(java.util.Map.of("status", 404, "error",
                    "not-found", "message", "no target '" + target + "' in group '" + group + "'")).build();
        }
        List<DependencyDetail> dependencies = t.dependencies().stream().map(d -> new DependencyDetail(d.id(),
                withSecretsHidden(d.probe()), latest.recent(group, target, d.id()))).toList();
        return Response.ok(new TargetDetail(group, target, t.region(), config.location(), withSecretsHidden(t.probe()),
                latest.recent(group, target), dependencies)).build();
    }

    static final String HIDDEN = "(hidden)";

    /**
     * The probe as this unauthenticated view may show it: request headers often carry credentials (an API key, a basic
     * auth header), and so can the URL's user info and query, so their values are hidden; names stay, to debug with.
     */
    static ProbeSpec withSecretsHidden(ProbeSpec probe) {
        return probe.match(http -> new HttpProbe(urlWithSecretsHidden(http.url()), http.method(),
                http.headers().keySet().stream().collect(Collectors.toMap(name -> name, name -> HIDDEN)),
                http.hostHeader(),
                http.expectedStatus(), http.bodyContains(), http.bodyRegex(), http.bodyLimitBytes(),
                http.followRedirects(),
                http.verifyTls(), http.intervalSeconds(), http.connectTimeoutMillis(), http.timeoutMillis(),
                http.maxLatencyMillis()), tcp -> tcp, dns -> dns);
    }

    static String urlWithSecretsHidden(String url) {
        URI uri = URI.create(url); // the topology validator accepted it
        String query = uri.getRawQuery() == null ? null : Arrays.stream(uri.getRawQuery().split("&"))
                .map(p -> p.contains("=") ? p.substring(0, p.indexOf('=')) + "=" + HIDDEN : p)
                .collect(Collectors.joining("&"));
        String userInfo = uri.getRawUserInfo() == null ? "" : HIDDEN + "@";
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return uri.getScheme() + "://" + userInfo + uri.getHost() + port + uri.getRawPath()
                + (query == null ? "" : "?" + query);
    }

    private TargetView view(FailoverGroup g, Target t) {
        List<ProbeResult> recent = latest.recent(g.id(), t.id());
        List<DependencyView> dependencies = t.dependencies().stream().map(d -> {
            List<ProbeResult> ofDependency = latest.recent(g.id(), t.id(), d.id());
            return new DependencyView(d.id(), first(ofDependency), verdicts(ofDependency));
        }).toList();
        return new TargetView(g.id(), t.id(), t.region(), config.location(), first(recent), verdicts(recent),
                dependencies);
    }

    private static ProbeResult first(List<ProbeResult> newestFirst) {
        return newestFirst.isEmpty() ? null : newestFirst.get(0);
    }

    private static List<String> verdicts(List<ProbeResult> newestFirst) {
        return newestFirst.stream().map(r -> r.outcome() + (r.impairment() != null ? " " + r.impairment()
                : r.failureReason() == null ? "" : " " + r.failureReason())).toList();
    }
}
