package dev.failover.actuator.dns;

import java.util.Optional;

import dev.failover.actuator.requests.Priority;
import dev.failover.actuator.lease.Lease;

/**
 * A DNS provider whose writes ask the actuator's {@link Lease} first (issue 52): while it has lapsed nothing is written,
 * and the write is {@link WriteOutcome.Unavailable} with the lease's reason, which the reconciler reports and retries.
 * Reads and preflights change nothing and go through.
 */
public final class LeasedDnsProvider implements DnsProvider {

    private final DnsProvider provider;
    private final Lease lease;

    public LeasedDnsProvider(DnsProvider provider, Lease lease) {
        this.provider = provider;
        this.lease = lease;
    }

    @Override
    public String name() {
        return provider.name();
    }

    @Override
    public Routing routing() {
        return provider.routing();
    }

    @Override
    public boolean keepsOwnerRecord() {
        return provider.keepsOwnerRecord();
    }

    @Override
    public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
        return provider.read(key, pendingChange);
    }

    @Override
    public ReadOutcome read(RecordKey key, Optional<String> pendingChange, Priority priority) {
        return provider.read(key, pendingChange, priority);
    }

    @Override
    public WriteOutcome write(RecordWrite write) {
        Optional<String> lapsed = lease.lapsed();
        if (lapsed.isPresent()) {
            return new WriteOutcome.Unavailable("not written: " + lapsed.get());
        }
        return provider.write(write);
    }

    @Override
    public Optional<WriteOutcome> preflight(RecordWrite write) {
        return provider.preflight(write);
    }
}
