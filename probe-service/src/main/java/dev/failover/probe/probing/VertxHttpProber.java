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
import java.util.function.LongConsumer;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.PhaseTimings;
import dev.failover.contract.topology.HttpProbe;
import dev.failover.probe.domain.Observation;
import dev.failover.probe.domain.Prober;
import dev.failover.probe.domain.ResponseJudge;
import dev.failover.probe.domain.ResponseJudge.Progress;
import dev.failover.probe.domain.ResponseJudge.Verdict;
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
 * The verdict is {@link ResponseJudge}'s: without a body check the connection is closed as soon as the head is judged; with
 * one, at most {@code bodyLimitBytes} of the body are read and the rest is cut off.
 */
public final class VertxHttpProber implements Prober<HttpProbe> {

    private record ClientKey(boolean verifyTls, int connectTimeoutMillis) {
    }

    private final Vertx vertx;
    private final Executor resolver;
    private final int maxConnections;
    private final Map<ClientKey, HttpClient> clients = new ConcurrentHashMap<>();

    /**
     * @param resolver       runs blocking name look-ups
     * @param maxConnections bound on concurrent probe connections; the caller keeps its probes in flight within it, so a
     *                       probe never waits in Vert.x's pool queue, where its start delay could not be seen
     */
    public VertxHttpProber(Vertx vertx, Executor resolver, int maxConnections) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.maxConnections = maxConnections;
    }

    private HttpClient client(HttpProbe spec) {
        return clients.computeIfAbsent(new ClientKey(spec.verifyTls(), spec.connectTimeoutMillis()),
                key -> vertx.createHttpClient(
                        new HttpClientOptions()
                                .setKeepAlive(false) // every probe measures a real connect, as a client arriving would
                                // twice the bound: a connection being closed still holds its slot for a moment
                                .setMaxPoolSize(2 * maxConnections)
                                .setConnectTimeout(key.connectTimeoutMillis())
                                .setTrustAll(!key.verifyTls())
                                .setVerifyHost(key.verifyTls())
                                .setMaxRedirects(5)));
    }

    @Override
    public CompletionStage<Observation> probe(HttpProbe spec, LongConsumer connecting) {
        URI uri = URI.create(spec.url());
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        long start = System.nanoTime();
        CompletableFuture<Observation> result = new CompletableFuture<>();
        Timer timer = new Timer(start);
        lookUp(uri.getHost()).whenComplete((address, error) -> {
            if (error != null) {
                result.complete(down(FailureClassifier.classify(error), "cannot resolve " + uri.getHost() + ": "
                        + FailureClassifier.describe(error), null, timer.timings(), null));
                return;
            }
            timer.resolved = System.nanoTime();
            long left = spec.timeoutMillis() - timer.elapsedMillis();
            if (left <= 0) {
                result.complete(down(FailureReason.TIMEOUT, "name resolution took the whole timeout", null,
                        timer.timings(), null));
                return;
            }
            send(spec, https, port, path, uri.getHost(), address, left, timer, result, connecting);
        });
        return result;
    }

    /** An IP address as host is parsed here: nothing to look up, so no hop to the resolver threads. */
    private CompletableFuture<InetAddress> lookUp(String host) {
        if (!isLiteral(host)) {
            return CompletableFuture.supplyAsync(() -> resolve(host), resolver);
        }
        try {
            return CompletableFuture.completedFuture(resolve(host));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static boolean isLiteral(String host) {
        return host != null && (host.startsWith("[") || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9'));
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    private void send(HttpProbe spec, boolean https, int port, String path, String urlHost, InetAddress address,
            long timeoutMillis,
            Timer timer, CompletableFuture<Observation> result, LongConsumer connecting) {
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
        Exchange exchange = new Exchange(spec, timer, result);
        exchange.deadline = vertx.setTimer(timeoutMillis, id -> exchange.timedOut());
        // on the event loop that makes the connection, so the mark includes the wait for a busy loop
        vertx.runOnContext(onLoop -> {
            connecting.accept(System.nanoTime());
            client(spec).request(options).onFailure(exchange::failed).onSuccess(request -> {
                timer.connected = System.nanoTime();
                // a reset or close reaches the request or the response, which judge it; without a handler here Vert.x
                // would also log it as an ERROR of this service, for a target that merely failed
                request.connection().exceptionHandler(alsoReportedToTheExchange -> {
                });
                request.send().onFailure(exchange::failed).onSuccess(response -> exchange.head(request, response));
            });
        });
    }

    /**
     * One request in flight: judged by {@link ResponseJudge} at its head, then on each piece of body until the judge
     * decides, the body ends or the deadline passes; whichever decides first completes the result, and the connection is
     * closed so nothing more is read. Response handlers and the deadline timer may run on different threads, hence the
     * locking.
     */
    private final class Exchange {
        private final HttpProbe spec;
        private final ResponseJudge judge;
        private final Timer timer;
        private final CompletableFuture<Observation> result;
        private final Buffer body = Buffer.buffer();
        private long deadline;
        private HttpClientRequest request;
        private Integer status;
        private Integer days;
        private boolean done;

        Exchange(HttpProbe spec, Timer timer, CompletableFuture<Observation> result) {
            this.spec = spec;
            this.judge = new ResponseJudge(spec);
            this.timer = timer;
            this.result = result;
        }

        /** No response head: the connection, the TLS handshake or the request failed. */
        synchronized void failed(Throwable error) {
            finish(new Observation.Down(FailureClassifier.classify(error), FailureClassifier.describe(error), null,
                    timer.timings(),
                    null));
        }

        synchronized void head(HttpClientRequest request, HttpClientResponse response) {
            timer.firstByte = System.nanoTime();
            this.request = request;
            this.status = response.statusCode();
            this.days = https(request) ? daysToExpiry(request) : null;
            // before anything is judged: a connection closed or reset before the body ended ends the body (what arrived
            // is judged), and once judged at the head the probe closes the connection itself. Without a handler Vert.x
            // logs the close as an ERROR of this service, for a target that merely failed.
            response.exceptionHandler(error -> bodyEnded(Progress.CLOSED_EARLY, FailureClassifier.describe(error)));
            if (judge(Progress.HEAD, null) || !judge.needsBody()) {
                return;
            }
            response.handler(this::chunk);
            response.endHandler(end -> bodyEnded(Progress.ENDED, null));
        }

        private synchronized void chunk(Buffer chunk) {
            if (done) {
                return;
            }
            int take = Math.min(chunk.length(), spec.bodyLimitBytes() - body.length());
            body.appendBuffer(chunk, 0, take);
            judge(body.length() >= spec.bodyLimitBytes() ? Progress.LIMIT_REACHED : Progress.READING, null);
        }

        private synchronized void bodyEnded(Progress progress, String why) {
            if (!done) {
                judge(progress, why);
            }
        }

        synchronized void timedOut() {
            if (done) {
                return;
            }
            if (status == null) {
                finish(new Observation.Down(FailureReason.TIMEOUT,
                        "no response head within " + spec.timeoutMillis() + " ms", null,
                        timer.timings(), null));
                return;
            }
            judge(Progress.TIMED_OUT, null);
        }

        /** @return whether the judge decided (then the result is complete and the connection closed) */
        private boolean judge(Progress progress, String why) {
            PhaseTimings timings = timer.timings();
            Verdict verdict = judge.judge(status, body.toString(StandardCharsets.UTF_8), progress,
                    timings.totalMillis());
            if (verdict instanceof Verdict.ReadOn) {
                return false;
            }
            if (verdict instanceof Verdict.Down down) {
                finish(new Observation.Down(down.reason(),
                        why == null ? down.detail() : down.detail() + " (" + why + ")", status,
                        timings, days));
            } else {
                finish(new Observation.Up(status, timings, days));
            }
            if (progress != Progress.ENDED && request.connection() != null) {
                request.connection().close();
            }
            return true;
        }

        private void finish(Observation observation) {
            if (!done) {
                done = true;
                vertx.cancelTimer(deadline);
                result.complete(observation);
            }
        }
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

    private static Observation down(FailureReason reason, String detail, Integer status, PhaseTimings timings,
            Integer days) {
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
