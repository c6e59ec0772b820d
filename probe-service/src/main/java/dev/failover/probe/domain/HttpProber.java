package dev.failover.probe.domain;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.PhaseTimings;
import dev.failover.contract.topology.ProbeSpec;

/**
 * HTTP(S) probe on the JDK's asynchronous HTTP client: status set, body text or pattern within the first bytes, total
 * timeout and latency threshold.
 */
public final class HttpProber implements Prober {

    private record ClientKey(int connectTimeoutMillis, boolean followRedirects) {
    }

    private final Executor executor;
    private final Map<ClientKey, HttpClient> clients = new ConcurrentHashMap<>();
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    public HttpProber(Executor executor) {
        this.executor = executor;
    }

    @Override
    public CompletionStage<Observation> probe(ProbeSpec spec) {
        long start = System.nanoTime();
        AtomicLong firstByte = new AtomicLong();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(spec.url()))
                .timeout(Duration.ofMillis(spec.timeoutMillis()))
                .method(spec.method(), HttpRequest.BodyPublishers.noBody())
                .header("User-Agent", "failover-probe/1");
        spec.headers().forEach(request::header);
        HttpResponse.BodyHandler<byte[]> handler = info -> {
            firstByte.set(System.nanoTime());
            return new LimitedBodySubscriber(spec.bodyLimitBytes());
        };
        return client(spec).sendAsync(request.build(), handler)
                .orTimeout(spec.timeoutMillis(), TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    long end = System.nanoTime();
                    PhaseTimings timings = new PhaseTimings(null, null, null,
                            firstByte.get() == 0 ? null : millis(start, firstByte.get()), millis(start, end));
                    if (error != null) {
                        return new Observation.Down(FailureClassifier.classify(error), FailureClassifier.describe(error), null,
                                timings);
                    }
                    return judge(spec, response.statusCode(), response.body(), timings);
                });
    }

    private Observation judge(ProbeSpec spec, int status, byte[] body, PhaseTimings timings) {
        if (!spec.statusRanges().accepts(status)) {
            return new Observation.Down(FailureReason.UNEXPECTED_STATUS,
                    "status " + status + " is not in " + spec.expectedStatus(), status, timings);
        }
        if (spec.bodyContains() != null || spec.bodyRegex() != null) {
            String text = new String(body, StandardCharsets.UTF_8);
            if (spec.bodyContains() != null && !text.contains(spec.bodyContains())) {
                return new Observation.Down(FailureReason.BODY_MISMATCH, "body does not contain '" + spec.bodyContains()
                        + "' within its first " + spec.bodyLimitBytes() + " bytes", status, timings);
            }
            if (spec.bodyRegex() != null && !patterns.computeIfAbsent(spec.bodyRegex(), Pattern::compile).matcher(text).find()) {
                return new Observation.Down(FailureReason.BODY_MISMATCH, "body does not match /" + spec.bodyRegex()
                        + "/ within its first " + spec.bodyLimitBytes() + " bytes", status, timings);
            }
        }
        if (spec.maxLatencyMillis() != null && timings.totalMillis() > spec.maxLatencyMillis()) {
            return new Observation.Down(FailureReason.TOO_SLOW, "took " + timings.totalMillis() + " ms, more than "
                    + spec.maxLatencyMillis() + " ms", status, timings);
        }
        return new Observation.Up(status, timings);
    }

    private HttpClient client(ProbeSpec spec) {
        return clients.computeIfAbsent(new ClientKey(spec.connectTimeoutMillis(), spec.followRedirects()),
                key -> HttpClient.newBuilder()
                        .connectTimeout(Duration.ofMillis(key.connectTimeoutMillis()))
                        .followRedirects(key.followRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                        .executor(executor)
                        .build());
    }

    private static long millis(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }
}
