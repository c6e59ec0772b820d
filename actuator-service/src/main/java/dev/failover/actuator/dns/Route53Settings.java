package dev.failover.actuator.dns;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.failover.actuator.requests.RequestBudget;

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
 * @param account           the account the instance's calls count against, and its budget (ADR 0022)
 * @param takeOver          what a group's first write does with sets of its record it would not write itself (a simple
 *                          or failover-routing set made before the plane, other weighted sets), which Route 53 refuses
 *                          to keep beside the plane's or which would take a share of the traffic
 * @param role              a role assumed for this instance's calls; empty: the actuator's own credentials
 */
public record Route53Settings(Routing routing, long activeWeight, List<Integer> failbackSteps,
        Duration failbackStepPause,
        String signingRegion, Optional<URI> endpointOverride, Duration callTimeout, Account account, TakeOver takeOver,
        Optional<AssumedRole> role) implements DnsSettings {

    /**
     * The account whose requests per second an instance's calls count against, and its budget.
     *
     * @param name              the account's name in the settings ({@code budget.account}, default the instance's id):
     *                          the instances of one account share one budget in this actuator (ADR 0022, 0036)
     * @param requestsPerSecond the most API calls all actuators together make per second against the account (Route 53
     *                          allows five per second per account, shared by every actuator and every other tool of the
     *                          account): what one instance may spend while the others are quiet
     * @param instances         the actuator instances sharing that budget: each keeps to its share of it once Route 53
     *                          throttles
     */
    public record Account(String name, double requestsPerSecond, int instances) {
    }

    /**
     * A role of the zone's account, assumed through one region's STS (default the actuator's own region, as ARC's), so
     * that losing a region loses no other region's credentials (ADR 0036).
     *
     * @param arn       the role's ARN
     * @param stsRegion the region whose STS it is assumed through
     */
    public record AssumedRole(String arn, String stsRegion) {
    }

    /** The account's default budget, 4 of Route 53's 5 a second: one is left for people and other tools. */
    public static final double DEFAULT_REQUESTS_PER_SECOND = 4;

    /** What one instance is owed when every instance sharing the account is busy. */
    public double share() {
        return account.requestsPerSecond() / account.instances();
    }

    /** The turns of one instance's API calls: the account's rate while the others are quiet, its share once throttled. */
    public RequestBudget budget() {
        return new RequestBudget("Route 53", account.requestsPerSecond(), share(), System::nanoTime);
    }

    /** What a group's first write does with sets of its record that the plane does not write (ADR 0006). */
    public enum TakeOver {
        /** Writes nothing and says which sets are in the way and how to take the record over. */
        REFUSE,
        /** Deletes them, exactly as listed, in the same change batch as the first write: one atomic cutover. */
        REPLACE
    }

    /** How the group's record is kept. */
    public enum Routing {
        WEIGHTED,
        SIMPLE
    }

    public Route53Settings {
        failbackSteps = List.copyOf(failbackSteps);
    }

    @Override
    public <R> R match(Cases<R> cases) {
        return cases.route53(this);
    }
}
