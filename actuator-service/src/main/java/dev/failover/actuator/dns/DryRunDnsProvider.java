package dev.failover.actuator.dns;

import java.time.Duration;

import org.jboss.logging.Logger;

/** Logs and reports the exact change it would make, and makes none. */
public final class DryRunDnsProvider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(DryRunDnsProvider.class);

    @Override
    public String name() {
        return "dry-run";
    }

    @Override
    public ApplyOutcome apply(DnsChange change) {
        String details = "dry run, no change made: would " + change.describe();
        LOG.info(details);
        return new ApplyOutcome.Applied(details, null);
    }

    @Override
    public VerifyOutcome verify(DnsChange change, ApplyOutcome.Applied applied, Duration timeout) {
        return new VerifyOutcome.NotApplicable("dry run: nothing was changed, so nothing to verify");
    }
}
