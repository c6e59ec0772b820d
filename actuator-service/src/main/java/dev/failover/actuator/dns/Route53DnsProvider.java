package dev.failover.actuator.dns;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import dev.failover.actuator.dns.Route53TakeOver.Prepared;
import dev.failover.actuator.dns.Route53TakeOver.ZoneWrite;
import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.requests.Batcher;
import dev.failover.actuator.requests.Priority;
import dev.failover.actuator.requests.RequestBudget;
import dev.failover.contract.topology.TargetDns;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.AliasTarget;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.NoSuchChangeException;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.Route53Exception;

/**
 * Route 53 through the AWS SDK v2. The read lists the record's sets (with weighted routing one per target, with their
 * weights) and its ownership TXT record — one ListResourceRecordSets call for both where the page allows it, since Route
 * 53 lists names with their labels reversed and {@code com.example.api._failover-owner.} comes right after
 * {@code com.example.api.} — and, only while the group's desired state holds a change written and not yet seen INSYNC,
 * asks GetChange about that change. The change id is the write's {@link WriteOutcome.Written#reference() reference},
 * which the reconciler keeps in the group's stored desired state rather than this instance in memory: a restarted
 * actuator, or another region's that takes the group over, waits for the predecessor's change to be INSYNC before it
 * reports the group converged (ADR 0006). The write is one
 * ChangeBatch: the record's sets as UPSERTs and the ownership TXT record moved by a DELETE of the exact value read and a
 * CREATE of the new one — Route 53 applies a batch atomically and rejects it whole when the DELETE does not match the
 * current value, so a writer with an older view can never overwrite a newer switch (ADR 0006).
 * <p>
 * Route 53 allows five requests a second per account: every call of this instance, all groups together, waits for its
 * turn on one {@link RequestBudget} (a decision's before a resync's; the account's whole rate while nobody throttles,
 * down to this instance's share when Route 53 does), and a Throttling answer is a distinct outcome that the reconciler
 * backs off from for longer. Many groups at once — a region's failover — share requests (ADR 0022): the
 * writes to one zone waiting together go as one change batch, each group's ownership condition in it, and a group
 * whose condition fails is named by Route 53's refusal, answered as an owner change, and the others sent again at once;
 * the reads of one zone waiting together are one listing ({@link Route53Listing}); the reads asking about one change ask
 * GetChange once.
 */
