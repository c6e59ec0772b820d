package dev.failover.contract.topology;

import java.util.List;
import java.util.Optional;

/**
 * The failover topology: which groups exist, their targets in failover order, how they are probed and switched. One
 * file, read by every service. Build it with {@link TopologyLoader}, which validates it.
 *
 * @param version   file format version, 1
 * @param locations the probing locations; the quorum of a target is taken over these
 * @param groups    the failover groups
 * @param safety    rules across groups: the correlated-failure guard and the global switch budget (ADR 0010)
 */
public record Topology(Integer version, List<String> locations, List<FailoverGroup> groups, TopologySafety safety) {

    public static final int FORMAT_VERSION = 1;

    public Topology {
        version = version == null ? FORMAT_VERSION : version;
        locations = Lists.copy(locations);
        groups = Lists.copy(groups);
        safety = safety == null ? TopologySafety.defaults() : safety;
    }

    /** With the default safety rules. */
    public Topology(Integer version, List<String> locations, List<FailoverGroup> groups) {
        this(version, locations, groups, null);
    }

    public Optional<FailoverGroup> group(String id) {
        return groups.stream().filter(g -> g.id().equals(id)).findFirst();
    }
}
