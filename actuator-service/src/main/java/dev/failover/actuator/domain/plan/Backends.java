package dev.failover.actuator.domain.plan;

import java.time.Clock;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.domain.data.DataTierWatch;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.scaling.Scalers;

/**
 * What a group's reconcile steps work with: the provider lane worked on with its traffic plan (ADR 0036), the scalers,
 * the database backends, Region switch, the settings and the clock, all shared by every group of the actuator; and the group's {@link DataTierWatch}, what this
 * instance has seen of the group's database nodes, which the watch's own thread records into beside the passes (the one
 * piece of a group's state outside its {@link Progress}, ADR 0021).
 */
public record Backends(String group, ProviderLane lane, Scalers scalers, Databases databases, RegionSwitch regionSwitch,
        ReconcileSettings settings, Clock clock, DataTierWatch dataTier) {

    /** The provider of the lane the steps work on. */
    public DnsProvider dns() {
        return lane.provider();
    }

    /** How the lane's sets carry traffic. */
    public TrafficPlan traffic() {
        return lane.plan();
    }
}
