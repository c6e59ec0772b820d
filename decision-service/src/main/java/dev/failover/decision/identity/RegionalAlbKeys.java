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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.failover.contract.signing.PemKeys;

/**
 * The load balancers' public keys, fetched from the address their region publishes them at
 * ({@code https://public-keys.auth.elb.<region>.amazonaws.com/<kid>}, one PEM key per key id) and kept: a key id
 * always names the same key. At most {@value #KEPT} are kept, and a key id not yet known is fetched at most once per
 * {@link #FETCH_INTERVAL}, so a stream of forged tokens with made-up key ids (from a trusted signer's ARN, which is not
 * secret) cannot turn this service into a client that hammers the key endpoint.
 */
public final class RegionalAlbKeys implements AlbOidcData.Keys {

    static final int KEPT = 64;
    static final Duration FETCH_INTERVAL = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final String urlTemplate;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, PublicKey> known = new ConcurrentHashMap<>();
    private Instant lastFetch = Instant.MIN;

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
        PublicKey kept = known.get(url);
        if (kept != null) {
            return kept;
        }
        claimFetch();
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
        PublicKey key;
        try {
            key = PemKeys.ecPublicKey(answer.body());
        } catch (PemKeys.InvalidKeyTextException e) {
            throw new IOException(url + ": " + e.getMessage());
        }
        if (known.size() < KEPT) {
            known.put(url, key);
        }
        return key;
    }

    private synchronized void claimFetch() throws IOException {
        Instant now = clock.instant();
        if (now.isBefore(lastFetch.plus(FETCH_INTERVAL))) {
            throw new IOException("a key was fetched less than " + FETCH_INTERVAL.toMillis() + " ms ago; try again");
        }
        lastFetch = now;
    }
}
