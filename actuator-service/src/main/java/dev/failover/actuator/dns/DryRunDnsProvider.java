package dev.failover.actuator.dns;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

/**
 * Changes nothing outside this process: keeps each record in memory with the same conditional-write rule as a real
 * server, and logs the exact change a real provider would make. The default provider, for trying the plane out.
 */
public final class DryRunDnsProvider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(DryRunDnsProvider.class);

    private final Routing routing;
    private final Map<String, ServedRecord> records = new ConcurrentHashMap<>();

    public DryRunDnsProvider(Routing routing) {
        this.routing = routing;
    }

    /** A record as the zone holds it before the plane writes it: these sets, no ownership mark. */
    public void serve(RecordKey key, List<RecordSet> sets) {
        records.putIfAbsent(key.name(), new ServedRecord(null, sets, true));
    }

    @Override
    public String name() {
        return "dry-run";
    }

    @Override
    public Routing routing() {
        return routing;
    }

    @Override
    public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
        return new ReadOutcome.Served(records.getOrDefault(key.name(), new ServedRecord(null, List.of(), true)));
    }

    @Override
    public WriteOutcome write(RecordWrite write) {
        String name = write.key().name();
        ServedRecord[] result = new ServedRecord[1];
        records.compute(name, (k, current) -> {
            String owner = current == null ? null : current.ownerText();
            if (!Objects.equals(owner, write.expectedOwnerText())) {
                return current;
            }
            result[0] = new ServedRecord(write.owner().text(), write.sets(), true);
            return result[0];
        });
        if (result[0] == null) {
            return new WriteOutcome.OwnerChanged(
                    "the owner of " + name + " is no longer '" + write.expectedOwnerText() + "'");
        }
        String details = "dry run, nothing changed outside this process: " + write.describe();
        LOG.info(details);
        return new WriteOutcome.Written(details, null);
    }
}
