package dev.failover.actuator.dns;

import java.util.Optional;

import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.requests.Priority;

/**
 * A DNS provider whose writes ask the actuator's {@link Lease} first: while it has lapsed nothing is written,
 * and the write is {@link WriteOutcome.Unavailable} with the lease's reason, which the reconciler reports and retries.
 * Reads and preflights change nothing and go through.
 * <p>
 * This is the early check, when a write is asked for. A write that then waits for its batch's turn (ADR 0022) is asked
 * about again by its provider right before the batch goes out ({@link #refusal(Lease)}): a write queued while the lease
 * held and sent after it lapsed could overwrite a newer owner's switch, and ARC has no conditional write to refuse it.
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
    public Optional<ServedRecord> listed(RecordKey key) {
        return provider.listed(key);
    }

    @Override
    public WriteOutcome write(RecordWrite write) {
        return refusal(lease).orElseGet(() -> provider.write(write));
    }

    /**
     * What a write is answered while {@code lease} has lapsed — not written, worth trying again — and empty while it
     * holds: asked here, and by each provider right before a batch of writes is sent.
     */
    static Optional<WriteOutcome> refusal(Lease lease) {
        return lease.lapsed().map(why -> new WriteOutcome.Unavailable("not written: " + why));
    }

    @Override
    public Optional<WriteOutcome> preflight(RecordWrite write) {
        return provider.preflight(write);
    }
}
