package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

import dev.failover.actuator.dns.DnsProvider.ReadOutcome;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.lease.Lease;
import dev.failover.contract.topology.RecordType;
import dev.failover.testkit.dns.AuthoritativeServer;
import dev.failover.testkit.dns.BindServer;
import dev.failover.testkit.dns.KnotServer;

/**
 * Against two real authoritative servers from Debian, BIND9 and Knot DNS, on loopback: the provider reads what the
 * server serves and writes conditionally on the ownership mark, and the server itself refuses a write made from an older
 * view of the record (ADR 0006). Each test works on its own names of the zone.
 */
class Rfc2136DnsProviderTest {

    static final String ZONE = "failover.test.";
    static final List<String> RECORDS = List.of(
            "api 30 IN A 192.0.2.10",
            "switch 30 IN A 192.0.2.30",
            "stale 30 IN A 192.0.2.40",
            "taken 30 IN A 192.0.2.50",
            "locked 30 IN A 192.0.2.60",
            "outage 30 IN A 192.0.2.70",
            "www 30 IN CNAME old.example.net.",
            "spread 30 IN A 192.0.2.90",
            "v6 30 IN AAAA 2001:db8::10",
            "twotxt 30 IN A 192.0.2.80",
            "_failover-owner.twotxt 30 IN TXT \"failover-owner group=g-twotxt epoch=1 decision=d-1\"",
            "_failover-owner.twotxt 30 IN TXT \"v=added-by-hand\"");

    static BindServer bind;
    static KnotServer knot;

    @BeforeAll
    static void startServers() {
        bind = BindServer.start(ZONE, RECORDS);
        knot = KnotServer.start(ZONE, RECORDS);
    }

    @AfterAll
    static void stopServers() {
        if (bind != null) {
            bind.close();
        }
        if (knot != null) {
            knot.close();
        }
    }

    static Stream<AuthoritativeServer> servers() {
        return Stream.of(bind, knot);
    }

    /**
     * Runs the test once against BIND9 and once against Knot DNS. The servers are shared by all tests and closed after
     * all of them, not after each invocation (autoCloseArguments).
     */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("dev.failover.actuator.dns.Rfc2136DnsProviderTest#servers")
    @interface OnBothServers {
    }

    static Rfc2136DnsProvider provider(AuthoritativeServer server) {
        return provider(server, server.secret());
    }

    static Rfc2136DnsProvider provider(AuthoritativeServer server, String secret) {
        return new Rfc2136DnsProvider(new Rfc2136Settings("127.0.0.1", server.port(), AuthoritativeServer.KEY_NAME,
                AuthoritativeServer.ALGORITHM, secret, Duration.ofSeconds(2), List.of()), Lease.HELD);
    }

    static RecordKey key(String label, RecordType type) {
        return new RecordKey("g-" + label, ZONE, label + "." + ZONE, type, null);
    }

    static RecordWrite write(RecordKey key, String expectedOwnerText, long epoch, String... values) {
        return new RecordWrite(key, expectedOwnerText, new OwnerMark(key.group(), epoch, "d-" + epoch),
                List.of(RecordSet.simple(5, Set.of(values))));
    }

    static ServedRecord served(Rfc2136DnsProvider dns, RecordKey key) {
        ReadOutcome read = dns.read(key, Optional.empty());
        assertThat(read).as("reading %s", key.name()).isInstanceOf(ReadOutcome.Served.class);
        return ((ReadOutcome.Served) read).record();
    }

    @OnBothServers
    void aRecordWithoutAMarkIsReadWithItsValuesAndTtl(AuthoritativeServer server) {
        ServedRecord api = served(provider(server), key("api", RecordType.A));
        assertThat(api.ownerText()).as("no ownership TXT record yet").isNull();
        assertThat(api.owner()).as("no owner").isEmpty();
        assertThat(api.sets()).as("the zone file's record").containsExactly(RecordSet.simple(30, Set.of("192.0.2.10")));
        assertThat(api.propagated()).as("an authoritative server serves what it took").isTrue();

        ServedRecord v6 = served(provider(server), key("v6", RecordType.AAAA));
        assertThat(v6.sets()).as("an IPv6 address in the form it is written in the topology")
                .containsExactly(RecordSet.simple(30, Set.of("2001:db8::10")));

        ServedRecord missing = served(provider(server), key("nothing-here", RecordType.A));
        assertThat(missing.sets()).as("a name the zone does not have").isEmpty();
        assertThat(missing.ownerText()).isNull();
    }

