/**
 * What the engine knows: a group's state, the one owner of its parts (each changed only through intent methods): where
 * its traffic goes (the active target, the epochs, the actuator's reports, the convergence seen by observers), the
 * overrides over its automation, the automatic switches its budgets count, its acknowledgement of the correlated-failure
 * guard, its journal, seen commands and failback hold-down clocks; its trackers, one per (target, location), with their
 * hysteresis, recent results and probe source; the evidence counted from them at one instant; the one precedence of
 * holds; the correlated-failure guard over every group; a group's read view. Not thread-safe: the engine serialises
 * access. Uses only the model.
 */
package dev.failover.decision.domain.state;
