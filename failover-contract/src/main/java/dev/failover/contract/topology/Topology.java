package dev.failover.contract.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The failover topology: which groups exist, their targets in failover order, how they are probed and switched. One
 * file, read by every service. Build it with {@link TopologyLoader}, which validates it.
 *
 * @param version   file format version, 1
 * @param locations the probing locations; the quorum of a target is taken over these
 * @param groups    the failover groups
 * @param safety    rules across groups: the correlated-failure guard and the global switch budget (ADR 0010)
 * @param observers per location, the resolvers it asks for every group's failover record to see when its clients are
 *                  sent to a new target (ADR 0026); a location without any observes nothing
 * @param dnsProviders the DNS provider instances groups may name in {@code dns.providers} (ADR 0036); none: each
 *                  group is switched by the actuator's one provider
 */
public record Topology(Integer version, List<String> locations, List<FailoverGroup> groups, TopologySafety safety,
        Map<String, List<Observer>> observers, List<DnsProviderDecl> dnsProviders) {

    public static final int FORMAT_VERSION = 1;

    public Topology {
        version = version == null ? FORMAT_VERSION : version;
        locations = Lists.copy(locations);
        groups = Lists.copy(groups);
        safety = safety == null ? TopologySafety.defaults() : safety;
        Map<String, List<Observer>> copy = new LinkedHashMap<>();
        if (observers != null) {
            observers.forEach((location, list) -> copy.put(location, Lists.copy(list)));
        }
        observers = Collections.unmodifiableMap(copy);
        dnsProviders = Lists.copy(dnsProviders);
    }

    /** With the default safety rules. */
    public Topology(Integer version, List<String> locations, List<FailoverGroup> groups) {
        this(version, locations, groups, null, null, null);
    }

    /** The provider instance of this id, if the topology declares one. */
    public Optional<DnsProviderDecl> dnsProvider(String id) {
        return dnsProviders.stream().filter(p -> p != null && p.id() != null && p.id().equals(id)).findFirst();
    }

    /** The resolvers {@code location} asks, none when it names none. */
    public List<Observer> observersOf(String location) {
        return observers.getOrDefault(location, List.of());
    }

    /**
     * The locations that observe for their clients, in the topology's order of locations: those naming a resolver that
     * is not a provider's server ({@link Observer#tied}), which counts towards no location (ADR 0036).
     */
    public List<String> observingLocations() {
        return locations.stream().filter(l -> observersOf(l).stream().anyMatch(o -> !o.tied())).toList();
    }

    /** The locations that observe {@code group}'s switches: none for a group observers cannot tell apart. */
    public List<String> observingLocations(FailoverGroup group) {
        return Observer.observes(group) ? observingLocations() : List.of();
    }

    /** The observers {@code location} asks for {@code group}'s record ({@link Observer#asks}). */
    public List<Observer> observersOf(String location, FailoverGroup group) {
        return observersOf(location).stream().filter(o -> o.asks(group)).toList();
    }

    /** By location, the observers asked for {@code group}'s record; a location asking none is left out. */
    public Map<String, List<Observer>> observersOf(FailoverGroup group) {
        Map<String, List<Observer>> asked = new LinkedHashMap<>();
        for (String location : observers.keySet()) {
            List<Observer> here = observersOf(location, group);
            if (!here.isEmpty()) {
                asked.put(location, here);
            }
        }
        return Collections.unmodifiableMap(asked);
    }

    /**
     * The providers whose servers observe {@code group}'s switches (ADR 0036), in the order of its lanes: each of its
     * lanes' providers that some location names an observer of.
     */
    public List<String> observingProviders(FailoverGroup group) {
        List<String> tied = observersOf(group).values().stream().flatMap(List::stream).filter(Observer::tied)
                .map(Observer::provider).toList();
        return group.dns() == null ? List.of() : group.dns().providers().stream().map(DnsLane::provider)
                .filter(tied::contains).distinct().toList();
    }

    public Optional<FailoverGroup> group(String id) {
        return groups.stream().filter(g -> g.id().equals(id)).findFirst();
    }
}
