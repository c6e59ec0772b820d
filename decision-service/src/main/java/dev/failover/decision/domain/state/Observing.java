package dev.failover.decision.domain.state;

import java.util.List;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;

/**
 * Who observes a group's switches: the locations whose clients' resolvers answer for it (ADR 0026; a majority of them
 * is the quorum), and the DNS providers whose servers are asked for it (ADR 0036, "Observed convergence per provider"),
 * which count towards no location.
 *
 * @param locations the observing locations, in the topology's order
 * @param providers the providers of the group's lanes with a server among the observers, in the lanes' order
 */
public record Observing(List<String> locations, List<String> providers) {

    /** Nothing observes the group. */
    public static final Observing NONE = new Observing(List.of(), List.of());

    public Observing {
        locations = List.copyOf(locations);
        providers = List.copyOf(providers);
    }

    /** Who observes {@code group} in {@code topology}. */
    public static Observing of(Topology topology, FailoverGroup group) {
        return new Observing(topology.observingLocations(group), topology.observingProviders(group));
    }

    /** Whether anything observes the group. */
    public boolean any() {
        return !locations.isEmpty() || !providers.isEmpty();
    }
}
