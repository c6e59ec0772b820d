package dev.failover.actuator.dns;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.failover.contract.topology.TargetDns;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.AliasTarget;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
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
 * turn at {@link Route53Settings#requestsPerSecond()}, and a Throttling answer is a distinct outcome that the reconciler
 * backs off from for longer.
 */
public final class Route53DnsProvider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(Route53DnsProvider.class);
    /** Error codes that say "slow down": the account's request budget is spent, or a change to the zone is under way. */
    static final Set<String> THROTTLED = Set.of("Throttling", "ThrottlingException", "PriorRequestNotComplete",
            "TooManyRequestsException", "RequestLimitExceeded");
    /** Error codes that say "not now" rather than "never". */
    static final Set<String> PASSING = Set.of("ServiceUnavailable", "RequestTimeout", "InternalFailure", "InternalError");

    /**
     * TTL of the ownership TXT record. Always the same: Route 53 only DELETEs a record set whose TTL matches too, so a
     * TTL taken from the record's sets would make every write refused after the group's TTL changed.
     */
    static final long OWNER_TTL = 60;

    private final Route53Client client;
    private final Routing routing;
    /** Every API call of this instance waits for its turn here. */
    private final RequestRateLimiter rate;

    public Route53DnsProvider(Route53Client client, Route53Settings settings) {
        this.client = client;
        this.routing = settings.routing() == Route53Settings.Routing.WEIGHTED ? Routing.WEIGHTED : Routing.SINGLE;
        this.rate = new RequestRateLimiter(settings.requestsPerSecond());
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
        if (key.hostedZoneId() == null) {
            return new ReadOutcome.Rejected("the group has no dns.hostedZoneId; Route 53 needs it");
        }
        try {
            String ownerName = key.ownerName() + ".";
            Listing record = list(key, key.name(), RRType.fromValue(key.type().name()));
            List<RecordSet> sets = new ArrayList<>();
            for (ResourceRecordSet set : record.sets()) {
                sets.add(new RecordSet(set.setIdentifier(), set.weight(), set.ttl() == null ? null : set.ttl().intValue(),
                        values(set), set.aliasTarget() == null ? null : new TargetDns.Alias(set.aliasTarget().hostedZoneId(),
                                set.aliasTarget().dnsName(), set.aliasTarget().evaluateTargetHealth())));
            }
            List<ResourceRecordSet> after = record.after();
            List<ResourceRecordSet> owner = after.stream().filter(set -> is(set, ownerName, RRType.TXT)).toList();
            // the mark is known from this page when the page goes on past it, or when it is the zone's last page
            boolean known = record.lastPage() || (!owner.isEmpty() && !is(after.get(after.size() - 1), ownerName, RRType.TXT));
            if (!known) {
                owner = list(key, key.ownerName(), RRType.TXT).sets();
            }
            OwnerRecord mark = ownerRecord(key, owner);
            Optional<String> problem = mark.problem(OWNER_TTL);
            if (problem.isPresent()) {
                return new ReadOutcome.OwnerRecordUnusable(problem.get());
            }
            return new ReadOutcome.Served(new ServedRecord(mark.text(), sets, propagated(pendingChange)));
        } catch (Route53Exception e) {
            String reason = reason(e);
            return throttled(e) ? new ReadOutcome.Throttled(reason)
                    : passing(e) ? new ReadOutcome.Unavailable(reason) : new ReadOutcome.Rejected(reason);
        } catch (SdkClientException e) {
            return new ReadOutcome.Unavailable("Route 53 not reached: " + e.getMessage());
        }
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

    /**
     * What one listing from a name and type found.
     *
     * @param sets     the sets with exactly that name and type
     * @param after    the sets that followed them on the page they ended on, in Route 53's order
     * @param lastPage whether that page was the zone's last (nothing comes after {@code after})
     */
    private record Listing(List<ResourceRecordSet> sets, List<ResourceRecordSet> after, boolean lastPage) {
    }

    /**
     * The sets with exactly this name and type (ListResourceRecordSets starts there and goes on in Route 53's order:
     * names with their labels reversed, then types), and what followed them on their last page.
     */
    private Listing list(RecordKey key, String name, RRType type) {
        String wanted = name + ".";
        List<ResourceRecordSet> found = new ArrayList<>();
        String startName = wanted;
        String startIdentifier = null;
        while (true) {
            String fromName = startName;
            String fromIdentifier = startIdentifier;
            rate.acquire();
            ListResourceRecordSetsResponse page = client.listResourceRecordSets(r -> r.hostedZoneId(key.hostedZoneId())
                    .startRecordName(fromName).startRecordType(type).startRecordIdentifier(fromIdentifier));
            List<ResourceRecordSet> sets = page.resourceRecordSets();
            int i = 0;
            while (i < sets.size() && is(sets.get(i), wanted, type)) {
                found.add(sets.get(i));
                i++;
            }
            boolean truncated = Boolean.TRUE.equals(page.isTruncated());
            // the next page only matters while it still starts with this name and type (more weighted sets of it)
            if (i < sets.size() || !truncated || page.nextRecordName() == null
                    || !unescape(page.nextRecordName()).equalsIgnoreCase(wanted) || page.nextRecordType() != type) {
                return new Listing(found, sets.subList(i, sets.size()), !truncated);
            }
            startName = page.nextRecordName();
            startIdentifier = page.nextRecordIdentifier();
        }
    }

    private static boolean is(ResourceRecordSet set, String name, RRType type) {
        return unescape(set.name()).equalsIgnoreCase(name) && set.type() == type;
    }

    /** Whether the change asked about is INSYNC; no call when there is none. */
    private boolean propagated(Optional<String> pendingChange) {
        if (pendingChange.isEmpty()) {
            return true;
        }
        try {
            rate.acquire();
            return client.getChange(r -> r.id(pendingChange.get())).changeInfo().status() == ChangeStatus.INSYNC;
        } catch (NoSuchChangeException e) {
            // Route 53 no longer knows the change (it keeps them for a limited time): long applied
            return true;
        }
    }

    @Override
    public WriteOutcome write(RecordWrite write) {
        RecordKey key = write.key();
        if (key.hostedZoneId() == null) {
            return new WriteOutcome.Rejected("the group has no dns.hostedZoneId; Route 53 needs it");
        }
        try {
            rate.acquire();
            ChangeInfo info = client.changeResourceRecordSets(r -> r.hostedZoneId(key.hostedZoneId()).changeBatch(b -> b
                    .comment("failover control plane: epoch " + write.owner().epoch() + " of " + write.owner().group())
                    .changes(changes(write)))).changeInfo();
            String details = "Route 53 change " + info.id() + " (" + info.statusAsString() + ") in zone " + key.hostedZoneId()
                    + ": " + write.describe();
            LOG.info(details);
            return new WriteOutcome.Written(details, info.id());
        } catch (Route53Exception e) {
            String reason = reason(e);
            if (ownerConflict(e, key)) {
                return new WriteOutcome.OwnerChanged(reason);
            }
            return throttled(e) ? new WriteOutcome.Throttled(reason)
                    : passing(e) ? new WriteOutcome.Unavailable(reason) : new WriteOutcome.Rejected(reason);
        } catch (SdkClientException e) {
            return new WriteOutcome.Unavailable("Route 53 not reached: " + e.getMessage());
        }
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
            return java.util.Optional.of(new WriteOutcome.Rejected("the group has no dns.hostedZoneId; Route 53 needs it"));
        }
        List<Change> changes = new ArrayList<>(changes(write));
        if (write.expectedOwnerText() != null) {
            changes.remove(0); // the condition on the value read, replaced by one that cannot hold
        }
        changes.add(0, txt(ChangeAction.DELETE, key.ownerName(), "failover-preflight " + java.util.UUID.randomUUID()));
        try {
            rate.acquire();
            ChangeInfo info = client.changeResourceRecordSets(r -> r.hostedZoneId(key.hostedZoneId()).changeBatch(b -> b
                    .comment("failover control plane: preflight of epoch " + write.owner().epoch() + " of "
                            + write.owner().group() + " (refused by design)").changes(changes))).changeInfo();
            LOG.errorf("Route 53 took a preflight batch meant to be refused (change %s in zone %s)", info.id(),
                    key.hostedZoneId());
            return java.util.Optional.of(new WriteOutcome.Unavailable("Route 53 took a preflight change (" + info.id()
                    + ") that names no existing record; asked again"));
        } catch (Route53Exception e) {
            String reason = reason(e);
            if (ownerConflict(e, key)) {
                return java.util.Optional.of(new WriteOutcome.Written("Route 53 authorized the switch's change batch in zone "
                        + key.hostedZoneId() + " and refused it only for the preflight's condition, changing nothing",
                        null));
            }
            return java.util.Optional.of(throttled(e) ? new WriteOutcome.Throttled(reason)
                    : passing(e) ? new WriteOutcome.Unavailable(reason) : new WriteOutcome.Rejected(reason));
        } catch (SdkClientException e) {
            return java.util.Optional.of(new WriteOutcome.Unavailable("Route 53 not reached: " + e.getMessage()));
        }
    }

    /** The ChangeBatch's changes, in the order they are sent: the ownership mark first, then the record's sets. */
    List<Change> changes(RecordWrite write) {
        RecordKey key = write.key();
        List<Change> changes = new ArrayList<>();
        if (write.expectedOwnerText() != null) {
            changes.add(txt(ChangeAction.DELETE, key.ownerName(), write.expectedOwnerText()));
        }
        changes.add(txt(ChangeAction.CREATE, key.ownerName(), write.owner().text()));
        for (RecordSet set : write.sets()) {
            ResourceRecordSet.Builder rrs = ResourceRecordSet.builder().name(key.name()).type(key.type().name());
            if (set.setIdentifier() != null) {
                rrs.setIdentifier(set.setIdentifier()).weight(set.weight());
            }
            if (set.alias() != null) {
                rrs.aliasTarget(AliasTarget.builder().hostedZoneId(set.alias().hostedZoneId()).dnsName(set.alias().dnsName())
                        .evaluateTargetHealth(set.alias().evaluateTargetHealth()).build());
            } else {
                rrs.ttl(set.ttl().longValue()).resourceRecords(set.values().stream().sorted()
                        .map(v -> ResourceRecord.builder().value(v).build()).toList());
            }
            changes.add(Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(rrs.build()).build());
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
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? e.getMessage()
                : e.awsErrorDetails().errorMessage();
        if (e.statusCode() != 400 || message == null || (code != null && !code.equals("InvalidChangeBatch"))) {
            return false;
        }
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains(key.ownerName().toLowerCase(Locale.ROOT) + ".") && (lower.contains("but it was not found")
                || lower.contains("do not match the current values") || lower.contains("but it already exists"));
    }

    private static Change txt(ChangeAction action, String name, String text) {
        return Change.builder().action(action).resourceRecordSet(ResourceRecordSet.builder().name(name).type(RRType.TXT)
                .ttl(OWNER_TTL).resourceRecords(ResourceRecord.builder().value(quote(text)).build()).build()).build();
    }

    /** A TXT value as Route 53 takes and returns it: in double quotes, with {@code "} and {@code \} escaped. */
    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Set<String> values(ResourceRecordSet set) {
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

    /** Route 53 writes some characters of names as octal escapes, "*" as "\052" among them. */
    private static String unescape(String name) {
        return name.replace("\\052", "*");
    }

    private static boolean throttled(Route53Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return (code != null && THROTTLED.contains(code)) || e.statusCode() == 429;
    }

    private static boolean passing(Route53Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return (code != null && PASSING.contains(code)) || e.statusCode() >= 500;
    }

    private static String reason(Route53Exception e) {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? e.getClass().getSimpleName()
                : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? e.getMessage()
                : e.awsErrorDetails().errorMessage();
        return code + " (HTTP " + e.statusCode() + "): " + message;
    }
}