    /**
     * A change is served everywhere only once every secondary of the zone serves it: here a real BIND secondary of the
     * primary, stopped by PID while the switch is written, then started again; it transfers the zone and only then is
     * the change propagated.
     */
    @Test
    void aChangeIsPropagatedOnceEverySecondaryServesIt() {
        try (BindServer secondary = BindServer.secondaryOf(bind)) {
            Rfc2136DnsProvider dns = new Rfc2136DnsProvider(new Rfc2136Settings("127.0.0.1", bind.port(),
                    AuthoritativeServer.KEY_NAME, AuthoritativeServer.ALGORITHM, bind.secret(), Duration.ofSeconds(2),
                    List.of(new Rfc2136Settings.Server("127.0.0.1", secondary.port()))), Lease.HELD);
            RecordKey key = key("spread", RecordType.A);
            await("the secondary holds the zone").atMost(Duration.ofSeconds(20))
                    .until(() -> serial(secondary).isPresent());
            secondary.stop();

            WriteOutcome written = dns.write(write(key, null, 1, "192.0.2.91"));
            assertThat(written).isInstanceOf(WriteOutcome.Written.class);
            String reference = ((WriteOutcome.Written) written).reference();
            assertThat(reference).as("the zone's serial after the update")
                    .isEqualTo(serial(bind).orElseThrow().toString());

            ServedRecord whileDown = ((ReadOutcome.Served) dns.read(key, Optional.of(reference))).record();
            assertThat(whileDown.sets()).as("the primary serves the switch")
                    .containsExactly(RecordSet.simple(5, Set.of("192.0.2.91")));
            assertThat(whileDown.propagated()).as("not propagated while a secondary does not answer").isFalse();

            secondary.start();
            await("propagated once the secondary transferred the change").atMost(Duration.ofSeconds(20))
                    .until(() -> ((ReadOutcome.Served) dns.read(key, Optional.of(reference))).record().propagated());
            assertThat(serial(secondary)).as("the secondary serves the update's serial")
                    .contains(Long.parseLong(reference));
            assertThat(served(dns, key).propagated()).as("nothing asked about, nothing pending").isTrue();
        }
    }

    /** The zone's SOA serial as {@code server} serves it, unsigned; empty when it does not answer one. */
    static Optional<Long> serial(AuthoritativeServer server) {
        try {
            SimpleResolver resolver = new SimpleResolver(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            resolver.setTCP(true);
            resolver.setTimeout(Duration.ofSeconds(1));
            Message answer = resolver
                    .send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(ZONE), Type.SOA, DClass.IN)));
            return answer.getSection(org.xbill.DNS.Section.ANSWER).stream()
                    .filter(r -> r instanceof org.xbill.DNS.SOARecord)
                    .map(r -> ((org.xbill.DNS.SOARecord) r).getSerial()).findFirst();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    @OnBothServers
    void conditionalWritesMoveTheRecordAndItsMarkTogether(AuthoritativeServer server) {
        Rfc2136DnsProvider dns = provider(server);
        RecordKey key = key("switch", RecordType.A);

        RecordWrite first = write(key, null, 1, "192.0.2.31", "192.0.2.32");
        assertThat(dns.write(first)).as("first write, on a record without a mark")
                .isInstanceOf(WriteOutcome.Written.class);
        ServedRecord afterFirst = served(dns, key);
        assertThat(afterFirst.sets()).as("the new values are served")
                .containsExactly(RecordSet.simple(5, Set.of("192.0.2.31", "192.0.2.32")));
        assertThat(afterFirst.owner()).as("the mark of the write").contains(first.owner());

        RecordWrite second = write(key, afterFirst.ownerText(), 2, "192.0.2.33");
        assertThat(dns.write(second)).as("a write based on the current mark").isInstanceOf(WriteOutcome.Written.class);
        ServedRecord afterSecond = served(dns, key);
        assertThat(afterSecond.sets()).as("the second write's value")
                .containsExactly(RecordSet.simple(5, Set.of("192.0.2.33")));
        assertThat(afterSecond.owner()).as("the second write's mark").contains(second.owner());
    }

    /** Groups switching together in the batching tests (ADR 0022). */
    static final int BATCH = 12;

    /** Through {@code relay} to {@code server}: the relay counts the UPDATE messages and can hold them. */
    static Rfc2136DnsProvider provider(DnsRelay relay, AuthoritativeServer server) {
        return provider(relay, server, Lease.HELD);
    }

