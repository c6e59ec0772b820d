package dev.failover.actuator.domain;

import java.time.Clock;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.scaling.Scalers;

/**
 * What a group's reconcile steps work with: its DNS provider, the scalers, the database backends, the traffic plan, the
 * settings and the clock, all shared by every group of the actuator.
 */
record Backends(String group, DnsProvider dns, Scalers scalers, Databases databases, TrafficPlan traffic,
        GroupReconciler.Settings settings, Clock clock) {
}
