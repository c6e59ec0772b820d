package dev.failover.probe.probing;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.PhaseTimings;
import dev.failover.contract.topology.ProbeSpec;
import dev.failover.probe.domain.FailureClassifier;
import dev.failover.probe.domain.Observation;
import dev.failover.probe.domain.Prober;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * HTTP(S) probe on Vert.x's non-blocking client (ADR 0004): the name is resolved first (timed, off the event loop), then
 * a fresh connection is made to that address — or to the URL's address while sending another Host and SNI
 * ({@code hostHeader}) — so DNS, connect (with the TLS handshake for https), first byte and total are timed per probe.
 * At most {@code bodyLimitBytes} of the body are read; the rest is cut off.
 */
public final class VertxHttpProber implements Prober {

    private record ClientKey(boolean verifyTls, int connectTimeoutMillis) {
    }

    private final Vertx vertx;
    private final Executor resolver;
    private final int maxConnections;
    private final Map<ClientKey, HttpClient> clients = new ConcurrentHashMap<>();
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    /**
     * @param resolver       runs blocking name look-ups
     * @param maxConnections bound on concurrent probe connections per client (the rest wait in Vert.x's queue)
     */
    public VertxHttpProber(Vertx vertx, Executor resolver, int maxConnections) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.maxConnections = maxConnections;
    }

    private HttpClient client(ProbeSpec spec) {
        return clients.computeIfAbsent(new ClientKey(spec.verifyTls(), spec.connectTimeoutMillis()), key -> vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(false) // every probe measures a real connect, as a client arriving would
                        .setMaxPoolSize(maxConnections)
                        .setConnectTimeout(key.connectTimeoutMillis())
                        .setTrustAll(!key.verifyTls())
                        .setVerifyHost(key.verifyTls())
                        .setMaxRedirects(5)));
    }

    @Override
    public CompletionStage<Observation> probe(ProbeSpec spec) {
        URI uri = URI.create(spec.url());
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        long start = System.nanoTime();
        CompletableFuture<Observation> result = new CompletableFuture<>();
        Timer timer = new Timer(start);
        CompletableFuture.supplyAsync(() -> resolve(uri.getHost()), resolver).whenComplete((address, error) -> {
            if (error != null) {
                result.complete(down(FailureClassifier.classify(error), "cannot resolve " + uri.getHost() + ": "
                        + FailureClassifier.describe(error), null, timer.timings(), null));
                return;
            }
            timer.resolved = System.nanoTime();
            long left = spec.timeoutMillis() - timer.elapsedMillis();
            if (left <= 0) {
                result.complete(down(FailureReason.TIMEOUT, "name resolution took the whole timeout", null, timer.timings(), null));
                return;
            }
            send(spec, https, port, path, uri.getHost(), address, left, timer, result);
        });
        return result;
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    private void send(ProbeSpec spec, boolean https, int port, String path, String urlHost, InetAddress address, long timeoutMillis,
            Timer timer, CompletableFuture<Observation> result) {
        String virtualHost = spec.hostHeader() != null ? spec.hostHeader() : urlHost;
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(spec.method()))
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(virtualHost)
                .setPort(port)
                .setURI(path)
                .setSsl(https)
                .setFollowRedirects(spec.followRedirects())
                .setConnectTimeout(spec.connectTimeoutMillis())
                .setTimeout(timeoutMillis);
        spec.headers().forEach(options::addHeader);
        options.putHeader("User-Agent", "failover-probe/1");
        AtomicBoolean done = new AtomicBoolean();
        long deadline = vertx.setTimer(timeoutMillis, id -> {
            if (done.compareAndSet(false, true)) {
                result.complete(down(FailureReason.TIMEOUT, "no complete answer within " + spec.timeoutMillis() + " ms", null,
                        timer.timings(), null));
            }
        });
        client(spec).request(options).onFailure(error -> finish(done, deadline, result,
                down(FailureClassifier.classify(error), FailureClassifier.describe(error), null, timer.timings(), null)))
                .onSuccess(request -> {
                    timer.connected = System.nanoTime();
                    request.send().onFailure(error -> finish(done, deadline, result, down(FailureClassifier.classify(error),
                            FailureClassifier.describe(error), null, timer.timings(), null)))
                            .onSuccess(response -> read(spec, request, response, timer, done, deadline, result));
                });
    }

    private void read(ProbeSpec spec, HttpClientRequest request, HttpClientResponse response, Timer timer, AtomicBoolean done,
            long deadline, CompletableFuture<Observation> result) {
        timer.firstByte = System.nanoTime();
        Integer days = https(request) ? daysToExpiry(request) : null;
        int status = response.statusCode();
        Buffer body = Buffer.buffer();
        boolean needBody = spec.bodyContains() != null || spec.bodyRegex() != null;
        response.exceptionHandler(error -> finish(done, deadline, result, down(FailureClassifier.classify(error),
                "while reading the body: " + FailureClassifier.describe(error), status, timer.timings(), days)));
        response.handler(chunk -> {
            if (body.length() < spec.bodyLimitBytes()) {
                int take = Math.min(chunk.length(), spec.bodyLimitBytes() - body.length());
                body.appendBuffer(chunk, 0, take);
                if (body.length() >= spec.bodyLimitBytes() && !done.get()) {
                    // enough read: judge now and cut the rest off
                    finish(done, deadline, result, judge(spec, status, body, timer.timings(), days));
                    request.connection().close();
                }
            }
        });
        response.endHandler(end -> finish(done, deadline, result, judge(spec, status, needBody ? body : Buffer.buffer(),
                timer.timings(), days)));
    }

    private static boolean https(HttpClientRequest request) {
        return request.connection() != null && request.connection().isSsl();
    }

    private static Integer daysToExpiry(HttpClientRequest request) {
        try {
            List<Certificate> chain = request.connection().peerCertificates();
            if (!chain.isEmpty() && chain.get(0) instanceof X509Certificate leaf) {
                return (int) Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).toDays();
            }
        } catch (Exception e) {
            // no certificate to report: trust-all connections may still expose it; if not, leave it out
        }
        return null;
    }

    private void finish(AtomicBoolean done, long deadline, CompletableFuture<Observation> result, Observation observation) {
        if (done.compareAndSet(false, true)) {
            vertx.cancelTimer(deadline);
            result.complete(observation);
        }
    }

    private Observation judge(ProbeSpec spec, int status, Buffer body, PhaseTimings timings, Integer days) {
        if (!spec.statusRanges().accepts(status)) {
            return down(FailureReason.UNEXPECTED_STATUS, "status " + status + " is not in " + spec.expectedStatus(), status, timings,
                    days);
        }
        if (spec.bodyContains() != null || spec.bodyRegex() != null) {
            String text = body.toString(StandardCharsets.UTF_8);
            if (spec.bodyContains() != null && !text.contains(spec.bodyContains())) {
                return down(FailureReason.BODY_MISMATCH, "body does not contain '" + spec.bodyContains() + "' within its first "
                        + spec.bodyLimitBytes() + " bytes", status, timings, days);
            }
            if (spec.bodyRegex() != null && !patterns.computeIfAbsent(spec.bodyRegex(), Pattern::compile).matcher(text).find()) {
                return down(FailureReason.BODY_MISMATCH, "body does not match /" + spec.bodyRegex() + "/ within its first "
                        + spec.bodyLimitBytes() + " bytes", status, timings, days);
            }
        }
        if (spec.maxLatencyMillis() != null && timings.totalMillis() > spec.maxLatencyMillis()) {
            return down(FailureReason.TOO_SLOW, "took " + timings.totalMillis() + " ms, more than " + spec.maxLatencyMillis() + " ms",
                    status, timings, days);
        }
        return new Observation.Up(status, timings, days);
    }

    private static Observation down(FailureReason reason, String detail, Integer status, PhaseTimings timings, Integer days) {
        return new Observation.Down(reason, detail, status, timings, days);
    }

    /** Phase marks of one probe, in nanoTime; 0 = not reached. */
    private static final class Timer {
        final long start;
        volatile long resolved;
        volatile long connected;
        volatile long firstByte;

        Timer(long start) {
            this.start = start;
        }

        long elapsedMillis() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }

        PhaseTimings timings() {
            long now = System.nanoTime();
            return new PhaseTimings(
                    resolved == 0 ? null : ms(start, resolved),
                    connected == 0 ? null : ms(resolved, connected),
                    null,
                    firstByte == 0 ? null : ms(start, firstByte),
                    ms(start, now));
        }

        private static long ms(long from, long to) {
            return TimeUnit.NANOSECONDS.toMillis(to - from);
        }
    }
}
