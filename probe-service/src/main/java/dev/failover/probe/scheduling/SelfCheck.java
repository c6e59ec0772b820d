package dev.failover.probe.scheduling;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.failover.contract.topology.HttpProbe;
import dev.failover.probe.domain.Observation;
import dev.failover.probe.domain.Prober;

/**
 * The location's own health: a round of probes of reference URLs. When every one of them fails, the location is
 * impaired — more likely cut off itself than seeing all targets down — and its results say so.
 */
public final class SelfCheck {

    private final List<HttpProbe> references;
    private final Prober<HttpProbe> prober;
    private final AtomicBoolean impaired = new AtomicBoolean();

    public SelfCheck(List<String> urls, int timeoutMillis, Prober<HttpProbe> prober) {
        // redirects followed: a reference site that answers at all, wherever it sends us, shows the network works
        this.references = urls.stream().map(url -> HttpProbe.get(url).followRedirects(true)
                .connectTimeoutMillis(Math.min(timeoutMillis, 2000)).timeoutMillis(timeoutMillis).build()).toList();
        this.prober = prober;
    }

    public boolean enabled() {
        return !references.isEmpty();
    }

    public boolean impaired() {
        return impaired.get();
    }

    /** Probes every reference; completes with the new state. */
    public CompletableFuture<Boolean> round() {
        if (references.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        List<CompletableFuture<Observation>> probes = references.stream()
                .map(r -> prober.probe(r).toCompletableFuture()).toList();
        return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).thenApply(x -> {
            boolean allFailed = probes.stream().allMatch(p -> p.join() instanceof Observation.Down);
            impaired.set(allFailed);
            return allFailed;
        });
    }
}
