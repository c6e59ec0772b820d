package dev.failover.actuator.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import dev.failover.actuator.requests.Batcher;
import dev.failover.actuator.requests.Priority;
import dev.failover.actuator.requests.RequestBudget;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.Route53Exception;

/**
 * One listing of a whole hosted zone shared by every group's resync read (ADR 0022, "Resyncs from a zone's listing"):
 * a resync asks whether the record still serves what was decided; read one group at a time, 1,000 groups resynced every
 * 10 s were 100 reads a second against Route 53's 5, and the reads took the turns the switches needed. A zone's listing is
 * at most {@link #MAX_AGE} old when a resync is answered from it, taken page after page at resync priority (a switch's
 * requests go between its pages), and only one is taken at a time per zone: the resyncs that come meanwhile wait for it.
 * <p>
 * A listing never answers for a record this instance wrote after the listing began, nor while a write of it is under
 * way: such a read goes to Route 53 as before. A switch's reads, and the read-back after a write, never come here
 * ({@link Route53DnsProvider#read}).
 * <p>
 * A zone where a listing is not worth it is read one record at a time, as before, for {@link #SPARSE_FOR}: one of more
 * than {@link #MAX_PAGES} pages (a zone mostly of other records: its listing is stopped there), or one whose last
 * listing held fewer than {@link #MIN_GROUPS_PER_PAGE} records a page that groups read here (a read of one record costs a
 * page). A zone is judged by what it holds, not by the reads that came while its listing was fresh: at an actuator's
 * start the groups' first reads come before any listing, and a first listing that answered few of them made the zone
 * read one record at a time for ten minutes (ADR 0022, "Resyncs from a zone's listing").
 * <p>
 * The caller maps Route 53's errors: a listing that fails throws to the resync that took it; the others that waited for
 * it read their record as before.
 */
final class Route53ZoneSnapshots {

    private static final Logger LOG = Logger.getLogger(Route53ZoneSnapshots.class);

    /** How old a zone's listing may be when a resync is answered from it: the default resync interval. */
    static final Duration MAX_AGE = Duration.ofSeconds(10);

    /** The most pages a zone's listing takes; a larger zone is read one record at a time. */
    static final int MAX_PAGES = 20;
    /** How many records groups read here a page of a zone's listing must hold for the zone to be worth listing. */
    static final int MIN_GROUPS_PER_PAGE = 3;
    /** How long a zone not worth listing is read one record at a time before a listing is tried again. */
    static final Duration SPARSE_FOR = Duration.ofMinutes(10);

    /** A zone's sets by lower-case absolute name and type, when its listing began, and its pages. */
    record Snapshot(long listedFrom, Map<String, List<ResourceRecordSet>> sets, int pages) {

        List<ResourceRecordSet> of(String name, String type) {
            return sets.getOrDefault(nameType(name, type), List.of());
        }
    }

    private final Route53Client client;
    private final RequestBudget budget;
    private final LongSupplier nanoTime;
    private final Map<String, Snapshot> latest = new HashMap<>();
    private final Map<String, CompletableFuture<Snapshot>> listing = new HashMap<>();
    /** Per owner name (lower case): writes under way, and when the last one ended. */
    private final Map<String, Integer> writing = new HashMap<>();
    private final Map<String, Long> written = new HashMap<>();
    /** Per zone, the records (name and type) groups read here: what a listing of it is worth. */
    private final Map<String, Set<String>> asked = new HashMap<>();
    /** Per zone read one record at a time, until when. */
    private final Map<String, Long> sparseUntil = new HashMap<>();
    /** Per zone being listed, the highest priority of the reads waiting for it: its pages' turns go at that. */
    private final Map<String, Priority> listingPriority = new HashMap<>();

    /** A listing stopped at {@link #MAX_PAGES}. */
    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    Route53ZoneSnapshots(Route53Client client, RequestBudget budget, LongSupplier nanoTime) {
        this.client = client;
        this.budget = budget;
        this.nanoTime = nanoTime;
    }

