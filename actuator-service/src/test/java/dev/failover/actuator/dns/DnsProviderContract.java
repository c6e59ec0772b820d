package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.DnsProvider.ReadOutcome;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.contract.topology.RecordType;

/**
 * What every DNS backend that keeps the ownership mark beside the record promises the reconcile steps (ADR 0006; the
 * recipe in this package's package-info): a first write is read back with its sets and its mark; a write conditional on
 * the mark read moves it; a write conditional on a mark no longer there, or a first write where a mark exists, is
 * {@link WriteOutcome.OwnerChanged} and changes nothing. That refusal is the fence against an older writer, so each
 * backend's test extends this class with the real server or the real SDK against its fixture. ARC routing controls keep
 * no mark (the desired state keeps it, ADR 0014): their conditions are tested in ArcRoutingControlProviderTest.
 */
abstract class DnsProviderContract {

    private static final AtomicInteger NEXT = new AtomicInteger();

    private final DnsProvider provider;
    private final String zone;
    private final String hostedZoneId;

    /**
     * @param provider     the provider under test
     * @param zone         its zone, where the tests' records are made
     * @param hostedZoneId the zone's id, for Route 53; null elsewhere
     */
    DnsProviderContract(DnsProvider provider, String zone, String hostedZoneId) {
        this.provider = provider;
        this.zone = zone;
        this.hostedZoneId = hostedZoneId;
    }

    private DnsProvider provider() {
        return provider;
    }

    /** The sets that send the record's traffic to {@code address}, as this backend keeps them. */
    List<RecordSet> sets(String address) {
        return List.of(RecordSet.simple(60, Set.of(address)));
    }

    @Test
    void aFirstWriteIsReadBackWithItsSetsAndItsMark() {
        RecordKey key = fresh();
        assertThat(served(key).ownerText()).as("no mark before the plane's first write").isNull();

        assertThat(provider().write(write(key, null, 1, "192.0.2.21"))).isInstanceOf(WriteOutcome.Written.class);

        ServedRecord read = served(key);
        assertThat(read.ownerText()).isEqualTo(mark(key, 1).text());
        assertThat(read.sets()).containsExactlyInAnyOrderElementsOf(sets("192.0.2.21"));
    }

    @Test
    void aWriteConditionalOnTheMarkReadMovesIt() {
        RecordKey key = fresh();
        provider().write(write(key, null, 1, "192.0.2.21"));

        assertThat(provider().write(write(key, served(key).ownerText(), 2, "192.0.2.22")))
                .isInstanceOf(WriteOutcome.Written.class);

        ServedRecord read = served(key);
        assertThat(read.ownerText()).isEqualTo(mark(key, 2).text());
        assertThat(read.sets()).containsExactlyInAnyOrderElementsOf(sets("192.0.2.22"));
    }

    @Test
    void aWriteConditionalOnAMarkNoLongerThereChangesNothing() {
        RecordKey key = fresh();
        provider().write(write(key, null, 1, "192.0.2.21"));
        String readByBoth = served(key).ownerText();
        assertThat(provider().write(write(key, readByBoth, 2, "192.0.2.22"))).as("the newer writer")
                .isInstanceOf(WriteOutcome.Written.class);
        ServedRecord before = served(key);

        WriteOutcome older = provider().write(write(key, readByBoth, 3, "192.0.2.23"));

        assertThat(older).as("a writer whose read is stale").isInstanceOf(WriteOutcome.OwnerChanged.class);
        assertThat(served(key)).as("nothing changed").isEqualTo(before);
    }

    @Test
    void aFirstWriteWhereAMarkExistsChangesNothing() {
        RecordKey key = fresh();
        provider().write(write(key, null, 1, "192.0.2.21"));
        ServedRecord before = served(key);

        WriteOutcome second = provider().write(write(key, null, 2, "192.0.2.22"));

        assertThat(second).as("'no mark' no longer holds").isInstanceOf(WriteOutcome.OwnerChanged.class);
        assertThat(served(key)).as("nothing changed").isEqualTo(before);
    }

    /** A record of the zone that nothing serves yet. */
    private RecordKey fresh() {
        String label = "contract-" + NEXT.incrementAndGet();
        return new RecordKey("g-" + label, zone, label + "." + zone, RecordType.A, hostedZoneId);
    }

    private static OwnerMark mark(RecordKey key, long epoch) {
        return new OwnerMark(key.group(), epoch, "d-" + epoch);
    }

    private RecordWrite write(RecordKey key, String expectedOwnerText, long epoch, String address) {
        return new RecordWrite(key, expectedOwnerText, mark(key, epoch), sets(address));
    }

    private ServedRecord served(RecordKey key) {
        ReadOutcome read = provider().read(key, Optional.empty());
        assertThat(read).as("reading %s", key.name()).isInstanceOf(ReadOutcome.Served.class);
        return ((ReadOutcome.Served) read).record();
    }
}
