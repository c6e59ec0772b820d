package dev.failover.actuator.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.failover.contract.event.LaneState;

/**
 * What a group's provider lanes show at a scrape (ADR 0036, "Metrics and the disagreement alert"): where each lane
 * stands and since when it has not served, since when the lanes disagree, and the bound the alert
 * FailoverDnsProvidersDisagree holds that against.
 *
 * @param lanes every lane of the group as configured, a lane not passed yet included (state null): the actuator reads
 *        its topology and providers once, at start, so the gauges are registered for the lanes listed when the group
 *        is tracked
 * @param disagreeSince since when the lanes have not all served the epoch's target, a lane not read since the epoch
 *        began counting as not serving it; null while they agree
 * @param bound how long they may disagree: the group's {@code dns.disagreementSeconds}
 */
public record LaneGauges(List<Lane> lanes, Instant disagreeSince, Duration bound) {

    public LaneGauges {
        lanes = List.copyOf(lanes);
    }

    /**
     * One provider lane.
     *
     * @param id the provider instance's id ({@code dnsProviders[].id}; {@code default} or {@code arc} for a group
     *        without {@code providers})
     * @param kind route53, rfc2136 or route53-arc
     * @param state null before the lane's first pass
     * @param unservedSince since when the lane has not served the desired state; null while it does
     */
    public record Lane(String id, String kind, LaneState state, Instant unservedSince) {
    }

    /** The lane of that id, if it is still listed. */
    Optional<Lane> lane(String id) {
        return lanes.stream().filter(l -> l.id().equals(id)).findFirst();
    }
}
