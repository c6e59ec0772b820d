package dev.failover.probe.domain;

import java.util.concurrent.CompletionStage;
import java.util.function.LongConsumer;

import dev.failover.contract.topology.ProbeSpec;

/** Probes one kind of endpoint without blocking the caller. The stage never completes exceptionally. */
public interface Prober<S extends ProbeSpec> {

    default CompletionStage<Observation> probe(S spec) {
        return probe(spec, nanos -> {
        });
    }

    /**
     * @param connecting told the {@link System#nanoTime()} at which the connect attempt really begins (on the thread
     *                   that makes it), at most once; never when the probe ends before connecting
     */
    CompletionStage<Observation> probe(S spec, LongConsumer connecting);
}
