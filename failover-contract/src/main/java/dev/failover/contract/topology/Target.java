package dev.failover.contract.topology;

/**
 * One place traffic can go.
 *
 * @param id         unique within the group
 * @param region     the region it runs in
 * @param probe      how the probe-service checks it
 * @param dns        what the group's record points at when this target is active
 * @param scaling    what to scale up before switching to it (pilot light); absent when it always runs at size
 * @param lastResort true for the static maintenance target used only when every other target is down; must be last
 */
public record Target(String id, String region, ProbeSpec probe, TargetDns dns, ScalingRef scaling, Boolean lastResort) {

    public Target {
        lastResort = lastResort != null && lastResort;
    }

    public boolean isLastResort() {
        return lastResort;
    }
}
