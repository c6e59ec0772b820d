package dev.failover.actuator.dns;

/** Which DNS backend switches records, with exactly the settings it needs; made by the actuator's config resolver. */
public sealed interface DnsSettings permits DnsSettings.DryRun, Rfc2136Settings, Route53Settings {

    /** Logs the change and makes none. */
    record DryRun() implements DnsSettings {
    }
}
