package dev.failover.actuator.domain.reconcile;

import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.domain.data.EvidenceStore;
import dev.failover.actuator.domain.data.GroupWatch;
import dev.failover.actuator.domain.model.DesiredStore;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.topology.Topology;

/** The reconcilers most tests make: no Region switch, no evidence kept, one DNS provider for every group. */
public final class Reconcilers {

    private Reconcilers() {
    }

    /** No database backends either: a target with a database node blocks (ADR 0020). */
    public static Wiring minimal(Scalers scalers, DesiredStore store, Consumer<ActuationResult> sink, Clock clock,
            ReconcileSettings settings) {
        return minimal(scalers, Databases.none(), store, sink, clock, settings);
    }

    public static Wiring minimal(Scalers scalers, Databases databases, DesiredStore store,
            Consumer<ActuationResult> sink,
            Clock clock, ReconcileSettings settings) {
        return new Wiring(scalers, databases, RegionSwitch.NONE, store, EvidenceStore.NONE, sink, lane -> {},
                Waker.NONE, clock, settings);
    }

    /** One group's reconciler, its database nodes watched from nothing. */
    public static GroupReconciler group(String group, Topology topology, DnsProvider dns, TrafficPlan traffic,
            Wiring wiring) {
        return new GroupReconciler(group, topology, GroupDns.oneLane(dns, traffic), wiring,
                new GroupWatch(group, wiring.evidence()));
    }

    /** The same provider and traffic plan for every group. */
    public static Function<String, GroupDns> every(DnsProvider dns, TrafficPlan traffic) {
        GroupDns one = GroupDns.oneLane(dns, traffic);
        return group -> one;
    }
}
