package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.DnsProvider.ReadOutcome;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.requests.Priority;
import dev.failover.actuator.requests.RequestBudget;
import dev.failover.testkit.aws.Route53Zone;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * Every group's resync read answered from one listing of its zone (ADR 0022, "Resyncs from a zone's listing"): the
 * real SDK against the stateful {@link Route53Zone}, whose requests are counted. A record this instance wrote is read
 * live until a listing began after the write.
 */
class Route53ResyncListingTest {

    static final String ZONE_ID = Route53BatchingTest.ZONE_ID;
    static final int GROUPS = Route53BatchingTest.GROUPS;

    Route53Zone zone;
    Route53Client client;
    Route53DnsProvider dns;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (zone != null) {
            zone.close();
        }
    }

    void start(int pageSize) throws Exception {
        start(pageSize, new RequestBudget("Route 53", 1_000, 1_000, System::nanoTime));
    }

    void start(int pageSize, RequestBudget budget) throws Exception {
        List<Route53Zone.RecordSet> sets = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            sets.add(new Route53Zone.RecordSet(Route53BatchingTest.name(g), "A", null, null, 60, List.of("192.0.2.1")));
            sets.add(new Route53Zone.RecordSet("_failover-owner." + Route53BatchingTest.name(g), "TXT", null, null,
                    Route53DnsProvider.OWNER_TTL,
                    List.of(Route53DnsProvider.quote(Route53BatchingTest.mark(g, 1).text()))));
        }
        zone = Route53Zone.start(ZONE_ID, sets).pageSize(pageSize);
        client = Route53Fixtures.client(zone.endpoint());
        dns = new Route53DnsProvider(client, Route53Fixtures.settings(Route53Settings.Routing.SIMPLE, 1_000,
                Route53Settings.TakeOver.REFUSE), budget, Lease.HELD);
    }

    long listings() {
        return zone.requests().stream().filter(r -> r.method().equals("GET") && r.path().endsWith("/rrset")).count();
    }

    static Set<String> values(ReadOutcome read) {
        assertThat(read).isInstanceOf(ReadOutcome.Served.class);
        return ((ReadOutcome.Served) read).record().sets().get(0).values();
    }

    @Test
    void everyGroupsResyncIsAnsweredFromOneListingOfTheZone() throws Exception {
        start(10); // 80 sets: 8 pages

        for (int g = 0; g < GROUPS; g++) {
            ReadOutcome read = dns.read(Route53BatchingTest.key(g), Optional.empty(), Priority.RESYNC);
            assertThat(values(read)).containsExactly("192.0.2.1");
            assertThat(((ReadOutcome.Served) read).record().ownerText())
                    .isEqualTo(Route53BatchingTest.mark(g, 1).text());
        }

        assertThat(listings()).as("the pages of one listing, not a listing a group").isEqualTo(8);
    }

    /**
     * A page of the zone's listing throttled (another tool of the account spent its second) goes again at the next turn
     * (ADR 0022, "A throttled request keeps its place"): the listing goes on from that page and answers every resync,
     * rather than failing the resync that took it and sending the others waiting for it to read live.
     */
    @Test
    void aThrottledPageOfTheZonesListingGoesAgainAndTheListingAnswersEveryResync() throws Exception {
        start(10, new RequestBudget("Route 53", 1.25, 1.25, System::nanoTime)); // 80 sets: 8 pages, 0.8 s apart
        zone.requestsPerSecond(2);
        java.util.concurrent.ExecutorService tool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            tool.submit(() -> {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                        .until(() -> listings() == 1);
                client.getChange(r -> r.id("C-another-tool")); // its second request in the first page's second
                return null;
            });

            for (int g = 0; g < GROUPS; g++) {
                assertThat(values(dns.read(Route53BatchingTest.key(g), Optional.empty(), Priority.RESYNC)))
                        .containsExactly("192.0.2.1");
            }
        } finally {
            tool.shutdownNow();
        }

        long throttled = zone.requests().stream().filter(r -> r.throttled() && r.path().endsWith("/rrset")).count();
        assertThat(throttled).as("the second page, at least").isPositive();
        assertThat(listings()).as("one listing's 8 pages and the pages throttled, not a listing a group")
                .isEqualTo(8 + throttled);
    }

    /**
     * A zone is worth listing by what it holds, not by the reads that happened to come while its listing was fresh. At
     * an actuator's start every group's first read came before any listing, or went live, and the first listing
     * answered few: the zone was then read one record at a time for ten minutes (seen in the region benchmark: the
     * zones listed twice in a whole run, 123 of a failover's 159 requests listings of one group's name). A zone whose
     * pages are the groups' records is listed again; one mostly of other records is not.
     */
    @Test
    void aZoneOfTheGroupsRecordsIsListedAgainHoweverFewReadsItsLastListingAnswered() throws Exception {
        start(10); // 80 sets: 8 pages, every set a group's
        AtomicLong nanos = new AtomicLong();
        Route53ZoneSnapshots snapshots = new Route53ZoneSnapshots(client,
                new RequestBudget("Route 53", 1_000, 1_000, System::nanoTime), nanos::get);
        for (int g = 1; g < GROUPS; g++) { // the first reads at the start: no listing yet, and none taken for them
            assertThat(snapshots.forRead(ZONE_ID, Route53BatchingTest.key(g), Priority.SWITCH, false)).isEmpty();
        }
        assertThat(snapshots.forRead(ZONE_ID, Route53BatchingTest.key(0), Priority.RESYNC, true)).isPresent();
        nanos.addAndGet(Route53ZoneSnapshots.MAX_AGE.toNanos() + 1);

        assertThat(snapshots.forRead(ZONE_ID, Route53BatchingTest.key(1), Priority.RESYNC, true))
                .as("listed again: its 8 pages hold the 40 groups' records").isPresent();
        assertThat(listings()).isEqualTo(16);
    }

    @Test
    void aZoneMostlyOfOtherRecordsIsReadOneRecordAtATime() throws Exception {
        List<Route53Zone.RecordSet> sets = new ArrayList<>();
        for (int i = 0; i < 150; i++) { // 16 pages of 10, one set of them a group's
            sets.add(new Route53Zone.RecordSet("host%03d.example.com.".formatted(i), "A", null, null, 60,
                    List.of("198.51.100.1")));
        }
        sets.add(new Route53Zone.RecordSet(Route53BatchingTest.name(0), "A", null, null, 60, List.of("192.0.2.1")));
        zone = Route53Zone.start(ZONE_ID, sets).pageSize(10);
        client = Route53Fixtures.client(zone.endpoint());
        AtomicLong nanos = new AtomicLong();
        Route53ZoneSnapshots snapshots = new Route53ZoneSnapshots(client,
                new RequestBudget("Route 53", 1_000, 1_000, System::nanoTime), nanos::get);
        assertThat(snapshots.forRead(ZONE_ID, Route53BatchingTest.key(0), Priority.RESYNC, true)).isPresent();
        nanos.addAndGet(Route53ZoneSnapshots.MAX_AGE.toNanos() + 1);
        long listed = listings();

        assertThat(snapshots.forRead(ZONE_ID, Route53BatchingTest.key(0), Priority.RESYNC, true))
                .as("the group's record is read alone from now on").isEmpty();
        assertThat(listings()).as("no listing taken").isEqualTo(listed);
    }

    /** The provider over ten groups, on a budget of a turn every 5 s whose first turn a switch has just taken. */
    private RequestBudget startWithTheTurnTaken() throws Exception {
        RequestBudget budget = RequestBudget.fixed("Route 53", 0.2);
        start(10, budget);
        assertThat(budget.acquire(Priority.SWITCH)).isTrue(); // the first turn, at once
        return budget;
    }

    /**
     * A region's failover: switches wait for the account's turns, and a settled group's resync that no fresh listing
     * answers is not made (nor a listing for it taken) — it would hold the group's pass, and the group's own decision
     * behind it, until the switches are done (ADR 0022, "Resyncs stand aside while switches wait").
     */
    @Test
    void aResyncStandsAsideWhileSwitchesWaitForTheBudget() throws Exception {
        RequestBudget budget = startWithTheTurnTaken();
        java.util.concurrent.ExecutorService switches = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            switches.submit(() -> budget.acquire(Priority.SWITCH)); // a switch waits for the next turn
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> budget.waiting() == 1);
            long started = System.nanoTime();

            ReadOutcome read = dns.read(Route53BatchingTest.key(0), Optional.empty(), Priority.RESYNC);

            assertThat(read).isInstanceOf(ReadOutcome.Deferred.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThat(listings()).as("no listing taken for it").isZero();
            assertThat(budget.waiting()).as("only the switch waits").isEqualTo(1);
        } finally {
            switches.shutdownNow();
        }
    }

    /** A resync already waiting for its listing's turn when a switch comes gives the turn up: deferred at once. */
    @Test
    void aResyncWaitingForItsListingStandsAsideWhenASwitchComes() throws Exception {
        RequestBudget budget = startWithTheTurnTaken();
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            java.util.concurrent.Future<ReadOutcome> resync = callers.submit(
                    () -> dns.read(Route53BatchingTest.key(0), Optional.empty(), Priority.RESYNC));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> budget.waiting() == 1);
            callers.submit(() -> budget.acquire(Priority.SWITCH)); // a switch waits for the next turn

            assertThat(resync.get(2, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(ReadOutcome.Deferred.class);
            assertThat(listings()).as("no page of the listing taken").isZero();
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aSwitchesReadIsNeverAnsweredFromTheZonesListing() throws Exception {
        start(300);
        dns.read(Route53BatchingTest.key(0), Optional.empty(), Priority.RESYNC);
        long before = listings();

        dns.read(Route53BatchingTest.key(1), Optional.empty(), Priority.SWITCH);

        assertThat(listings()).isEqualTo(before + 1);
    }

    /**
     * A region's switches: each group's first read comes from the zone's listing, taken once for all of them (ADR 0022,
     * "A switch's first read from the zone's listing").
     */
    @Test
    void aSwitchesFirstReadComesFromTheZonesListing() throws Exception {
        start(10); // 80 sets: 8 pages
        dns.read(Route53BatchingTest.key(0), Optional.empty(), Priority.RESYNC); // the zone's listing, as resyncs take it

        for (int g = 0; g < GROUPS; g++) {
            Optional<ServedRecord> listed = dns.listed(Route53BatchingTest.key(g));
            assertThat(listed).isPresent();
            assertThat(listed.get().sets().get(0).values()).containsExactly("192.0.2.1");
            assertThat(listed.get().ownerText()).isEqualTo(Route53BatchingTest.mark(g, 1).text());
        }

        assertThat(listings()).as("the pages of one listing, not a read a group").isEqualTo(8);
    }

    /**
     * A lone switch at a quiet time (nothing else waits for the account's budget) does not list the zone's pages one
     * after another: with no listing fresh enough, it reads its one record live.
     */
    @Test
    void aLoneSwitchWithNoFreshListingDoesNotListTheZone() throws Exception {
        start(10); // 80 sets: 8 pages

        assertThat(dns.listed(Route53BatchingTest.key(7))).isEmpty();

        assertThat(listings()).as("pages listed").isZero();
    }

    /**
     * The listing a switch's first read came from is stale (another instance moved the mark since): the write based on
     * it is refused by Route 53's condition, and the next read of that record is live, so the next write is based on
     * the mark as it is.
     */
    @Test
    void aWriteBasedOnAStaleListingIsRefusedAndTheRecordThenReadLive() throws Exception {
        start(300);
        dns.read(Route53BatchingTest.key(0), Optional.empty(), Priority.RESYNC); // the zone's listing, as resyncs take it
        ServedRecord listed = dns.listed(Route53BatchingTest.key(5)).orElseThrow();
        Route53DnsProvider other = Route53Fixtures.provider(client,
                Route53Fixtures.settings(Route53Settings.Routing.SIMPLE,
                        1_000, Route53Settings.TakeOver.REFUSE));
        assertThat(other.write(new RecordWrite(Route53BatchingTest.key(5), Route53BatchingTest.mark(5, 1).text(),
                Route53BatchingTest.mark(5, 2), List.of(RecordSet.simple(60, Set.of("192.0.2.5"))), null)))
                .as("another instance's switch").isInstanceOf(WriteOutcome.Written.class);

        WriteOutcome stale = dns.write(new RecordWrite(Route53BatchingTest.key(5), listed.ownerText(),
                Route53BatchingTest.mark(5, 3), List.of(RecordSet.simple(60, Set.of("192.0.2.9"))), null));

        assertThat(stale).isInstanceOf(WriteOutcome.OwnerChanged.class);
        assertThat(dns.listed(Route53BatchingTest.key(5))).as("not from the listing taken before the refused write")
                .isEmpty();
        ReadOutcome live = dns.read(Route53BatchingTest.key(5), Optional.empty(), Priority.SWITCH);
        assertThat(values(live)).containsExactly("192.0.2.5");
        assertThat(((ReadOutcome.Served) live).record().ownerText()).isEqualTo(Route53BatchingTest.mark(5, 2).text());
    }

    @Test
    void aRecordWrittenHereIsReadLiveUntilAListingBeganAfterTheWrite() throws Exception {
        start(300);
        assertThat(values(dns.read(Route53BatchingTest.key(3), Optional.empty(), Priority.RESYNC)))
                .containsExactly("192.0.2.1");

        WriteOutcome written = dns
                .write(new RecordWrite(Route53BatchingTest.key(3), Route53BatchingTest.mark(3, 1).text(),
                        Route53BatchingTest.mark(3, 2), List.of(RecordSet.simple(60, Set.of("192.0.2.2"))), null));
        assertThat(written).isInstanceOf(WriteOutcome.Written.class);

        ReadOutcome afterWrite = dns.read(Route53BatchingTest.key(3), Optional.empty(), Priority.RESYNC);
        assertThat(values(afterWrite)).as("not the listing taken before the write").containsExactly("192.0.2.2");
        assertThat(((ReadOutcome.Served) afterWrite).record().ownerText())
                .isEqualTo(Route53BatchingTest.mark(3, 2).text());
        assertThat(values(dns.read(Route53BatchingTest.key(4), Optional.empty(), Priority.RESYNC)))
                .containsExactly("192.0.2.1");
    }

    @Test
    void aZoneOfMoreThanTwentyPagesIsReadOneRecordAtATime() throws Exception {
        start(1); // 80 sets: 80 pages

        for (int g = 0; g < GROUPS; g++) {
            assertThat(values(dns.read(Route53BatchingTest.key(g), Optional.empty(), Priority.RESYNC)))
                    .containsExactly("192.0.2.1");
        }
        long firstRound = listings();
        for (int g = 0; g < GROUPS; g++) {
            assertThat(values(dns.read(Route53BatchingTest.key(g), Optional.empty(), Priority.RESYNC)))
                    .containsExactly("192.0.2.1");
        }
        long secondRound = listings() - firstRound;

        assertThat(firstRound - secondRound).as("one zone listing, stopped after its twentieth page, and no other")
                .isEqualTo(Route53ZoneSnapshots.MAX_PAGES);
    }
}
