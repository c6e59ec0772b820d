package dev.failover.probe.domain;

import java.util.concurrent.CompletionStage;

import dev.failover.contract.topology.ProbeSpec;

/** Probes one kind of endpoint without blocking the caller. The stage never completes exceptionally. */
public interface Prober<S extends ProbeSpec> {

    CompletionStage<Observation> probe(S spec);
}
