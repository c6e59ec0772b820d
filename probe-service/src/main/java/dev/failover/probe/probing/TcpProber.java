package dev.failover.probe.probing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.PhaseTimings;
import dev.failover.contract.topology.TcpProbe;
import dev.failover.probe.domain.Observation;
import dev.failover.probe.domain.Prober;

/**
 * TCP probe: UP when a connection to host:port is established within the connect timeout; TOO_SLOW when the probe
 * (the look-up of the host included) took longer than its maxLatencyMillis.
 */
public final class TcpProber implements Prober<TcpProbe> {

    private final Executor resolver;

    /** @param resolver runs the (blocking) name look-up, off the scheduling thread */
    public TcpProber(Executor resolver) {
        this.resolver = resolver;
    }

    @Override
    public CompletionStage<Observation> probe(TcpProbe spec, LongConsumer connecting) {
        long start = System.nanoTime();
        long[] resolvedAt = new long[1];
        return CompletableFuture.supplyAsync(() -> {
            InetSocketAddress address = new InetSocketAddress(spec.host(), spec.port());
            resolvedAt[0] = System.nanoTime();
            if (address.isUnresolved()) {
                throw new java.nio.channels.UnresolvedAddressException();
            }
            return address;
        }, resolver).thenCompose(address -> connect(address, spec.connectTimeoutMillis(), connecting))
                .orTimeout(spec.timeoutMillis(), TimeUnit.MILLISECONDS)
                .handle((channel, error) -> {
                    long end = System.nanoTime();
                    Long dns = resolvedAt[0] == 0 ? null : TimeUnit.NANOSECONDS.toMillis(resolvedAt[0] - start);
                    Long connect = resolvedAt[0] == 0 || error != null ? null
                            : TimeUnit.NANOSECONDS.toMillis(end - resolvedAt[0]);
                    PhaseTimings timings = new PhaseTimings(dns, connect, null, null,
                            TimeUnit.NANOSECONDS.toMillis(end - start));
                    if (error != null) {
                        return new Observation.Down(FailureClassifier.classify(error),
                                FailureClassifier.describe(error), null,
                                timings, null);
                    }
                    closeQuietly(channel);
                    if (spec.maxLatencyMillis() != null && timings.totalMillis() > spec.maxLatencyMillis()) {
                        return new Observation.Down(FailureReason.TOO_SLOW, "connected after " + timings.totalMillis()
                                + " ms, more than " + spec.maxLatencyMillis() + " ms", null, timings, null);
                    }
                    return new Observation.Up(null, timings, null);
                });
    }

    private CompletableFuture<AsynchronousSocketChannel> connect(InetSocketAddress address, int timeoutMillis,
            LongConsumer connecting) {
        CompletableFuture<AsynchronousSocketChannel> connected = new CompletableFuture<>();
        AsynchronousSocketChannel channel;
        try {
            channel = AsynchronousSocketChannel.open();
        } catch (IOException e) {
            connected.completeExceptionally(e);
            return connected;
        }
        connecting.accept(System.nanoTime());
        channel.connect(address, null, new CompletionHandler<Void, Void>() {
            @Override
            public void completed(Void result, Void attachment) {
                if (!connected.complete(channel)) {
                    closeQuietly(channel);
                }
            }

            @Override
            public void failed(Throwable error, Void attachment) {
                closeQuietly(channel);
                connected.completeExceptionally(error);
            }
        });
        // a connection that completes after the timeout must not leak
        connected.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((c, error) -> {
            if (error != null) {
                closeQuietly(channel);
            }
        });
        return connected;
    }

    private static void closeQuietly(AsynchronousSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do about a failed close of a probe socket
        }
    }
}