    /** Through {@code relay}, each UPDATE sent only while {@code lease} holds. */
    static Rfc2136DnsProvider provider(DnsRelay relay, AuthoritativeServer server, Lease lease) {
        return new Rfc2136DnsProvider(new Rfc2136Settings("127.0.0.1", relay.port(), AuthoritativeServer.KEY_NAME,
                AuthoritativeServer.ALGORITHM, server.secret(), Duration.ofSeconds(5), List.of()), lease);
    }

    /** Group {@code g}'s record in the batching test {@code test}: names of its own. */
    static RecordKey batchKey(String test, int g) {
        return key(test + "-" + g, RecordType.A);
    }

    /**
     * Group 0's write is held at the relay; the others are made while it is under way; then the relay lets it go.
     * Outcomes by group.
     */
    static Map<Integer, WriteOutcome> together(Rfc2136DnsProvider dns, DnsRelay relay, IntFunction<RecordWrite> write)
            throws Exception {
        return together(dns, dns, relay, BATCH, () -> {
        }, write);
    }

    /**
     * {@code groups} groups' writes through {@code writer} (the provider, or what wraps it): group 0's held at the relay,
     * the others made while it is under way; then {@code meanwhile} runs and the relay lets group 0's go. Outcomes by
     * group.
     */
    static Map<Integer, WriteOutcome> together(Rfc2136DnsProvider dns, DnsProvider writer, DnsRelay relay, int groups,
            Runnable meanwhile, IntFunction<RecordWrite> write) throws Exception {
        ExecutorService callers = Executors.newCachedThreadPool();
        try {
            Map<Integer, Future<WriteOutcome>> futures = new LinkedHashMap<>();
            int before = relay.updates().size();
            relay.hold();
            futures.put(0, callers.submit(() -> writer.write(write.apply(0))));
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.updates().size() == before + 1);
            for (int g = 1; g < groups; g++) {
                int group = g;
                futures.put(g, callers.submit(() -> writer.write(write.apply(group))));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> dns.waiting() == groups - 1);
            meanwhile.run();
            relay.release();
            Map<Integer, WriteOutcome> outcomes = new LinkedHashMap<>();
            for (var f : futures.entrySet()) {
                outcomes.put(f.getKey(), f.getValue().get(20, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * Batching on RFC 2136 (ADR 0022): the switches of a zone's groups that are due together go as one UPDATE message,
     * every group's RRsets in it and every group's ownership prerequisite, and the real server applies it.
     */
    @OnBothServers
    void switchesOfManyGroupsOfTheZoneDueTogetherGoAsOneUpdate(AuthoritativeServer server) throws Exception {
        try (DnsRelay relay = DnsRelay.to(server.port())) {
            Rfc2136DnsProvider dns = provider(relay, server);

            Map<Integer, WriteOutcome> written = together(dns, relay, g -> write(batchKey("together", g), null, 1,
                    "192.0.2." + (100 + g)));

            assertThat(written.values()).allMatch(WriteOutcome.Written.class::isInstance);
            assertThat(relay.updates()).as("group 0 alone, then the %d that came while it was under way in one UPDATE",
                    BATCH - 1).hasSize(2);
            assertThat(relay.updates().get(1).getSection(Section.PREREQ)).as("each group's ownership prerequisite")
                    .hasSize(BATCH - 1);
            for (int g = 0; g < BATCH; g++) {
                ServedRecord served = served(dns, batchKey("together", g));
                assertThat(served.sets()).containsExactly(RecordSet.simple(5, Set.of("192.0.2." + (100 + g))));
                assertThat(served.owner()).contains(new OwnerMark("g-together-" + g, 1, "d-1"));
            }
        }
    }

    /**
     * More groups of a zone due together than one UPDATE carries (a TCP message holds 65,535 bytes). A name compression
     * pointer reaches only the first 16,383 bytes of a message, so the groups after those carry their names whole: each
     * group is weighed by its records uncompressed, a bound on its share of any message, every UPDATE fits, and the
     * server applies them all. Weighed by the compressed message each would be alone, the second switch of these 200
     * groups (long names, a value-dependent prerequisite each) put 180 in one message of about 80,000 bytes that was
     * never sent: each group Unavailable, and the same batch again at every retry.
     */
    @Test
    void moreGroupsThanOneUpdateCarriesGoInUpdatesThatEachFit() throws Exception {
        int groups = 200;
        String test = "many-groups-of-one-zone-switching-together"; // long names: what compression saves is large
        try (DnsRelay relay = DnsRelay.to(bind.port())) {
            Rfc2136DnsProvider dns = provider(relay, bind);
            assertThat(together(dns, dns, relay, groups, () -> {
            }, g -> write(batchKey(test, g), null, 1, "192.0.2.1")).values()).as("the first switch, marks absent")
                    .allMatch(WriteOutcome.Written.class::isInstance);
            int before = relay.updates().size();

            Map<Integer, WriteOutcome> written = together(dns, dns, relay, groups, () -> {
            }, g -> write(batchKey(test, g), new OwnerMark("g-" + test + "-" + g, 1, "d-1").text(), 2, "192.0.2.1",
                    "192.0.2.2"));

            assertThat(written.values()).allMatch(WriteOutcome.Written.class::isInstance);
            List<Message> updates = relay.updates().subList(before, relay.updates().size());
            assertThat(updates).as("group 0 alone, then the others in messages that each fit").hasSizeGreaterThan(2);
            assertThat(updates.stream().mapToInt(m -> m.getSection(Section.PREREQ).size()).sum())
                    .as("a prerequisite per group, each group in one UPDATE").isEqualTo(groups);
            for (int g : List.of(0, 1, groups / 2, groups - 1)) {
                ServedRecord served = served(dns, batchKey(test, g));
                assertThat(served.sets()).containsExactly(RecordSet.simple(5, Set.of("192.0.2.1", "192.0.2.2")));
                assertThat(served.owner()).contains(new OwnerMark("g-" + test + "-" + g, 2, "d-2"));
            }
        }
    }

    /**
     * ADR 0014 and 0022: writes taken while the lease held wait behind an UPDATE under way, and the lease lapses
     * meanwhile. The UPDATE under way was sent while the lease held and is applied; the writes behind it are not sent,
     * each answered as not written, as a write made with the lease lapsed is.
     */
    @Test
    void writesThatWaitedBehindAnUpdateWhileTheLeaseLapsedAreNotSent() throws Exception {
        AtomicReference<Optional<String>> lapsed = new AtomicReference<>(Optional.empty());
        Lease lease = lapsed::get;
        try (DnsRelay relay = DnsRelay.to(bind.port())) {
            Rfc2136DnsProvider dns = provider(relay, bind, lease);
            DnsProvider leased = new LeasedDnsProvider(dns, lease); // as the producer wires them

            Map<Integer, WriteOutcome> written = together(dns, leased, relay, BATCH,
                    () -> lapsed.set(Optional.of("no word from the group coordinator for 4000 ms")),
                    g -> write(batchKey("lapsed", g), null, 1, "192.0.2.1"));

            assertThat(written.get(0)).as("sent while the lease held").isInstanceOf(WriteOutcome.Written.class);
            assertThat(written.entrySet()).filteredOn(e -> e.getKey() > 0).extracting(Map.Entry::getValue)
                    .allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(WriteOutcome.Unavailable.class,
                            u -> assertThat(
                                    u.reason())
                                    .isEqualTo("not written: no word from the group coordinator for 4000 ms")));
            assertThat(relay.updates()).as("group 0's UPDATE only").hasSize(1);
            assertThat(served(dns, batchKey("lapsed", 1)).ownerText()).as("nothing written").isNull();
        }
    }

    /**
     * One group of the batch was written by another writer since its switch read the mark: the server refuses the whole
     * UPDATE (NXRRSET, naming none). The groups whose ownership record no longer holds what they expect are found with one
     * round of queries and answered as owner changes, as the write alone would be; the others are written by the next
     * UPDATE, one round trip later.
     */
    @OnBothServers
    void aStaleGroupInTheBatchIsAnOwnerChangeAndTheOthersAreWrittenOneRoundTripLater(AuthoritativeServer server)
            throws Exception {
        int stale = 7;
        try (DnsRelay relay = DnsRelay.to(server.port())) {
            Rfc2136DnsProvider dns = provider(relay, server);
            for (int g = 0; g < BATCH; g++) {
                assertThat(dns.write(write(batchKey("stale", g), null, 1, "192.0.2.1")))
                        .isInstanceOf(WriteOutcome.Written.class);
            }
            RecordKey staleKey = batchKey("stale", stale);
            // another writer moved group 7 on to epoch 2 after this writer read epoch 1's mark
            assertThat(dns.write(write(staleKey, served(dns, staleKey).ownerText(), 2, "192.0.2.2")))
                    .isInstanceOf(WriteOutcome.Written.class);
            int before = relay.updates().size();
            List<String> read = new java.util.ArrayList<>();
            for (int g = 0; g < BATCH; g++) {
                read.add(g == stale ? new OwnerMark("g-stale-" + stale, 1, "d-1").text()
                        : served(dns, batchKey("stale", g)).ownerText());
            }

            Map<Integer, WriteOutcome> written = together(dns, relay, g -> write(batchKey("stale", g), read.get(g), 3,
                    "192.0.2.3"));

            assertThat(written.get(stale)).as("as the write alone would be").isInstanceOfSatisfying(
                    WriteOutcome.OwnerChanged.class, c -> assertThat(c.reason()).contains("NXRRSET")
                            .contains(staleKey.name()));
            assertThat(written.entrySet()).filteredOn(e -> e.getKey() != stale).extracting(Map.Entry::getValue)
                    .allMatch(WriteOutcome.Written.class::isInstance);
            assertThat(relay.updates().size() - before).as("group 0; the refused batch; the others again, once")
                    .isEqualTo(3);
            assertThat(relay.updates().get(relay.updates().size() - 1).getSection(Section.PREREQ)).hasSize(BATCH - 2);
            assertThat(served(dns, staleKey).sets()).as("the newer writer's switch stands")
                    .containsExactly(RecordSet.simple(5, Set.of("192.0.2.2")));
            assertThat(served(dns, batchKey("stale", 3)).sets())
                    .containsExactly(RecordSet.simple(5, Set.of("192.0.2.3")));
        }
    }

    @OnBothServers
    void aStaleWriterCannotChangeTheRecord(AuthoritativeServer server) {
        Rfc2136DnsProvider dns = provider(server);
        RecordKey key = key("stale", RecordType.A);
        RecordWrite epoch1 = write(key, null, 1, "192.0.2.41");
        assertThat(dns.write(epoch1)).isInstanceOf(WriteOutcome.Written.class);
        // a newer decision (epoch 2) is written by another instance, based on the mark it read
        assertThat(dns.write(write(key, epoch1.owner().text(), 2, "192.0.2.42")))
                .isInstanceOf(WriteOutcome.Written.class);
        ServedRecord before = served(dns, key);

        // the stale instance still holds epoch 1's view and tries to write what it wants
        WriteOutcome stale = dns.write(write(key, epoch1.owner().text(), 3, "192.0.2.66"));

        assertThat(stale).as("the server refuses a write whose prerequisite (the mark it read) no longer holds")
                .isInstanceOfSatisfying(WriteOutcome.OwnerChanged.class,
                        c -> assertThat(c.reason()).as("the server's answer").contains("NXRRSET"));
        assertThat(served(dns, key)).as("the served answer is unchanged by the refused write").isEqualTo(before);
        assertThat(before.sets()).containsExactly(RecordSet.simple(5, Set.of("192.0.2.42")));
    }

    @OnBothServers
    void aFirstWriteIsRefusedWhenAMarkExistsAlready(AuthoritativeServer server) {
        Rfc2136DnsProvider dns = provider(server);
        RecordKey key = key("taken", RecordType.A);
        assertThat(dns.write(write(key, null, 4, "192.0.2.51"))).isInstanceOf(WriteOutcome.Written.class);
        ServedRecord before = served(dns, key);

        WriteOutcome second = dns.write(write(key, null, 5, "192.0.2.66"));

        assertThat(second).as("'no mark' does not hold any more").isInstanceOfSatisfying(
                WriteOutcome.OwnerChanged.class,
                c -> assertThat(c.reason()).contains("YXRRSET"));
        assertThat(served(dns, key)).as("nothing changed").isEqualTo(before);
    }

    @OnBothServers
    void unsignedAndWronglySignedUpdatesAreRefused(AuthoritativeServer server) throws Exception {
        RecordKey key = key("locked", RecordType.A);
        Name name = Name.fromString(key.name() + ".");
        Update update = new Update(Name.fromString(ZONE));
        update.delete(name, Type.A);
        update.add(new ARecord(name, DClass.IN, 5, InetAddress.getByAddress(new byte[] { (byte) 203, 0, 113, 66 })));
        SimpleResolver unsigned = new SimpleResolver(new InetSocketAddress("127.0.0.1", server.port()));
        unsigned.setTCP(true);
        Message response = unsigned.send(update);
        // BIND answers REFUSED, Knot NOTAUTH: both are the provider's Rejected
        assertThat(Rcode.string(response.getRcode())).as("an unsigned update").isIn("REFUSED", "NOTAUTH");

        String wrongSecret = Base64.getEncoder().encodeToString(new byte[32]);
        WriteOutcome wrongKey = provider(server, wrongSecret).write(write(key, null, 1, "203.0.113.77"));
        assertThat(wrongKey).as("an update signed with another secret").isInstanceOfSatisfying(
                WriteOutcome.Rejected.class,
                r -> assertThat(r.reason()).contains("NOTAUTH"));

        ServedRecord served = served(provider(server), key);
        assertThat(served.sets()).as("neither update changed the record")
                .containsExactly(RecordSet.simple(30, Set.of("192.0.2.60")));
        assertThat(served.ownerText()).isNull();
    }

    /**
     * The switch asked for before a database moves, changing nothing. The real servers take a conditional update with
     * no change from the key, refuse it signed with another secret (as they refuse the write), and answer a stale
     * ownership condition as the write's owner change.
     */
    @OnBothServers
    void aPreflightIsAConditionalUpdateWithNoChangeThatTheServerJudgesAsItWouldTheWrite(AuthoritativeServer server) {
        RecordKey key = key("preflight", RecordType.A);
        Rfc2136DnsProvider dns = provider(server);
        assertThat(dns.write(write(key, null, 1, "192.0.2.70"))).isInstanceOf(WriteOutcome.Written.class);
        String mark = served(dns, key).ownerText();

        assertThat(dns.preflight(write(key, mark, 2, "192.0.2.71"))).hasValueSatisfying(o -> assertThat(o)
                .isInstanceOfSatisfying(WriteOutcome.Written.class, w -> assertThat(w.details())
                        .contains("a conditional update with no change")));
        String wrongSecret = Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(provider(server, wrongSecret).preflight(write(key, mark, 2, "192.0.2.71"))).hasValueSatisfying(
                o -> assertThat(o).as("another secret").isInstanceOfSatisfying(WriteOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("NOTAUTH")));
        assertThat(dns.preflight(write(key, "failover-owner group=other epoch=9 decision=d-9", 2, "192.0.2.71")))
                .hasValueSatisfying(o -> assertThat(o).as("a mark that is not the one there")
                        .isInstanceOf(WriteOutcome.OwnerChanged.class));

        ServedRecord served = served(dns, key);
        assertThat(served.sets()).as("no preflight changed the record").containsExactly(RecordSet.simple(5,
                Set.of("192.0.2.70")));
        assertThat(served.ownerText()).isEqualTo(mark);
    }

    /**
     * A primary whose update policy no longer lets our key update (BIND re-read its configuration): the write and the
     * preflight are refused for good (REFUSED), not retried as an outage; once the policy is back, the same write goes
     * through. The packaged checker (DataTierNemesisIT) refuses the switch this way after a promotion.
     */
    @Test
    void anUpdatePolicyThatRefusesTheKeyIsRejectedAndTheWriteGoesThroughOnceItIsBack() {
        RecordKey key = key("policy", RecordType.A);
        Rfc2136DnsProvider dns = provider(bind);
        assertThat(dns.write(write(key, null, 1, "192.0.2.80"))).isInstanceOf(WriteOutcome.Written.class);
        String mark = served(dns, key).ownerText();
        bind.refuseUpdates(true);
        try {
            assertThat(dns.preflight(write(key, mark, 2, "192.0.2.81"))).hasValueSatisfying(o -> assertThat(o)
                    .isInstanceOfSatisfying(WriteOutcome.Rejected.class,
                            r -> assertThat(r.reason()).contains("REFUSED")));
            assertThat(dns.write(write(key, mark, 2, "192.0.2.81"))).isInstanceOfSatisfying(WriteOutcome.Rejected.class,
                    r -> assertThat(r.reason()).contains("REFUSED"));
        } finally {
            bind.refuseUpdates(false);
        }
        assertThat(dns.write(write(key, mark, 2, "192.0.2.81"))).isInstanceOf(WriteOutcome.Written.class);
        assertThat(served(dns, key).sets()).containsExactly(RecordSet.simple(5, Set.of("192.0.2.81")));
    }

    @OnBothServers
    void aStoppedServerIsUnavailableAndTheSameWriteGoesThroughOnceItIsBack(AuthoritativeServer server) {
        Rfc2136DnsProvider dns = provider(server);
        RecordKey key = key("outage", RecordType.A);
        RecordWrite failover = write(key, null, 1, "192.0.2.71");
        long pid = server.pid();
        server.stop();
        try {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the server process has exited")
                    .isNotEqualTo(Optional.of(true));
            assertThat(dns.read(key, Optional.empty())).as("read while the server is away")
                    .isInstanceOf(ReadOutcome.Unavailable.class);
            assertThat(dns.write(failover)).as("write while the server is away")
                    .isInstanceOf(WriteOutcome.Unavailable.class);
        } finally {
            server.start();
        }
        assertThat(server.pid()).as("a new process").isNotEqualTo(pid).isPositive();

        assertThat(dns.write(failover)).as("the same write once the server is back")
                .isInstanceOf(WriteOutcome.Written.class);
        ServedRecord served = served(dns, key);
        assertThat(served.sets()).containsExactly(RecordSet.simple(5, Set.of("192.0.2.71")));
        assertThat(served.owner()).contains(failover.owner());

        // what was written before a stop is still served after it (zone file and journal kept)
        server.stop();
        server.start();
        assertThat(served(dns, key)).as("the update survives a restart").isEqualTo(served);
    }

    @OnBothServers
    void aCnameIsSwitchedWithItsMarkOnASiblingName(AuthoritativeServer server) {
        Rfc2136DnsProvider dns = provider(server);
        RecordKey key = key("www", RecordType.CNAME);
        ServedRecord before = served(dns, key);
        assertThat(before.sets()).containsExactly(RecordSet.simple(30, Set.of("old.example.net")));
        assertThat(before.ownerText()).isNull();

        RecordWrite first = write(key, null, 1, "secondary.example.net");
        assertThat(dns.write(first)).as("a CNAME has no other data at its name, the mark is at "
                + key.ownerName()).isInstanceOf(WriteOutcome.Written.class);
        ServedRecord after = served(dns, key);
        assertThat(after.sets()).containsExactly(RecordSet.simple(5, Set.of("secondary.example.net")));
        assertThat(after.owner()).contains(first.owner());

        assertThat(dns.write(write(key, after.ownerText(), 2, "primary.example.net.")))
                .isInstanceOf(WriteOutcome.Written.class);
        assertThat(served(dns, key).sets()).containsExactly(RecordSet.simple(5, Set.of("primary.example.net")));
    }

    /**
     * A mark with a second value (added by hand): RFC 2136's value-dependent prerequisite compares the whole TXT set, so
     * every write based on one value would be refused as an owner change for ever. The read says what to remove.
     */
    @OnBothServers
    void aMarkWithSeveralValuesIsUnusableAndTheReadSaysWhatToRemove(AuthoritativeServer server) {
        assertThat(provider(server).read(key("twotxt", RecordType.A), Optional.empty())).isInstanceOfSatisfying(
                ReadOutcome.OwnerRecordUnusable.class,
                u -> assertThat(u.reason()).contains("_failover-owner.twotxt.failover.test")
                        .contains("2 values").contains("remove 'v=added-by-hand'")
                        .contains("failover-owner group=g-twotxt epoch=1 decision=d-1"));
    }

    /**
     * Someone on the path answers in the server's place, without the TSIG key: NOERROR to the update, a record and a mark
     * of its choosing to the reads. Neither answer is signed, so neither is believed: the write is not taken as done and
     * the read is not taken as what is served.
     */
    @Test
    void answersNotSignedWithTheKeyAreNotBelieved() throws Exception {
        try (java.net.ServerSocket impostor = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answerUnsigned(impostor), "impostor");
            answering.setDaemon(true);
            answering.start();
            Rfc2136DnsProvider dns = new Rfc2136DnsProvider(new Rfc2136Settings("127.0.0.1", impostor.getLocalPort(),
                    AuthoritativeServer.KEY_NAME, AuthoritativeServer.ALGORITHM, bind.secret(), Duration.ofSeconds(2),
                    List.of()), Lease.HELD);
            RecordKey key = key("api", RecordType.A);

            assertThat(dns.write(write(key, null, 1, "192.0.2.20"))).as("an unsigned NOERROR to the update")
                    .isInstanceOfSatisfying(WriteOutcome.Unavailable.class, u -> assertThat(u.reason())
                            .contains("not signed with TSIG key " + AuthoritativeServer.KEY_NAME));
            assertThat(dns.read(key, Optional.empty())).as("an unsigned answer to the read")
                    .isInstanceOfSatisfying(ReadOutcome.Unavailable.class,
                            u -> assertThat(u.reason())
                                    .contains("not signed with TSIG key " + AuthoritativeServer.KEY_NAME));
        }
    }

    /** Answers every message on every connection with NOERROR, unsigned; a query for A or TXT with a record. */
    static void answerUnsigned(java.net.ServerSocket socket) {
        while (!socket.isClosed()) {
            try (java.net.Socket connection = socket.accept();
                    java.io.DataInputStream in = new java.io.DataInputStream(connection.getInputStream());
                    java.io.DataOutputStream out = new java.io.DataOutputStream(connection.getOutputStream())) {
                while (true) {
                    byte[] wire = new byte[in.readUnsignedShort()];
                    in.readFully(wire);
                    Message query = new Message(wire);
                    Message answer = new Message(query.getHeader().getID());
                    answer.getHeader().setFlag(org.xbill.DNS.Flags.QR);
                    answer.getHeader().setOpcode(query.getHeader().getOpcode());
                    answer.getHeader().setRcode(Rcode.NOERROR);
                    org.xbill.DNS.Record question = query.getQuestion();
                    answer.addRecord(question, org.xbill.DNS.Section.QUESTION);
                    if (query.getHeader().getOpcode() == org.xbill.DNS.Opcode.QUERY && question.getType() == Type.A) {
                        answer.addRecord(new ARecord(question.getName(), DClass.IN, 5,
                                InetAddress.getByAddress(new byte[] { (byte) 203, 0, 113, 66 })),
                                org.xbill.DNS.Section.ANSWER);
                    }
                    if (query.getHeader().getOpcode() == org.xbill.DNS.Opcode.QUERY && question.getType() == Type.TXT) {
                        answer.addRecord(new org.xbill.DNS.TXTRecord(question.getName(), DClass.IN, 5,
                                "failover-owner group=g-api epoch=99 decision=forged"), org.xbill.DNS.Section.ANSWER);
                    }
                    byte[] reply = answer.toWire();
                    out.writeShort(reply.length);
                    out.write(reply);
                    out.flush();
                }
            } catch (java.io.IOException e) {
                // the connection ended, or the socket was closed: accept the next, or stop
            }
        }
    }

    @Test
    void anUnreachableServerIsUnavailableNotRejected() {
        Rfc2136DnsProvider dns = new Rfc2136DnsProvider(
                new Rfc2136Settings("127.0.0.1", 1, AuthoritativeServer.KEY_NAME,
                        AuthoritativeServer.ALGORITHM, bind.secret(), Duration.ofMillis(500), List.of()),
                Lease.HELD);
        assertThat(dns.read(key("api", RecordType.A), Optional.empty())).isInstanceOf(ReadOutcome.Unavailable.class);
        assertThat(dns.write(write(key("api", RecordType.A), null, 1, "192.0.2.20")))
                .isInstanceOf(WriteOutcome.Unavailable.class);
    }

    @Test
    void weightedSetsAndAliasesAreRejectedWithoutAskingTheServer() {
        RecordKey key = key("api", RecordType.A);
        RecordWrite weighted = new RecordWrite(key, null, new OwnerMark("g", 1, "d"), List.of(
                new RecordSet("primary", 0L, 5, Set.of("192.0.2.10"), null),
                new RecordSet("secondary", 100L, 5, Set.of("192.0.2.20"), null)));
        assertThat(provider(bind).write(weighted)).isInstanceOf(WriteOutcome.Rejected.class);
    }

    @Test
    void ipv6AddressesAreWrittenInTheirShortForm() {
        assertThat(Rfc2136DnsProvider.ipv6Text(bytes("2001:db8:0:0:0:0:0:1"))).isEqualTo("2001:db8::1");
        assertThat(Rfc2136DnsProvider.ipv6Text(bytes("2001:db8:0:0:1:0:0:1"))).as("the first of two equal runs")
                .isEqualTo("2001:db8::1:0:0:1");
        assertThat(Rfc2136DnsProvider.ipv6Text(bytes("2001:db8:0:1:1:1:1:1"))).as("a single zero group stays")
                .isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(Rfc2136DnsProvider.ipv6Text(bytes("0:0:0:0:0:0:0:0"))).isEqualTo("::");
        assertThat(Rfc2136DnsProvider.ipv6Text(bytes("fe80:0:0:0:0:0:0:0"))).isEqualTo("fe80::");
        assertThat(Rfc2136DnsProvider.ipv6Text(bytes("0:0:0:0:0:0:0:1"))).isEqualTo("::1");
    }

    static byte[] bytes(String ipv6) {
        return Address.toByteArray(ipv6, Address.IPv6);
    }
}
