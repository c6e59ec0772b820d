package dev.failover.actuator.dns;

/**
 * Which DNS backend switches records, with exactly the settings it needs; made by the actuator's config resolver. One
 * value per provider instance ({@link DnsInstances}, ADR 0036).
 */
public sealed interface DnsSettings permits DnsSettings.DryRun, Rfc2136Settings, Route53Settings, ArcSettings {

    /**
     * What is done with each kind of settings, one method per kind: the sealed switch of this Java release, so that a
     * kind added here does not compile until every place that builds from settings handles it.
     */
    interface Cases<R> {
        R dryRun(DryRun settings);

        R rfc2136(Rfc2136Settings settings);

        R route53(Route53Settings settings);

        R arc(ArcSettings settings);
    }

    /** The case of {@code cases} for this kind. */
    <R> R match(Cases<R> cases);

    /** Logs the change and makes none. */
    record DryRun() implements DnsSettings {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.dryRun(this);
        }
    }
}
