package dev.failover.actuator.dns;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.failover.actuator.lease.Lease;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The Route 53 provider as the tests build it: the real SDK, without its own retries (the reconciler's are the ones
 * under test), against a fixture's endpoint (WireMock or {@link Route53Zone}).
 */
final class Route53Fixtures {

    private Route53Fixtures() {
    }

    /** A client of {@code endpoint}, each call given up after 5 s. */
    static Route53Client client(URI endpoint) {
        return Route53Client.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret-not-logged")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(
                        c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(5)))
                .build();
    }

    /** Settings with 100 as the active weight, no failback steps, a 5 s call timeout and one instance on the account. */
    static Route53Settings settings(Route53Settings.Routing routing, double requestsPerSecond,
            Route53Settings.TakeOver takeOver) {
        return new Route53Settings(routing, 100, List.of(), Duration.ZERO, "aws-global", Optional.empty(),
                Duration.ofSeconds(5), new Route53Settings.Account("default", requestsPerSecond, 1), takeOver,
                Optional.empty());
    }

    /** The provider with the request budget its settings give, its lease always held. */
    static Route53DnsProvider provider(Route53Client client, Route53Settings settings) {
        return new Route53DnsProvider(client, settings, settings.budget(), Lease.HELD);
    }
}
