package dev.failover.contract.topology;

import java.util.List;
import java.util.Optional;

/**
 * One place traffic can go.
 *
 * @param id         unique within the group
 * @param region     the region it runs in
 * @param probe      how the probe-service checks it
 * @param dns        what the group's record points at when this target is active
 * @param scaling    what to scale up before switching to it (pilot light); absent when it always runs at size. Placed
 *                   in this target's region unless it names its own ({@link ScalingRef#placedIn})
 * @param lastResort true for the static maintenance target used only when every other target is down; must be last
 * @param dependencies checks that must be HEALTHY for it to be a failover or failback destination; default none
 * @param database   its node of the data tier (ADR 0020), made writable before traffic moves to it; placed in this
 *                   target's region unless it names its own ({@link DatabaseRef#placedIn})
 */
public record Target(String id, String region, ProbeSpec probe, TargetDns dns, ScalingRef scaling, Boolean lastResort,
        List<Dependency> dependencies, DatabaseRef database) {

    public Target {
        lastResort = lastResort != null && lastResort;
        scaling = scaling == null || region == null ? scaling : scaling.placedIn(region);
        database = database == null || region == null ? database : database.placedIn(region);
        dependencies = Lists.copy(dependencies);
    }

    public Optional<Dependency> dependency(String dependencyId) {
        return dependencies.stream().filter(d -> d.id().equals(dependencyId)).findFirst();
    }

    public boolean isLastResort() {
        return lastResort;
    }
}
