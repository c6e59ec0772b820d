package dev.failover.actuator.domain.plan;

import java.time.Clock;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.domain.data.DataTierWatch;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.scaling.Scalers;

/**
 * What a group's reconcile steps work with: its DNS provider, the scalers, the database backends, Region switch, the traffic plan, the
 * settings and the clock, all shared by every group of the actuator; and the group's {@link DataTierWatch}, what this
 * instance has seen of the group's database nodes, which the watch's own thread records into beside the passes (the one
 * piece of a group's state outside its {@link Progress}, ADR 0021).
 */
public record Backends(String group, DnsProvider dns, Scalers scalers, Databases databases, RegionSwitch regionSwitch,
        TrafficPlan traffic, ReconcileSettings settings, Clock clock, DataTierWatch dataTier) {

    /** Without Region switch. */
    public Backends(String group, DnsProvider dns, Scalers scalers, Databases databases, TrafficPlan traffic,
            ReconcileSettings settings, Clock clock, DataTierWatch dataTier) {
        this(group, dns, scalers, databases, RegionSwitch.NONE, traffic, settings, clock, dataTier);
    }
}
