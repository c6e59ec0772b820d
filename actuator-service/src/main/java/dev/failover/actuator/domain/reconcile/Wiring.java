package dev.failover.actuator.domain.reconcile;

import java.time.Clock;
import java.util.function.Consumer;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.domain.data.EvidenceStore;
import dev.failover.actuator.domain.model.DesiredStore;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ProviderLaneResult;

/**
 * What every group's reconciler of this instance shares: the backends other than DNS (which is per group), where desired
 * states and data-tier evidence are kept, where results go, the clock and the settings. One value, so that a backend
 * added later is one component here rather than another constructor of each reconciler.
 *
 * @param scalers      the capacity backends
 * @param databases    the database backends of targets with a database node (ADR 0020)
 * @param regionSwitch runs the Region switch plans of the groups that name one (ADR 0028)
 * @param store        where accepted desired states are stored before a decision is acknowledged
 * @param evidence     where each group's watch keeps what a promotion may lose beyond this instance's life
 * @param sink         where actuation results go
 * @param laneResults  where the state changes of the provider lanes of groups of several go (ADR 0036)
 * @param wake         asks for a group's or a lane's pass soon: a lane's read changed, a gate opened (ADR 0036)
 * @param clock        the time of every pass
 * @param settings     resync, polling, retries and holds
 */
public record Wiring(Scalers scalers, Databases databases, RegionSwitch regionSwitch, DesiredStore store,
        EvidenceStore evidence, Consumer<ActuationResult> sink, Consumer<ProviderLaneResult> laneResults, Waker wake,
        Clock clock, ReconcileSettings settings) {
}
