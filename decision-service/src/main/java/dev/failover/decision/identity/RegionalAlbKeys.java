package dev.failover.decision.identity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import dev.failover.contract.signing.PemKeys;

/**
 * The load balancers' public keys, fetched from the address their region publishes them at
 * ({@code https://public-keys.auth.elb.<region>.amazonaws.com/<kid>}, one PEM key per key id) and kept: a key id
 * always names the same key. Requests that ask for the same unknown key at once share one fetch; a key id that could
 * not be fetched is not asked again for {@link #REFUSED_FOR}; at most {@value #FETCHES_PER_MINUTE} different unknown
 * key ids are fetched a minute, and at most {@value #KEPT} keys are kept. So forged headers with made-up key ids (a
 * trusted signer's ARN is not secret) neither make this service hammer the key endpoint nor crowd out a real key
 * rotation for long.
 */
public final class RegionalAlbKeys implements AlbOidcData.Keys {

    static final int KEPT = 64;
    static final int FETCHES_PER_MINUTE = 10;
    static final Duration REFUSED_FOR = Duration.ofSeconds(30);
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final String urlTemplate;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, CompletableFuture<PublicKey>> keys = new ConcurrentHashMap<>();
    private final Map<String, Instant> refused = new ConcurrentHashMap<>();
    private final Deque<Instant> fetches = new ArrayDeque<>();

    /**
     * @param urlTemplate the key's address, {@code {region}} and {@code {kid}} filled in (AWS GovCloud and tests publish
     *                    them elsewhere)
     */
    public RegionalAlbKeys(String urlTemplate, Clock clock) {
        if (!urlTemplate.contains("{kid}")) {
            throw new IllegalArgumentException("the key address must contain {kid}: " + urlTemplate);
        }
        this.urlTemplate = urlTemplate;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public PublicKey key(String region, String kid) throws IOException {
        String url = urlTemplate.replace("{region}", region).replace("{kid}", kid);
        Instant refusedAt = refused.get(url);
        if (refusedAt != null && clock.instant().isBefore(refusedAt.plus(REFUSED_FOR))) {
            throw new IOException(
                    url + " could not be fetched lately; not asked again before " + refusedAt.plus(REFUSED_FOR));
        }
        CompletableFuture<PublicKey> mine = new CompletableFuture<>();
        CompletableFuture<PublicKey> shared = keys.putIfAbsent(url, mine);
        if (shared == null) { // this request fetches; any other asking meanwhile waits for it
            try {
                claimFetch();
            } catch (IOException e) { // not the key's fault: asked again once the minute allows
                keys.remove(url, mine);
                mine.completeExceptionally(e);
                throw e;
            }
            try {
                mine.complete(fetch(url));
                if (keys.size() > KEPT) {
                    keys.remove(url); // answered, not kept
                }
            } catch (IOException | RuntimeException e) {
                keys.remove(url, mine);
                refused.put(url, clock.instant());
                mine.completeExceptionally(e);
            }
            shared = mine;
        }
        try {
            return shared.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + url);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io
                    : new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    private PublicKey fetch(String url) throws IOException {
        HttpResponse<String> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted fetching " + url);
        }
        if (answer.statusCode() != 200) {
            throw new IOException(url + " answered " + answer.statusCode());
        }
        try {
            return PemKeys.ecPublicKey(answer.body());
        } catch (PemKeys.InvalidKeyTextException e) {
            throw new IOException(url + ": " + e.getMessage());
        }
    }

    /** At most {@value #FETCHES_PER_MINUTE} fetches in any minute. */
    private synchronized void claimFetch() throws IOException {
        Instant now = clock.instant();
        while (!fetches.isEmpty() && !fetches.peekFirst().isAfter(now.minus(Duration.ofMinutes(1)))) {
            fetches.removeFirst();
        }
        if (fetches.size() >= FETCHES_PER_MINUTE) {
            throw new IOException(FETCHES_PER_MINUTE + " unknown keys fetched in the last minute; try again");
        }
        fetches.addLast(now);
    }
}