    /**
     * The zone's listing for a read of {@code key}: the latest if it is fresh enough and began after the key's last
     * write ended, a new one otherwise (or the one being taken, whose pages then go at {@code priority} if that is
     * higher); empty when the key is being written, or was written after even the newest listing began, or when a new
     * listing would be needed and {@code mayList} is false.
     */
    Optional<Snapshot> forRead(String hostedZoneId, RecordKey key, Priority priority, boolean mayList) {
        String owner = key.ownerName().toLowerCase(Locale.ROOT);
        CompletableFuture<Snapshot> wait;
        boolean list = false;
        synchronized (this) {
            asked(hostedZoneId, key);
            long now = nanoTime.getAsLong();
            Long sparse = sparseUntil.get(hostedZoneId);
            if (writing.getOrDefault(owner, 0) > 0 || sparse != null && now - sparse < 0) {
                return Optional.empty();
            }
            Snapshot snapshot = latest.get(hostedZoneId);
            if (snapshot != null && now - snapshot.listedFrom() < MAX_AGE.toNanos()) {
                if (!usable(snapshot, owner)) {
                    return Optional.empty(); // written here since it began: read alone, the zone is not listed again
                }
                return Optional.of(snapshot);
            }
            wait = listing.get(hostedZoneId);
            int held = wait == null && snapshot != null ? held(hostedZoneId, snapshot) : 0;
            if (wait == null && snapshot != null && held < MIN_GROUPS_PER_PAGE * snapshot.pages()) {
                LOG.infof("hosted zone %s is read one record at a time for %s: its last listing, %d pages, held %d"
                        + " records groups read here", hostedZoneId, SPARSE_FOR, snapshot.pages(), held);
                sparse(hostedZoneId, now); // a listing does not pay for itself here
                return Optional.empty();
            }
            if (wait == null && !mayList) {
                return Optional.empty();
            }
            if (wait == null) {
                wait = new CompletableFuture<>();
                listing.put(hostedZoneId, wait);
                list = true;
            }
            listingPriority.merge(hostedZoneId, priority, (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        if (list) {
            list(hostedZoneId, wait);
        } else if (!wait.isDone()) {
            wait.exceptionally(e -> null).join();
        }
        if (!list && wait.isCompletedExceptionally()) {
            return Optional.empty(); // the lister met the failure (and slowed the budget once); this one reads alone
        }
        Snapshot snapshot;
        try {
            snapshot = join(wait);
        } catch (TooLarge e) {
            return Optional.empty();
        }
        synchronized (this) {
            if (!usable(snapshot, owner) || writing.getOrDefault(owner, 0) > 0
                    || nanoTime.getAsLong() - snapshot.listedFrom() >= MAX_AGE.toNanos()) {
                return Optional.empty(); // a listing whose pages waited long for their turns is not answered from
            }
            return Optional.of(snapshot);
        }
    }

    /**
     * The zone's latest listing for a read of {@code key} if it is fresh enough and began after the key's last write
     * ended; empty otherwise. Never lists, nor waits for a listing being taken.
     */
    synchronized Optional<Snapshot> fresh(String hostedZoneId, RecordKey key) {
        asked(hostedZoneId, key);
        String owner = key.ownerName().toLowerCase(Locale.ROOT);
        Snapshot snapshot = latest.get(hostedZoneId);
        if (snapshot == null || writing.getOrDefault(owner, 0) > 0 || !usable(snapshot, owner)
                || nanoTime.getAsLong() - snapshot.listedFrom() >= MAX_AGE.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(snapshot);
    }

    /** A read of {@code key} came for the zone; the caller holds the lock. */
    private void asked(String hostedZoneId, RecordKey key) {
        asked.computeIfAbsent(hostedZoneId, z -> new HashSet<>()).add(nameType(key.name(), key.type().name()));
    }

    /** How many of the records groups read here the zone's listing holds; the caller holds the lock. */
    private int held(String hostedZoneId, Snapshot snapshot) {
        return (int) asked.getOrDefault(hostedZoneId, Set.of()).stream().filter(snapshot.sets()::containsKey).count();
    }

    private void sparse(String hostedZoneId, long now) {
        sparseUntil.put(hostedZoneId, now + SPARSE_FOR.toNanos());
        latest.remove(hostedZoneId);
    }

    private boolean usable(Snapshot snapshot, String owner) {
        Long lastWrite = written.get(owner);
        return lastWrite == null || snapshot.listedFrom() - lastWrite > 0;
    }

    /** A write of these owner names begins: no listing answers for them until it ended and a listing began after. */
    synchronized void writing(List<String> ownerNames) {
        ownerNames.forEach(o -> writing.merge(o.toLowerCase(Locale.ROOT), 1, Integer::sum));
    }

    /** The write began by {@link #writing} ended, however it ended (a timeout may still have applied it). */
    synchronized void written(List<String> ownerNames) {
        long now = nanoTime.getAsLong();
        for (String o : ownerNames) {
            String owner = o.toLowerCase(Locale.ROOT);
            writing.computeIfPresent(owner, (k, n) -> n > 1 ? n - 1 : null);
            written.put(owner, now);
        }
    }

    private void list(String hostedZoneId, CompletableFuture<Snapshot> done) {
        try {
            long listedFrom = nanoTime.getAsLong();
            Map<String, List<ResourceRecordSet>> sets = new HashMap<>();
            String startName = null;
            RRType startType = null;
            String startIdentifier = null;
            int pages = 0;
            int throttled = 0;
            while (true) {
                if (throttled == 0 && ++pages > MAX_PAGES) {
                    throw new TooLarge();
                }
                if (!budget.acquire(() -> priorityOf(hostedZoneId))) {
                    throw new IllegalStateException("no turn for a Route 53 request (interrupted, or a resync standing"
                            + " aside)");
                }
                String name = startName;
                RRType type = startType;
                String identifier = startIdentifier;
                ListResourceRecordSetsResponse page;
                try {
                    page = client.listResourceRecordSets(r -> r.hostedZoneId(hostedZoneId).startRecordName(name)
                            .startRecordType(type).startRecordIdentifier(identifier)
                            .maxItems(String.valueOf(Route53Listing.PAGE)));
                } catch (Route53Exception e) {
                    // the page goes again at the next turn, as a batch's requests do (ADR 0022, "A throttled request
                    // keeps its place"): the pages read so far, and the reads waiting for the listing, are not lost
                    if (!Route53DnsProvider.throttled(e) || throttled++ >= Batcher.THROTTLED_AGAIN) {
                        throw e;
                    }
                    Route53DnsProvider.slowDown(budget, e);
                    continue;
                }
                throttled = 0;
                for (ResourceRecordSet set : page.resourceRecordSets()) {
                    sets.computeIfAbsent(nameType(Route53Listing.unescape(set.name()), set.typeAsString()),
                            k -> new ArrayList<>()).add(set);
                }
                if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextRecordName() == null) {
                    break;
                }
                startName = page.nextRecordName();
                startType = page.nextRecordType();
                startIdentifier = page.nextRecordIdentifier();
            }
            Snapshot snapshot = new Snapshot(listedFrom, Map.copyOf(sets), pages);
            synchronized (this) {
                latest.put(hostedZoneId, snapshot);
                listingEnded(hostedZoneId);
            }
            done.complete(snapshot);
        } catch (TooLarge e) {
            synchronized (this) {
                sparse(hostedZoneId, nanoTime.getAsLong());
                listingEnded(hostedZoneId);
            }
            done.completeExceptionally(e);
        } catch (Throwable e) { // whatever ends the listing ends it for the resyncs waiting on it too
            synchronized (this) {
                listingEnded(hostedZoneId);
            }
            done.completeExceptionally(e);
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    /** The zone's listing under way ended, however it ended; the caller holds the lock. */
    private void listingEnded(String hostedZoneId) {
        listing.remove(hostedZoneId);
        listingPriority.remove(hostedZoneId);
    }

    private synchronized Priority priorityOf(String hostedZoneId) {
        return listingPriority.getOrDefault(hostedZoneId, Priority.RESYNC);
    }

    private static Snapshot join(CompletableFuture<Snapshot> wait) {
        try {
            return wait.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    static String nameType(String name, String type) {
        return Route53Listing.absolute(name).toLowerCase(Locale.ROOT) + " " + type;
    }
}
