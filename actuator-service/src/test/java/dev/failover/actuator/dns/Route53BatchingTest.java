package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.DnsProvider.ReadOutcome;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.requests.Batcher;
import dev.failover.actuator.requests.Priority;
import dev.failover.actuator.requests.RequestBudget;
import dev.failover.contract.topology.RecordType;
import dev.failover.testkit.aws.Route53Zone;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * Many groups of one hosted zone switching together, as in a region's failover (ADR 0022): the real SDK against the
 * stateful {@link Route53Zone}, which applies a change batch all or none and names every change it refuses. The
 * account's budget runs on a clock the test moves, so that the groups queue behind one turn as they do behind a busy
 * budget, and what goes out together is known.
 */
class Route53BatchingTest {

    static final String ZONE_ID = "Z0BATCHING0000";
    static final int GROUPS = 40;

    final AtomicLong nanos = new AtomicLong();
    /** Five turns a second, on the test's clock: the first at once, each later one when the test moves it on. */
    final RequestBudget budget = new RequestBudget("Route 53", 5, 5, nanos::get);
    final ExecutorService groups = Executors.newCachedThreadPool();
    /** The actuator's lease: held unless a test makes it lapse. */
    final AtomicReference<Optional<String>> lapsed = new AtomicReference<>(Optional.empty());
    final Lease lease = lapsed::get;
    Route53Zone zone;
    Route53Client client;
    Route53DnsProvider dns;

    @AfterEach
    void close() {
        groups.shutdownNow();
        if (client != null) {
            client.close();
        }
        if (zone != null) {
            zone.close();
        }
    }

    static String name(int group) {
        return "g%02d.example.com.".formatted(group);
    }

    static RecordKey key(int group) {
        return new RecordKey("g%02d".formatted(group), "example.com.", name(group), RecordType.A, ZONE_ID);
    }

    static OwnerMark mark(int group, long epoch) {
        return new OwnerMark("g%02d".formatted(group), epoch, "d-" + epoch);
    }

    /** {@link #GROUPS} groups, each served by 192.0.2.1 and marked as epoch 1's. */
    void start(int pageSize) throws Exception {
        start(pageSize, g -> true);
    }

