/**
 * The reconciler core's plain values: the desired state kept in its topic, the traffic plan of a stepped move, the
 * record sets compared and described, the convergence of a group, the reconcile settings. The bottom of the core.
 */
package dev.failover.actuator.domain.model;
