package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.DnsProvider.ReadOutcome;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.contract.topology.RecordType;

/** The dry run keeps the conditional-write rule of a real server: a write must be based on the mark now held. */
class DryRunDnsProviderTest {

    static final RecordKey KEY = new RecordKey("api", "example.com", "api.example.com", RecordType.A, null);

    static RecordWrite write(String expectedOwnerText, long epoch, String value) {
        return new RecordWrite(KEY, expectedOwnerText, new OwnerMark("api", epoch, "d-" + epoch),
                List.of(RecordSet.simple(60, Set.of(value))));
    }

    static ServedRecord served(DryRunDnsProvider dns) {
        return ((ReadOutcome.Served) dns.read(KEY, Optional.empty())).record();
    }

    @Test
    void writesOnlyWhenTheMarkIsTheOneTheWriteWasBasedOn() {
        DryRunDnsProvider dns = new DryRunDnsProvider(DnsProvider.Routing.SINGLE);
        assertThat(served(dns).sets()).as("nothing written yet").isEmpty();
        assertThat(dns.write(write("failover-owner group=api epoch=7 decision=d-7", 8, "192.0.2.66")))
                .as("a mark is expected where there is none").isInstanceOf(WriteOutcome.OwnerChanged.class);
        assertThat(served(dns).ownerText()).as("the refused write left nothing").isNull();

        RecordWrite first = write(null, 1, "192.0.2.10");
        assertThat(dns.write(first)).as("first write, no mark").isInstanceOf(WriteOutcome.Written.class);
        assertThat(served(dns).owner()).contains(first.owner());

        assertThat(dns.write(write(null, 2, "192.0.2.66"))).as("'no mark' no longer holds")
                .isInstanceOf(WriteOutcome.OwnerChanged.class);
        RecordWrite second = write(first.owner().text(), 2, "192.0.2.20");
        assertThat(dns.write(second)).as("based on the current mark").isInstanceOf(WriteOutcome.Written.class);

        assertThat(dns.write(write(first.owner().text(), 3, "192.0.2.66"))).as("a stale writer holding epoch 1's view")
                .isInstanceOf(WriteOutcome.OwnerChanged.class);
        ServedRecord now = served(dns);
        assertThat(now.sets()).as("the stale write changed nothing")
                .containsExactly(RecordSet.simple(60, Set.of("192.0.2.20")));
        assertThat(now.owner()).contains(second.owner());
    }
}
