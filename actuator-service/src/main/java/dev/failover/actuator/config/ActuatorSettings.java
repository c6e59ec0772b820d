package dev.failover.actuator.config;

import java.time.Duration;

import dev.failover.actuator.dns.DnsSettings;
import dev.failover.actuator.retry.RetrySettings;
import dev.failover.actuator.scaling.ScalingSettings;
import dev.failover.contract.topology.Topology;

/**
 * Everything the actuator runs on, checked together once at start by {@link ActuatorConfigResolver}.
 *
 * @param topology       the topology file's content
 * @param dns            the DNS backend with its settings
 * @param verifyTimeout  how long to wait for a change to be served before the switch is reported as not verified
 * @param retry          retries of backend calls that failed for a passing reason, DNS and scaling alike
 * @param scaling        the capacity backends the topology needs
 * @param parallelGroups how many groups' plans may run at the same time
 */
public record ActuatorSettings(Topology topology, DnsSettings dns, Duration verifyTimeout, RetrySettings retry,
        ScalingSettings scaling, int parallelGroups) {
}