public final class Route53DnsProvider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(Route53DnsProvider.class);
    /** Error codes that say "slow down": the account's request budget is spent, or a change to the zone is under way. */
    static final Set<String> THROTTLED = Set.of("Throttling", "ThrottlingException", "PriorRequestNotComplete",
            "TooManyRequestsException", "RequestLimitExceeded");
    /** Error codes that say "not now" rather than "never". */
    static final Set<String> PASSING = Set.of("ServiceUnavailable", "RequestTimeout", "InternalFailure",
            "InternalError");

    /**
     * TTL of the ownership TXT record. Always the same: Route 53 only DELETEs a record set whose TTL matches too, so a
     * TTL taken from the record's sets would make every write refused after the group's TTL changed.
     */
    static final long OWNER_TTL = 60;

    /** Route 53's most ResourceRecord elements in one ChangeResourceRecordSets request. */
    static final int BATCH_RECORDS = 1000;
    /** Route 53's most characters of Value elements in one ChangeResourceRecordSets request. */
    static final int BATCH_VALUE_CHARACTERS = 32_000;

    private final Route53Client client;
    private final Routing routing;
    /** Every API call of this instance waits for its turn here. */
    private final RequestBudget budget;
    private final Route53Listing listing;
    /** Reads of one hosted zone waiting together go out as one listing. */
    private final Batcher<String, RecordKey, ReadOutcome> reads;
    /** Writes to one hosted zone waiting together go out as one change batch, each still conditional. */
    private final Batcher<String, ZoneWrite, WriteOutcome> writes;
    /** Reads asking about one change ask GetChange once. */
    private final Batcher<String, String, Propagation> changes;
    /** Asked right before a change batch is sent, however long its writes waited for their turn. */
    private final Lease lease;
    /** A zone's listing, shared by every group's resync read. */
    private final Route53ZoneSnapshots snapshots;
    /** What a group's first write does with sets of its record that the plane does not write. */
    private final Route53TakeOver takeOver;

    /**
     * @param budget the turns of this instance's API calls on the account's budget ({@link Route53Settings#budget()})
     * @param lease  asked right before each change batch is sent: a write that waited for its turn while the lease
     *               lapsed is not sent (ADR 0022)
     */
    public Route53DnsProvider(Route53Client client, Route53Settings settings, RequestBudget budget, Lease lease) {
        this.client = client;
        this.lease = lease;
        this.routing = settings.routing() == Route53Settings.Routing.WEIGHTED ? Routing.WEIGHTED : Routing.SINGLE;
        this.takeOver = new Route53TakeOver(routing, settings.takeOver());
        this.budget = budget;
        this.listing = new Route53Listing(client, budget, this::served);
        this.snapshots = new Route53ZoneSnapshots(client, budget, System::nanoTime);
        this.reads = new Batcher<>(this::readZone, budget::acquire, Route53Listing.PAGE, key -> 1, key -> key,
                why -> new ReadOutcome.Unavailable("Route 53 not read: " + why));
        this.writes = new Batcher<>(this::writeZone, budget::acquire, BATCH_RECORDS, this::weight,
                write -> write.write().key().ownerName().toLowerCase(Locale.ROOT),
                why -> new WriteOutcome.Unavailable("Route 53 not written: " + why));
        this.changes = new Batcher<>(this::getChange, budget::acquire, Integer.MAX_VALUE, id -> 1, id -> new Object(),
                why -> new Propagation(false, new ReadOutcome.Unavailable("Route 53 not asked: " + why)));
    }

    @Override
    public String name() {
        return "route53";
    }

    @Override
    public Routing routing() {
        return routing;
    }

    @Override
    public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
        return read(key, pendingChange, Priority.SWITCH);
    }

    @Override
    public ReadOutcome read(RecordKey key, Optional<String> pendingChange, Priority priority) {
        if (key.hostedZoneId() == null) {
            return new ReadOutcome.Rejected("the group has no dns.hostedZoneId; Route 53 needs it");
        }
        if (priority == Priority.SWITCH) {
            return readLive(key, pendingChange, priority);
        }
        if (priority == Priority.CONFIRM && budget.waitingBefore(Priority.CONFIRM) > 0) {
            return DEFERRED; // a switched group's confirmation waits, off a pass thread, while others wait to switch
        }
        ReadOutcome read = priority == Priority.RESYNC ? resync(key, pendingChange)
                : readLive(key, pendingChange, priority);
        // a read that gave its turn up to requests of higher priority (RequestBudget) is made later
        return read instanceof ReadOutcome.Unavailable && budget.waitingBefore(priority) > 0 ? DEFERRED : read;
    }

    /**
     * A settled group's check: while groups switching wait for the account's turns it is answered from a fresh listing of
     * the zone or not made, rather than hold its pass, and a decision of its own behind it, until they are done (ADR
     * 0022, "Resyncs stand aside while switches wait"); otherwise from the zone's listing, or live.
     */
    private ReadOutcome resync(RecordKey key, Optional<String> pendingChange) {
        if (budget.waitingBefore(Priority.RESYNC) > 0) {
            return (pendingChange.isEmpty() ? fromFreshListing(key) : Optional.<ReadOutcome>empty()).orElse(DEFERRED);
        }
        if (pendingChange.isEmpty()) {
            Optional<ReadOutcome> listed = fromZoneListing(key, Priority.RESYNC, true);
            if (listed.isPresent()) {
                return listed.get();
            }
        }
        return readLive(key, pendingChange, Priority.RESYNC);
    }

    private static final ReadOutcome DEFERRED = new ReadOutcome.Deferred(
            "Route 53's turns go to the groups switching now");

    /** The record read live (batched with the zone's other reads), and the pending change asked about. */
    private ReadOutcome readLive(RecordKey key, Optional<String> pendingChange, Priority priority) {
        ReadOutcome read = reads.submit(key.hostedZoneId(), key, priority);
        if (!(read instanceof ReadOutcome.Served served) || pendingChange.isEmpty()) {
            return read;
        }
        Propagation asked = changes.submit(pendingChange.get(), pendingChange.get(), priority);
        return asked.failure() != null ? asked.failure() : new ReadOutcome.Served(new ServedRecord(
                served.record().ownerText(), served.record().sets(), asked.insync()));
    }

    /**
     * A switch's first read from the zone's shared listing: in a region's failover every group of the zone switches
     * within seconds, and their first reads, one listing page per few groups, took most of the account's five requests
     * a second. Only a read the provider answers as served comes from it; a failed listing leaves the read to the caller.
     * A new listing is taken for it only while other requests wait for the account's budget (a region's switches): a
     * lone switch at a quiet time reads its one record at once rather than the zone's pages one after another.
     */
    @Override
    public Optional<ServedRecord> listed(RecordKey key) {
        if (key.hostedZoneId() == null) {
            return Optional.empty();
        }
        return fromZoneListing(key, Priority.SWITCH, budget.waiting() > 0)
                .flatMap(read -> read instanceof ReadOutcome.Served served ? Optional.of(served.record())
                        : Optional.empty());
    }

    /** A read from its zone's latest listing if that is fresh enough; nothing is listed or waited for. */
    private Optional<ReadOutcome> fromFreshListing(RecordKey key) {
        return snapshots.fresh(key.hostedZoneId(), key).map(zone -> served(key, zone.of(key.name(), key.type().name()),
                zone.of(key.ownerName(), RRType.TXT.toString())));
    }

    /** A read from its zone's shared listing (Route53ZoneSnapshots); empty where it must read alone. */
    private Optional<ReadOutcome> fromZoneListing(RecordKey key, Priority priority, boolean mayList) {
        try {
            return snapshots.forRead(key.hostedZoneId(), key, priority, mayList).map(zone -> served(key,
                    zone.of(key.name(), key.type().name()), zone.of(key.ownerName(), RRType.TXT.toString())));
        } catch (Route53Exception e) {
            return Optional.of(failure(e));
        } catch (SdkClientException | IllegalStateException e) {
            return Optional.of(new ReadOutcome.Unavailable("Route 53 not reached: " + e.getMessage()));
        }
    }

    /**
     * The reads of one zone waiting together: one listing for the keys it resolves; the others go again, each alone at
     * its own turn (the zone's other reads are not held up behind them).
     */
    private Batcher.Answer<RecordKey, ReadOutcome> readZone(String hostedZoneId, List<RecordKey> keys,
            Supplier<Priority> priority) {
        try {
            if (keys.size() == 1) {
                return new Batcher.Answer.Each<>(
                        Map.of(keys.get(0), listing.alone(hostedZoneId, keys.get(0), priority)));
            }
            return new Batcher.Answer.Partly<>(listing.together(hostedZoneId, keys, priority));
        } catch (Route53Listing.Partial partial) {
            return afterPartial(keys, partial);
        } catch (Route53Exception e) {
            ReadOutcome failure = failure(e);
            return answered(Map.of(), keys, failure, failure instanceof ReadOutcome.Throttled);
        } catch (SdkClientException | IllegalStateException e) {
            return each(keys, new ReadOutcome.Unavailable("Route 53 not reached: " + e.getMessage()));
        }
    }

    /**
     * A listing that failed after it had read some keys: those keep their reads; the others meet the failure once, as
     * one answer (a throttle slows the budget once), and their passes retry, or, throttled, go again together at the
     * next turn. An interrupt of the sender sends them again.
     */
    private Batcher.Answer<RecordKey, ReadOutcome> afterPartial(List<RecordKey> keys, Route53Listing.Partial partial) {
        ReadOutcome rest;
        if (partial.getCause() instanceof Route53Exception e) {
            rest = failure(e);
        } else if (partial.getCause() instanceof SdkClientException e) {
            rest = new ReadOutcome.Unavailable("Route 53 not reached: " + e.getMessage());
        } else {
            return new Batcher.Answer.Partly<>(partial.resolved);
        }
        return answered(partial.resolved, keys, rest, rest instanceof ReadOutcome.Throttled);
    }

    /**
     * The answer to a call of {@code batch} that answered {@code answered} and met {@code failure} for the rest: a
     * throttle sends the rest again at the budget's next turn (ADR 0022, "A throttled request keeps its place"); any
     * other failure is each one's.
     */
    private static <R, O> Batcher.Answer<R, O> answered(Map<R, O> answered, List<R> batch, O failure,
            boolean throttled) {
        if (throttled) {
            return new Batcher.Answer.Throttled<>(answered, failure);
        }
        Map<R, O> all = new LinkedHashMap<>(answered);
        batch.forEach(request -> all.putIfAbsent(request, failure));
        return new Batcher.Answer.Each<>(all);
    }

    /** A key's read from its record's sets and its ownership record's, as a listing found them. */
    private ReadOutcome served(RecordKey key, List<ResourceRecordSet> found, List<ResourceRecordSet> ownerSets) {
        List<RecordSet> sets = new ArrayList<>();
        for (ResourceRecordSet set : found) {
            sets.add(new RecordSet(set.setIdentifier(), set.weight(), set.ttl() == null ? null : set.ttl().intValue(),
                    values(set),
                    set.aliasTarget() == null ? null : new TargetDns.Alias(set.aliasTarget().hostedZoneId(),
                            set.aliasTarget().dnsName(), set.aliasTarget().evaluateTargetHealth())));
        }
        OwnerRecord mark = ownerRecord(key, ownerSets);
        Optional<String> problem = mark.problem(OWNER_TTL);
        if (problem.isPresent()) {
            return new ReadOutcome.OwnerRecordUnusable(problem.get());
        }
        Optional<String> inTheWay = takeOver.read(key, mark.text(), found);
        if (inTheWay.isPresent()) {
            return new ReadOutcome.OwnerRecordUnusable(inTheWay.get());
        }
        return new ReadOutcome.Served(new ServedRecord(mark.text(), sets, true));
    }

    /** Whether a change is INSYNC, or why that is not known. */
    private record Propagation(boolean insync, ReadOutcome failure) {
    }

    /** Every read asking about one change: one GetChange. */
    private Batcher.Answer<String, Propagation> getChange(String id, List<String> askers, Supplier<Priority> priority) {
        Propagation answer;
        try {
            answer = new Propagation(client.getChange(r -> r.id(id)).changeInfo().status() == ChangeStatus.INSYNC,
                    null);
        } catch (NoSuchChangeException e) {
            // Route 53 no longer knows the change (it keeps them for a limited time): long applied
            answer = new Propagation(true, null);
        } catch (Route53Exception e) {
            ReadOutcome failure = failure(e);
            return answered(Map.of(), askers, new Propagation(false, failure),
                    failure instanceof ReadOutcome.Throttled);
        } catch (SdkClientException | IllegalStateException e) {
            answer = new Propagation(false, new ReadOutcome.Unavailable("Route 53 not reached: " + e.getMessage()));
        }
        return new Batcher.Answer.Each<>(Map.of(id, answer));
    }

    /** The ownership record from its sets: one set with one value normally; several sets count as several values. */
    private static OwnerRecord ownerRecord(RecordKey key, List<ResourceRecordSet> sets) {
        List<String> texts = new ArrayList<>();
        Long ttl = null;
        for (ResourceRecordSet set : sets) {
            ttl = ttl == null ? set.ttl() : ttl;
            set.resourceRecords().forEach(r -> texts.add(unquote(r.value())));
        }
        return new OwnerRecord(key.ownerName(), ttl, texts);
    }

    @Override
    public WriteOutcome write(RecordWrite write) {
        RecordKey key = write.key();
        if (key.hostedZoneId() == null) {
            return new WriteOutcome.Rejected("the group has no dns.hostedZoneId; Route 53 needs it");
        }
        Prepared prepared = prepare(write);
        return prepared instanceof Prepared.Refused refused ? refused.outcome()
                : writes.submit(key.hostedZoneId(), ((Prepared.Ready) prepared).write(), Priority.SWITCH);
    }

    /** The write with the sets it takes over (a group's first write; {@link Route53TakeOver}), or why it is not sent. */
    private Prepared prepare(RecordWrite write) {
        try {
            return takeOver.prepare(write, key -> listing.sets(key.hostedZoneId(), key, () -> Priority.SWITCH));
        } catch (Route53Exception e) {
            return new Prepared.Refused(writeFailure(e));
        } catch (SdkClientException | IllegalStateException e) {
            return new Prepared.Refused(new WriteOutcome.Unavailable("Route 53 not reached: " + e.getMessage()));
        }
    }

    /**
     * The writes of one zone waiting together as one change batch, each write's ownership condition in it: Route 53
     * applies all or none. Refused for some writes' conditions (named in Route 53's messages), those are owner changes
     * and the others go again at once; refused for anything else, each goes again alone.
     */
    private Batcher.Answer<ZoneWrite, WriteOutcome> writeZone(String hostedZoneId, List<ZoneWrite> batch,
            Supplier<Priority> priority) {
        Optional<WriteOutcome> lapsed = LeasedDnsProvider.refusal(lease); // however long the batch waited for its turn
        if (lapsed.isPresent()) {
            return each(batch, lapsed.get());
        }
        List<Change> changes = new ArrayList<>();
        batch.forEach(write -> changes.addAll(changes(write)));
        String comment = batch.size() == 1 ? "failover control plane: epoch " + batch.get(0).write().owner().epoch()
                + " of " + batch.get(0).write().owner().group() : "failover control plane: " + batch.size() + " groups";
        List<String> owners = batch.stream().map(write -> write.write().key().ownerName()).toList();
        snapshots.writing(owners); // no shared listing answers for these records until one began after this write ended
        try {
            ChangeInfo info = client.changeResourceRecordSets(r -> r.hostedZoneId(hostedZoneId).changeBatch(b -> b
                    .comment(comment).changes(changes))).changeInfo();
            Map<ZoneWrite, WriteOutcome> written = new LinkedHashMap<>();
            for (ZoneWrite write : batch) {
                String details = "Route 53 change " + info.id() + " (" + info.statusAsString() + ") in zone "
                        + hostedZoneId + (batch.size() == 1 ? "" : ", one of " + batch.size() + " groups") + ": "
                        + write.write().describe() + (write.replaced().isEmpty() ? "" : "; taken over from "
                                + write.replaced().stream().map(Route53TakeOver::describe).toList());
                LOG.info(details);
                written.put(write, new WriteOutcome.Written(details, info.id()));
            }
            return new Batcher.Answer.Each<>(written);
        } catch (Route53Exception e) {
            String reason = reason(e);
            Map<ZoneWrite, WriteOutcome> stale = new LinkedHashMap<>();
            batch.stream().filter(write -> ownerConflict(e, write.write().key()))
                    .forEach(write -> stale.put(write, new WriteOutcome.OwnerChanged(reason)));
            // a set to take over that someone changed since it was read: read again, then written with what is there
            batch.stream().filter(write -> !stale.containsKey(write) && !write.replaced().isEmpty()
                    && refusedFor(e, write.write().key().name())).forEach(write -> {
                        takeOver.forget(write.write().key());
                        stale.put(write, new WriteOutcome.Unavailable("a set of " + write.write().key().name()
                                + " to take over changed since it was read; read again: " + reason));
                    });
            if (!stale.isEmpty()) {
                return new Batcher.Answer.Refused<>(stale);
            }
            if (throttled(e)) {
                slowDown(e);
                return answered(Map.of(), batch, new WriteOutcome.Throttled(reason), true);
            }
            return passing(e) ? each(batch, new WriteOutcome.Unavailable(reason))
                    : new Batcher.Answer.Unattributed<>(new WriteOutcome.Rejected(reason));
        } catch (SdkClientException | IllegalStateException e) {
            return each(batch, new WriteOutcome.Unavailable("Route 53 not reached: " + e.getMessage()));
        } finally {
            snapshots.written(owners);
        }
    }

    /**
     * A write's share of a change batch's limits: its ResourceRecord elements, or its values' characters in 32nds,
     * whichever is more; an UPSERT's count twice, as Route 53 counts them.
     */
    private int weight(ZoneWrite write) {
        int records = 0;
        int characters = 0;
        for (Change change : changes(write)) {
            ResourceRecordSet set = change.resourceRecordSet();
            int times = change.action() == ChangeAction.UPSERT ? 2 : 1;
            records += times * (set.hasResourceRecords() ? set.resourceRecords().size() : 1);
            characters += times * (set.hasResourceRecords()
                    ? set.resourceRecords().stream().mapToInt(r -> r.value().length()).sum() : 0);
        }
        return Math.max(records, (int) Math.ceil(characters * (double) BATCH_RECORDS / BATCH_VALUE_CHARACTERS));
    }

    private static <R, O> Batcher.Answer<R, O> each(List<R> batch, O outcome) {
        Map<R, O> all = new LinkedHashMap<>();
        batch.forEach(request -> all.put(request, outcome));
        return new Batcher.Answer.Each<>(all);
    }

    /** Requests waiting together now, reads, writes and change checks: what a region's failover queues here. */
    int waiting() {
        return reads.waiting().values().stream().mapToInt(Integer::intValue).sum()
                + writes.waiting().values().stream().mapToInt(Integer::intValue).sum()
                + changes.waiting().values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * A throttle of the account's rate slows this instance's budget; PriorRequestNotComplete (a change to the zone still
     * under way) does not: it is the zone's, not the account's.
     */
    private void slowDown(Route53Exception e) {
        slowDown(budget, e);
    }

    static void slowDown(RequestBudget budget, Route53Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (!"PriorRequestNotComplete".equals(code)) {
            budget.throttled();
        }
    }

    /** Waits for this instance's next turn on the account's budget. */
    private void acquire(Priority priority) {
        if (!budget.acquire(priority)) {
            throw new IllegalStateException("interrupted while waiting for a Route 53 request's turn");
        }
    }

    /** A refused write's outcome; a throttle also slows this instance's budget. */
    private WriteOutcome writeFailure(Route53Exception e) {
        String reason = reason(e);
        if (throttled(e)) {
            slowDown(e);
            return new WriteOutcome.Throttled(reason);
        }
        return passing(e) ? new WriteOutcome.Unavailable(reason) : new WriteOutcome.Rejected(reason);
    }

    /** A refused read's outcome; a throttle also slows this instance's budget. */
    private ReadOutcome failure(Route53Exception e) {
        String reason = reason(e);
        if (throttled(e)) {
            slowDown(e);
            return new ReadOutcome.Throttled(reason);
        }
        return passing(e) ? new ReadOutcome.Unavailable(reason) : new ReadOutcome.Rejected(reason);
    }

    /**
     * The write's own change batch, except that its condition names an ownership value no record can hold (a random one):
     * Route 53 authorizes the request against the batch (the policy's record names, types and actions) and then refuses
     * it as a whole for that condition alone, changing nothing. That refusal is the answer "it would be taken"; an
     * AccessDenied, or an InvalidChangeBatch about anything else (a record not permitted in the zone, a bad value), is the
     * refusal the write would meet.
     */
    @Override
    public java.util.Optional<WriteOutcome> preflight(RecordWrite write) {
        RecordKey key = write.key();
        if (key.hostedZoneId() == null) {
            return java.util.Optional
                    .of(new WriteOutcome.Rejected("the group has no dns.hostedZoneId; Route 53 needs it"));
        }
        Prepared prepared = prepare(write); // a first write's take-over is authorized with it
        if (prepared instanceof Prepared.Refused refused) {
            return java.util.Optional.of(refused.outcome());
        }
        List<Change> changes = new ArrayList<>(changes(((Prepared.Ready) prepared).write()));
        if (write.expectedOwnerText() != null) {
            changes.remove(0); // the condition on the value read, replaced by one that cannot hold
        }
        changes.add(0, txt(ChangeAction.DELETE, key.ownerName(), "failover-preflight " + java.util.UUID.randomUUID()));
        try {
            acquire(Priority.SWITCH);
            ChangeInfo info = client.changeResourceRecordSets(r -> r.hostedZoneId(key.hostedZoneId()).changeBatch(b -> b
                    .comment("failover control plane: preflight of epoch " + write.owner().epoch() + " of "
                            + write.owner().group() + " (refused by design)")
                    .changes(changes))).changeInfo();
            LOG.errorf("Route 53 took a preflight batch meant to be refused (change %s in zone %s)", info.id(),
                    key.hostedZoneId());
            return java.util.Optional.of(new WriteOutcome.Unavailable("Route 53 took a preflight change (" + info.id()
                    + ") that names no existing record; asked again"));
        } catch (Route53Exception e) {
            if (ownerConflict(e, key)) {
                return java.util.Optional.of(new WriteOutcome.Written(
                        "Route 53 authorized the switch's change batch in zone "
                                + key.hostedZoneId()
                                + " and refused it only for the preflight's condition, changing nothing",
                        null));
            }
            return java.util.Optional.of(writeFailure(e));
        } catch (SdkClientException | IllegalStateException e) {
            return java.util.Optional.of(new WriteOutcome.Unavailable("Route 53 not reached: " + e.getMessage()));
        }
    }

    /**
     * The ChangeBatch's changes, in the order they are sent: the ownership mark first, then the sets a first write takes
     * over, then the record's sets.
     */
    List<Change> changes(ZoneWrite zoneWrite) {
        RecordWrite write = zoneWrite.write();
        RecordKey key = write.key();
        List<Change> changes = new ArrayList<>();
        if (write.expectedOwnerText() != null) {
            changes.add(txt(ChangeAction.DELETE, key.ownerName(), write.expectedOwnerText()));
        }
        changes.add(txt(ChangeAction.CREATE, key.ownerName(), write.owner().text()));
        zoneWrite.replaced().forEach(set -> changes.add(Change.builder().action(ChangeAction.DELETE)
                .resourceRecordSet(set).build()));
        for (RecordSet set : write.sets()) {
            ResourceRecordSet.Builder rrs = ResourceRecordSet.builder().name(key.name()).type(key.type().name());
            if (set.setIdentifier() != null) {
                rrs.setIdentifier(set.setIdentifier()).weight(set.weight());
            }
            if (set.alias() != null) {
                rrs.aliasTarget(
                        AliasTarget.builder().hostedZoneId(set.alias().hostedZoneId()).dnsName(set.alias().dnsName())
                                .evaluateTargetHealth(set.alias().evaluateTargetHealth()).build());
            } else {
                rrs.ttl(set.ttl().longValue()).resourceRecords(set.values().stream().sorted()
                        .map(v -> ResourceRecord.builder().value(v).build()).toList());
            }
            // a set of the same identifier deleted above (a failover set named as the target) is created anew: Route
            // 53 documents DELETE and CREATE in one batch as the way to change a set's routing policy
            boolean deletedAbove = zoneWrite.replaced().stream()
                    .anyMatch(r -> Objects.equals(r.setIdentifier(), set.setIdentifier()));
            changes.add(Change.builder().action(deletedAbove ? ChangeAction.CREATE : ChangeAction.UPSERT)
                    .resourceRecordSet(rrs.build()).build());
        }
        return changes;
    }

    /**
     * Whether Route 53 refused the batch because of the ownership record: its DELETE found no such record ("Tried to
     * delete resource record set [name='_failover-owner.api.example.com.', type='TXT'] but it was not found") or another
     * value ("... but the values provided do not match the current values"), or its CREATE found one already there
     * ("Tried to create ... but it already exists"). Route 53 gives nothing but this message to tell these apart from
     * other InvalidChangeBatch errors, so it is read here, at the adapter's boundary, and nowhere else.
     */
    private static boolean ownerConflict(Route53Exception e, RecordKey key) {
        return refusedFor(e, key.ownerName());
    }

    /** Whether Route 53 refused a DELETE or CREATE of a set of {@code name} for what it found there (see above). */
    private static boolean refusedFor(Route53Exception e, String name) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? e.getMessage()
                : e.awsErrorDetails().errorMessage();
        if (e.statusCode() != 400 || (code != null && !code.equals("InvalidChangeBatch"))) {
            return false;
        }
        List<String> refusals = new ArrayList<>();
        if (e instanceof InvalidChangeBatchException invalid && invalid.hasMessages()) {
            refusals.addAll(invalid.messages());
        }
        if (message != null) {
            // one message may list several refusals of one batch: "[Tried to delete ..., Tried to create ...]"
            refusals.addAll(List.of(message.split("(?i)(?=tried to )")));
        }
        Pattern owner = Pattern.compile("(?<![a-z0-9_.-])" + Pattern.quote(Route53Listing.absolute(name)
                .toLowerCase(Locale.ROOT)) + "(?![a-z0-9_-])");
        return refusals.stream().map(r -> r.toLowerCase(Locale.ROOT)).anyMatch(r -> owner.matcher(r).find()
                && (r.contains("but it was not found") || r.contains("do not match the current values")
                        || r.contains("but it already exists")));
    }

    private static Change txt(ChangeAction action, String name, String text) {
        return Change.builder().action(action).resourceRecordSet(ResourceRecordSet.builder().name(name).type(RRType.TXT)
                .ttl(OWNER_TTL).resourceRecords(ResourceRecord.builder().value(quote(text)).build()).build()).build();
    }

    /** A TXT value as Route 53 takes and returns it: in double quotes, with {@code "} and {@code \} escaped. */
    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static Set<String> values(ResourceRecordSet set) {
        Set<String> values = new HashSet<>();
        set.resourceRecords().forEach(r -> values.add(r.value()));
        return values;
    }

    static String unquote(String value) {
        if (value.length() < 2 || !value.startsWith("\"") || !value.endsWith("\"")) {
            return value;
        }
        return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }

    static boolean throttled(Route53Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return (code != null && THROTTLED.contains(code)) || e.statusCode() == 429;
    }

    private static boolean passing(Route53Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return (code != null && PASSING.contains(code)) || e.statusCode() >= 500;
    }

    private static String reason(Route53Exception e) {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? e.getClass().getSimpleName()
                : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? e.getMessage()
                : e.awsErrorDetails().errorMessage();
        return code + " (HTTP " + e.statusCode() + "): " + message;
    }
}
