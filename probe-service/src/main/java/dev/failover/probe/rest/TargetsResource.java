package dev.failover.probe.rest;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Topology;
import dev.failover.probe.config.ProbeServiceConfig;
import dev.failover.probe.scheduling.LatestResults;

/** Read-only view of what this location probes and what it last saw. */
@Path("/targets")
@Produces(MediaType.APPLICATION_JSON)
public class TargetsResource {

    public record TargetView(String group, String target, String region, String location, ProbeResult lastResult) {
    }

    @Inject
    Topology topology;
    @Inject
    LatestResults latest;
    @Inject
    ProbeServiceConfig config;

    @GET
    public List<TargetView> list() {
        return topology.groups().stream()
                .flatMap(g -> g.targets().stream().map(t -> new TargetView(g.id(), t.id(), t.region(), config.location(),
                        latest.of(g.id(), t.id()).orElse(null))))
                .toList();
    }
}