    /** {@link #GROUPS} groups, each served by 192.0.2.1; those {@code marked} marked as epoch 1's. */
    void start(int pageSize, java.util.function.IntPredicate marked) throws Exception {
        List<Route53Zone.RecordSet> sets = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            sets.add(new Route53Zone.RecordSet(name(g), "A", null, null, 60, List.of("192.0.2.1")));
            if (marked.test(g))
                sets.add(new Route53Zone.RecordSet("_failover-owner." + name(g), "TXT", null, null,
                        Route53DnsProvider.OWNER_TTL,
                        List.of(Route53DnsProvider.quote(mark(g, 1).text()))));
        }
        sets.add(new Route53Zone.RecordSet("www.example.com.", "CNAME", null, null, 300, List.of("api.example.com.")));
        zone = Route53Zone.start(ZONE_ID, sets).pageSize(pageSize);
        client = Route53Fixtures.client(zone.endpoint());
        dns = new Route53DnsProvider(client, Route53Fixtures.settings(Route53Settings.Routing.SIMPLE, 5,
                Route53Settings.TakeOver.REFUSE), budget, lease);
    }

    /**
     * Group 0's request takes the budget's turn (the first after a second's pause); the others queue behind the next
     * turn; then the clock moves on until all are done.
     */
    <O> Map<Integer, O> together(Function<Integer, O> request, int queued) throws Exception {
        return together(request, 1, queued);
    }

    /** @param turnsOfGroup0 the requests group 0's call makes: a listing, then a GetChange when it asks about one */
    <O> Map<Integer, O> together(Function<Integer, O> request, int turnsOfGroup0, int queued) throws Exception {
        Map<Integer, Future<O>> futures = new LinkedHashMap<>();
        nanos.addAndGet(Duration.ofSeconds(1).toNanos()); // group 0's first turn comes at once
        futures.put(0, groups.submit(() -> request.apply(0)));
        for (int turn = 2; turn <= turnsOfGroup0; turn++) {
            await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() == 1);
            nanos.addAndGet(Duration.ofMillis(200).toNanos()); // exactly its next turn: the one after stays ahead
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> futures.get(0).isDone());
        for (int g = 1; g < GROUPS; g++) {
            int group = g;
            futures.put(g, groups.submit(() -> request.apply(group)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> dns.waiting() == queued);
        Map<Integer, O> outcomes = new LinkedHashMap<>();
        for (var f : futures.entrySet()) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
                if (!f.getValue().isDone()) {
                    nanos.addAndGet(Duration.ofMillis(200).toNanos()); // the next turn
                }
                return f.getValue().isDone();
            });
            outcomes.put(f.getKey(), f.getValue().get(1, java.util.concurrent.TimeUnit.SECONDS));
        }
        return outcomes;
    }

    /** Each group's read on its own, the clock moved a turn at a time: what a listing shared by all must read the same. */
    Map<Integer, ReadOutcome> eachAlone() throws Exception {
        Map<Integer, ReadOutcome> alone = new LinkedHashMap<>();
        for (int g = 0; g < GROUPS; g++) {
            int group = g;
            Future<ReadOutcome> read = groups.submit(() -> dns.read(key(group), Optional.empty(), Priority.SWITCH));
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
                if (!read.isDone()) {
                    nanos.addAndGet(Duration.ofMillis(200).toNanos()); // the next turn
                }
                return read.isDone();
            });
            alone.put(g, read.get());
        }
        return alone;
    }

    /**
     * Each group's read alone, then group 0's and the 39 others' together: they must read the same; the reads together
     * and the listings they took.
     */
    record Together(Map<Integer, ReadOutcome> read, long listings) {
    }

    Together readTogetherAsAlone() throws Exception {
        Map<Integer, ReadOutcome> alone = eachAlone();
        long before = lists();
        Map<Integer, ReadOutcome> read = together(g -> dns.read(key(g), Optional.empty(), Priority.SWITCH), GROUPS - 1);
        assertThat(read).isEqualTo(alone);
        return new Together(read, lists() - before);
    }

    RecordWrite switchOf(int group, String expectedOwner) {
        return new RecordWrite(key(group), expectedOwner, mark(group, 2),
                List.of(RecordSet.simple(60, Set.of("192.0.2.2"))));
    }

    long posts() {
        return zone.requests().stream().filter(r -> r.method().equals("POST")).count();
    }

    long lists() {
        return zone.requests().stream().filter(r -> r.method().equals("GET") && r.path().endsWith("/rrset")).count();
    }

    @Test
    void aRegionsWorthOfSwitchesInOneZoneGoOutAsOneChangeBatch() throws Exception {
        start(300);
        Map<Integer, WriteOutcome> written = together(g -> dns.write(switchOf(g, mark(g, 1).text())), GROUPS - 1);

        assertThat(written.values()).allMatch(WriteOutcome.Written.class::isInstance);
        assertThat(posts()).as("group 0 alone, then the 39 that queued behind it in one batch").isEqualTo(2);
        assertThat(zone.applied()).hasSize(2);
        assertThat(zone.applied().get(1).upserts()).as("every queued group's record and mark")
                .hasSize(2 * (GROUPS - 1));
        String reference = ((WriteOutcome.Written) written.get(1)).reference();
        assertThat(written.entrySet()).filteredOn(e -> e.getKey() > 0)
                .allMatch(e -> ((WriteOutcome.Written) e.getValue()).reference().equals(reference));
    }

    /**
     * ADR 0014 and 0022: switches taken while the lease held wait for the account's turn, and the lease lapses
     * meanwhile. When the turn comes, no change batch is sent: each write is answered as not written, as a write made
     * with the lease lapsed is.
     */
    @Test
    void writesThatWaitedForTheirTurnWhileTheLeaseLapsedAreNotSent() throws Exception {
        start(300);
        DnsProvider leased = new LeasedDnsProvider(dns, lease); // as the producer wires them
        assertThat(budget.acquire(Priority.SWITCH)).as("another request took the turn").isTrue();
        List<Future<WriteOutcome>> writes = new ArrayList<>();
        for (int g = 0; g < 3; g++) {
            int group = g;
            writes.add(groups.submit(() -> leased.write(switchOf(group, mark(group, 1).text()))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> dns.waiting() == 3);

        lapsed.set(Optional.of("no word from the group coordinator for 4000 ms"));
        nanos.addAndGet(Duration.ofSeconds(1).toNanos()); // the turn comes

        for (Future<WriteOutcome> write : writes) {
            assertThat(write.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOfSatisfying(
                    WriteOutcome.Unavailable.class, u -> assertThat(u.reason())
                            .isEqualTo("not written: no word from the group coordinator for 4000 ms"));
        }
        assertThat(posts()).as("no change batch sent").isZero();
        assertThat(zone.applied()).isEmpty();
    }

    @Test
    void aStaleGroupInTheBatchIsAnOwnerChangeAndTheOthersAreWrittenOneRoundTripLater() throws Exception {
        start(300);
        // group 7's writer read the mark before someone else's epoch 5 moved it: its condition no longer holds
        Map<Integer, WriteOutcome> written = together(g -> dns.write(switchOf(g, mark(g, g == 7 ? 0 : 1).text())),
                GROUPS - 1);

        assertThat(written.get(7)).isInstanceOf(WriteOutcome.OwnerChanged.class);
        assertThat(((WriteOutcome.OwnerChanged) written.get(7)).reason()).contains("_failover-owner.g07.example.com.");
        assertThat(written.entrySet()).filteredOn(e -> e.getKey() != 7).extracting(Map.Entry::getValue)
                .allMatch(WriteOutcome.Written.class::isInstance);
        assertThat(posts()).as("group 0; the refused batch; the 38 others again, once").isEqualTo(3);
        assertThat(zone.applied()).hasSize(2);
        assertThat(zone.applied().get(1).upserts()).hasSize(2 * (GROUPS - 2));
    }

    /**
     * Route 53 counts an UPSERT's records twice against a batch's 1,000: 39 switches of 13 addresses each are 1,092
     * (585 counted once). Split into batches Route 53 takes, not refused whole and then sent one group at a time.
     */
    @Test
    void switchesOfManyAddressesGoInBatchesRoute53TakesCountingUpsertsTwice() throws Exception {
        start(300);
        Set<String> addresses = new java.util.TreeSet<>();
        for (int i = 1; i <= 13; i++) {
            addresses.add("192.0.2." + (100 + i));
        }
        Map<Integer, WriteOutcome> written = together(g -> dns.write(new RecordWrite(key(g), mark(g, 1).text(),
                mark(g, 2), List.of(RecordSet.simple(60, addresses)))), GROUPS - 1);

        assertThat(written.values()).allMatch(WriteOutcome.Written.class::isInstance);
        assertThat(zone.requests().stream().filter(r -> r.method().equals("POST")).count())
                .as("group 0, then the 39 in two batches of at most 1,000 records").isEqualTo(3);
    }

    @Test
    void readsOfManyGroupsOfAZoneAreOneListingAndReadTheSameAsEachAlone() throws Exception {
        start(300);
        Together together = readTogetherAsAlone();

        assertThat(together.read().get(3)).isInstanceOf(ReadOutcome.Served.class);
        assertThat(((ReadOutcome.Served) together.read().get(3)).record().ownerText()).isEqualTo(mark(3, 1).text());
        assertThat(together.listings()).as("group 0's own read, then one page for the 39 others").isEqualTo(2);
    }

    /**
     * Before a group's first switch there is no ownership record yet: the listing must still resolve the group once it
     * has listed past where its mark would be, not send every unmarked group to a listing of its own (as at the first
     * start of a plane with a thousand groups, and at a region's failover before any group had switched).
     */
    @Test
    void groupsWithoutAMarkYetAreReadInTheSameListing() throws Exception {
        start(300, g -> g % 3 == 0);
        Together together = readTogetherAsAlone();

        assertThat(((ReadOutcome.Served) together.read().get(4)).record().ownerText()).isNull();
        assertThat(together.listings()).as("group 0's own read, then one page for the 39 others").isEqualTo(2);
    }

    @Test
    void aListingAcrossSmallPagesOfUnmarkedGroupsReadsEachOnce() throws Exception {
        start(7, g -> g % 2 == 0);
        assertThat(readTogetherAsAlone().listings())
                .as("59 sets of the 39 in pages of 7: 9 pages, not one listing each")
                .isLessThanOrEqualTo(1 + 9 + 1);
    }

    @Test
    void aListingAcrossSmallPagesResolvesEachGroupOnlyOnceItsMarkWasFollowed() throws Exception {
        start(7); // a group's record and mark fall on different pages; the listing must read on past each mark
        assertThat(readTogetherAsAlone().listings())
                .as("78 sets of the 39 in pages of 7: 12 pages, not one listing each")
                .isLessThanOrEqualTo(1 + 12 + 1);
    }

    @Test
    void readsAskingAboutOneChangeAskGetChangeOnce() throws Exception {
        start(300);
        Map<Integer, WriteOutcome> written = together(g -> dns.write(switchOf(g, mark(g, 1).text())), GROUPS - 1);
        String reference = ((WriteOutcome.Written) written.get(1)).reference();
        long getChanges = zone.requests().stream().filter(r -> r.path().contains("/change/")).count();

        Map<Integer, ReadOutcome> read = together(g -> dns.read(key(g), Optional.of(reference), Priority.SWITCH), 2,
                GROUPS - 1);

        assertThat(read.values()).allMatch(ReadOutcome.Served.class::isInstance);
        // the 39 come to ask one by one as their listing ends, so a GetChange may go before the last of them arrive
        assertThat(zone.requests().stream().filter(r -> r.path().contains("/change/")).count() - getChanges)
                .as("group 0's, then a few for the 39 that asked about the same change, not one each").isLessThan(8);
    }

    /**
     * Another tool of the account spends Route 53's second (the fixture answers one request a second), and the budget's
     * turn of the queued groups comes within it: their request is throttled.
     */
    void throttledAtTheNextTurn(long throttledBefore) {
        zone.requestsPerSecond(1);
        client.listResourceRecordSets(r -> r.hostedZoneId(ZONE_ID).maxItems("1")); // another tool's request
        nanos.addAndGet(Duration.ofSeconds(1).toNanos()); // the queued groups' turn
        await().atMost(Duration.ofSeconds(10)).until(() -> zone.account().throttled() == throttledBefore + 1);
    }

    /** The account's second has passed: the next turn's request is answered. */
    void nextTurnAfterTheThrottle() {
        accountsSecondPassed();
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    }

    /** Waits until the fixture's window holds no answered request: the last one it answered is over a second old. */
    void accountsSecondPassed() {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> zone.requests()
                .stream().filter(r -> !r.throttled()).map(Route53Zone.SignedRequest::at)
                .allMatch(at -> at.plusMillis(1_050).isBefore(java.time.Instant.now())));
    }

    /** Every group's request, queued behind a turn another request took. */
    <O> List<Future<O>> queued(Function<Integer, O> request) {
        assertThat(budget.acquire(Priority.SWITCH)).as("another request took the turn").isTrue();
        List<Future<O>> futures = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            int group = g;
            futures.add(groups.submit(() -> request.apply(group)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> dns.waiting() == GROUPS);
        return futures;
    }

    static <O> List<O> outcomes(List<Future<O>> futures) throws Exception {
        List<O> outcomes = new ArrayList<>();
        for (Future<O> f : futures) {
            outcomes.add(f.get(20, java.util.concurrent.TimeUnit.SECONDS));
        }
        return outcomes;
    }

    /**
     * ADR 0022, "A throttled request keeps its place": a region's switches in one change batch, throttled. Nothing was
     * applied, so the batch goes again as it was at the budget's next turn; no group is answered throttled, which would
     * end its pass and make it read its record again (in a region's failover of 1,000 groups, 20 throttled requests
     * were 862 passes answered throttled, most of them listing their zone again).
     */
    @Test
    void aThrottledChangeBatchGoesAgainAtTheNextTurnNoGroupAnsweredThrottled() throws Exception {
        start(300);
        List<Future<WriteOutcome>> writes = queued(g -> dns.write(switchOf(g, mark(g, 1).text())));

        throttledAtTheNextTurn(0);
        assertThat(writes).as("no group answered after the throttle").noneMatch(Future::isDone);
        nextTurnAfterTheThrottle();

        assertThat(outcomes(writes)).allMatch(WriteOutcome.Written.class::isInstance);
        assertThat(posts()).as("the batch throttled, then the same batch again").isEqualTo(2);
        assertThat(zone.applied()).hasSize(1);
        assertThat(zone.applied().get(0).upserts()).hasSize(2 * GROUPS);
    }

    /** A throttle that lasts is the groups' to back off from: after the batch went again as often as it may. */
    @Test
    void aChangeBatchThrottledAtEveryTurnIsAnsweredThrottledAfterItWentAgainTwice() throws Exception {
        start(300);
        List<Future<WriteOutcome>> writes = queued(g -> dns.write(switchOf(g, mark(g, 1).text())));

        for (int throttle = 0; throttle <= Batcher.THROTTLED_AGAIN; throttle++) {
            accountsSecondPassed(); // the account's second spent by the other tool each time, not by the last throttle
            throttledAtTheNextTurn(throttle);
        }

        assertThat(outcomes(writes)).allMatch(WriteOutcome.Throttled.class::isInstance);
        assertThat(posts()).as("the batch, then twice again").isEqualTo(1 + Batcher.THROTTLED_AGAIN);
        assertThat(zone.applied()).isEmpty();
    }

    /** The reads of a region's switches share one listing; a throttled one goes again together, not a listing each. */
    @Test
    void aThrottledListingGoesAgainTogetherAtTheNextTurn() throws Exception {
        start(300);
        List<Future<ReadOutcome>> reads = queued(g -> dns.read(key(g), Optional.empty(), Priority.SWITCH));
        long before = lists();

        throttledAtTheNextTurn(0);
        assertThat(reads).as("no group answered after the throttle").noneMatch(Future::isDone);
        nextTurnAfterTheThrottle();

        assertThat(outcomes(reads)).allMatch(ReadOutcome.Served.class::isInstance);
        assertThat(lists() - before).as("the other tool's, the throttled listing, the listing again").isEqualTo(3);
    }
}
