package dev.failover.actuator.dns;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How Route 53 keeps the groups' records, checked by the config resolver. Credentials come from the default AWS chain.
 *
 * @param routing           weighted (one record set per target) or simple (one record)
 * @param activeWeight      weight of the active target's record set, 1 to 255
 * @param failbackSteps     percentages of traffic a failback moves over in turn, rising and ending at 100 (e.g. 10, 50,
 *                          100), each step served and then held {@code failbackStepPause} before the next; empty: at once
 * @param failbackStepPause how long each failback step is held once served
 * @param signingRegion     region the API calls are signed for; Route 53 is global
 * @param endpointOverride  another endpoint than AWS's, for tests or a proxy
 * @param callTimeout       timeout of one API call
 * @param requestsPerSecond the most API calls this instance makes per second, all groups together: its share of the
 *                          account's budget (Route 53 allows five per second per account, shared by every actuator and
 *                          every other tool of the account)
 */
public record Route53Settings(Routing routing, long activeWeight, List<Integer> failbackSteps, Duration failbackStepPause,
        String signingRegion, Optional<URI> endpointOverride, Duration callTimeout, double requestsPerSecond)
        implements DnsSettings {

    /** The rate of an instance that declares no others: the account's default budget, 4 of Route 53's 5 a second. */
    public static final double DEFAULT_REQUESTS_PER_SECOND = 4;

    public Route53Settings(Routing routing, long activeWeight, List<Integer> failbackSteps, Duration failbackStepPause,
            String signingRegion, Optional<URI> endpointOverride, Duration callTimeout) {
        this(routing, activeWeight, failbackSteps, failbackStepPause, signingRegion, endpointOverride, callTimeout,
                DEFAULT_REQUESTS_PER_SECOND);
    }

    /** How the group's record is kept. */
    public enum Routing {
        WEIGHTED,
        SIMPLE
    }

    public Route53Settings {
        failbackSteps = List.copyOf(failbackSteps);
    }
}
