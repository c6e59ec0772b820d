package dev.failover.testkit.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Temporary AWS credentials as STS or a container credentials endpoint hands them out: an access key id starting with
 * {@code ASIA} (as AWS's temporary keys do), a secret, a session token and an expiry.
 */
public record TemporaryCredentials(String accessKeyId, String secretAccessKey, String sessionToken,
        Instant expiration) {

    /** Fresh credentials, unique to this call, valid for an hour. */
    static TemporaryCredentials issue(String keyPrefix) {
        String id = UUID.randomUUID().toString().replace("-", "").toUpperCase(java.util.Locale.ROOT);
        return new TemporaryCredentials("ASIA" + keyPrefix + id.substring(0, 8), "secret-" + id, "session-" + id,
                Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
}
