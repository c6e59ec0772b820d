package dev.failover.actuator.dns;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import dev.failover.actuator.dns.DnsProvider.ReadOutcome;
import dev.failover.actuator.requests.Priority;
import dev.failover.actuator.requests.RequestBudget;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * The reads of one hosted zone's records, several groups' in as few ListResourceRecordSets pages as the zone's order
 * allows (ADR 0022). Route 53 lists names with their labels reversed, then types: a group's record
 * ({@code com.example.api.}) comes before its ownership TXT record ({@code com.example.api._failover-owner.}), so once
 * a listing has shown a set whose name comes after where the group's ownership record is or would be, it has shown all
 * of the group's sets and its mark, or that it has none yet (before the group's first switch). A
 * listing starts at the first key in that order and goes on page by page while it has resolved at least a key a page
 * (so it is never much dearer than a listing per key, and far cheaper where the zone is mostly the groups' records); a
 * key it did not resolve (its ownership record not there yet, or beyond where the listing stopped) is read alone, from
 * its own name, as a single read always was, at a turn of its own.
 * <p>
 * The caller maps Route 53's errors: a call that fails throws.
 */
final class Route53Listing {

    /** Route 53's largest page of ListResourceRecordSets. */
    static final int PAGE = 300;

    /** Route 53's order of names, to pick a listing's start: labels reversed, compared case-blind. */
    static final Comparator<String> ORDER = Comparator.comparing(Route53Listing::reversed);

    private final Route53Client client;
    private final RequestBudget budget;
    private final Reading outcome;

    /** A key's read from what a listing found: its record's sets and its ownership record's, in Route 53's order. */
    @FunctionalInterface
    interface Reading {
        ReadOutcome of(RecordKey key, List<ResourceRecordSet> sets, List<ResourceRecordSet> owner);
    }

    /** @param outcome the provider's reading of what was found: values, the ownership mark and its problems */
    Route53Listing(Route53Client client, RequestBudget budget, Reading outcome) {
        this.client = client;
        this.budget = budget;
        this.outcome = outcome;
    }

    /**
     * The reads of several keys of one hosted zone as one listing, the turn of its first page taken already: the keys it
     * resolved. The others are for the caller to read alone, each at its own turn. A call that fails after some keys
     * were resolved keeps them: {@link Partial} carries them with the failure.
     */
    Map<RecordKey, ReadOutcome> together(String hostedZoneId, List<RecordKey> keys, Supplier<Priority> priority) {
        return together(hostedZoneId, keys, new Turns(priority));
    }

    /** One key's read from its own name, the turn of its first request taken already. */
    ReadOutcome alone(String hostedZoneId, RecordKey key, Supplier<Priority> priority) {
        return alone(hostedZoneId, key, new Turns(priority));
    }

    /** The sets of a key's record alone (not its ownership record), every turn waited for here. */
    List<ResourceRecordSet> sets(String hostedZoneId, RecordKey key, Supplier<Priority> priority) {
        Turns turns = new Turns(priority);
        turns.taken = false;
        return list(hostedZoneId, key.name(), RRType.fromValue(key.type().name()), turns).sets();
    }

    /** A listing that failed after it had resolved {@code resolved}; the failure is the cause. */
    static final class Partial extends RuntimeException {
        final transient Map<RecordKey, ReadOutcome> resolved;

        Partial(Map<RecordKey, ReadOutcome> resolved, RuntimeException cause) {
            super(cause);
            this.resolved = resolved;
        }
    }

    /**
     * The budget's turns of one read's pages: the first taken already (by the batcher), each later one waited for at
     * the priority of what waits for the zone then.
     */
    private final class Turns {
        private final Supplier<Priority> priority;
        private boolean taken = true;

        Turns(Supplier<Priority> priority) {
            this.priority = priority;
        }

        void next() {
            if (taken) {
                taken = false;
            } else if (!budget.acquire(priority)) {
                throw new IllegalStateException("no turn for a Route 53 request (interrupted, or a resync standing"
                        + " aside)");
            }
        }
    }

    private Map<RecordKey, ReadOutcome> together(String hostedZoneId, List<RecordKey> keys, Turns turns) {
        List<Seen> ordered = keys.stream().sorted(Comparator.comparing(RecordKey::name, ORDER)).map(Seen::new).toList();
        Map<String, Seen> byName = new HashMap<>();
        for (Seen seen : ordered) {
            byName.put(absolute(seen.key.name()).toLowerCase(Locale.ROOT) + " " + seen.key.type().name(), seen);
            byName.put(absolute(seen.key.ownerName()).toLowerCase(Locale.ROOT) + " TXT", seen);
        }
        Map<RecordKey, ReadOutcome> resolved = new LinkedHashMap<>();
        int passed = 0; // the keys the listing has gone past: their record and their mark (where there is one) listed
        String startName = absolute(ordered.get(0).key.name());
        RRType startType = RRType.fromValue(ordered.get(0).key.type().name());
        String startIdentifier = null;
        int pages = 0;
        while (true) {
            ListResourceRecordSetsResponse page;
            try {
                page = page(hostedZoneId, startName, startType, startIdentifier, turns);
            } catch (RuntimeException e) {
                if (resolved.isEmpty()) {
                    throw e;
                }
                throw new Partial(resolved, e);
            }
            pages++;
            for (ResourceRecordSet set : page.resourceRecordSets()) {
                String name = absolute(unescape(set.name()));
                // a set after a key's mark in Route 53's order: nothing of that key can follow, marked or not yet
                while (passed < ordered.size() && ORDER.compare(name, ordered.get(passed).key.ownerName()) > 0) {
                    settle(ordered.get(passed++), resolved);
                }
                Seen seen = byName.get(name.toLowerCase(Locale.ROOT) + " " + set.typeAsString());
                if (seen != null) {
                    boolean ownerRecord = set.type() == RRType.TXT
                            && name.equalsIgnoreCase(absolute(seen.key.ownerName()));
                    (ownerRecord ? seen.owner : seen.sets).add(set);
                }
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                while (passed < ordered.size()) { // nothing after: the zone's end
                    settle(ordered.get(passed++), resolved);
                }
                return resolved;
            }
            if (resolved.size() == keys.size() || resolved.size() < pages) {
                return resolved; // all read, or fewer than a key a page: reading the rest alone costs no more
            }
            startName = page.nextRecordName();
            startType = page.nextRecordType();
            startIdentifier = page.nextRecordIdentifier();
        }
    }

    /** A key the listing went past is read, unless its ownership record came without its sets (then it is read alone). */
    private static void settle(Seen seen, Map<RecordKey, ReadOutcome> resolved) {
        if (seen.complete()) {
            resolved.put(seen.key, seen.outcome());
        }
    }

    /** One key's read from its own name: its sets, then its ownership record where the page allows. */
    private ReadOutcome alone(String hostedZoneId, RecordKey key, Turns turns) {
        Listing record = list(hostedZoneId, key.name(), RRType.fromValue(key.type().name()), turns);
        String ownerName = absolute(key.ownerName());
        List<ResourceRecordSet> after = record.after();
        List<ResourceRecordSet> owner = after.stream().filter(set -> is(set, ownerName, RRType.TXT)).toList();
        // the mark is known from this page when the page goes on past where it is or would be, or is the zone's last
        boolean known = record.lastPage()
                || after.stream().anyMatch(set -> ORDER.compare(unescape(set.name()), ownerName) > 0)
                || (!owner.isEmpty() && !is(after.get(after.size() - 1), ownerName, RRType.TXT));
        if (!known) {
            owner = list(hostedZoneId, key.ownerName(), RRType.TXT, turns).sets();
        }
        return outcome.of(key, record.sets(), owner);
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

    /** The sets with exactly this name and type, and what followed them on their last page. */
    private Listing list(String hostedZoneId, String name, RRType type, Turns turns) {
        String wanted = absolute(name);
        List<ResourceRecordSet> found = new ArrayList<>();
        String startName = wanted;
        String startIdentifier = null;
        while (true) {
            ListResourceRecordSetsResponse page = page(hostedZoneId, startName, type, startIdentifier, turns);
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

    private ListResourceRecordSetsResponse page(String hostedZoneId, String name, RRType type, String identifier,
            Turns turns) {
        turns.next();
        return client
                .listResourceRecordSets(r -> r.hostedZoneId(hostedZoneId).startRecordName(name).startRecordType(type)
                        .startRecordIdentifier(identifier).maxItems(String.valueOf(PAGE)));
    }

    /** A key's sets and ownership record as a listing found them. */
    private final class Seen {
        final RecordKey key;
        final List<ResourceRecordSet> sets = new ArrayList<>();
        final List<ResourceRecordSet> owner = new ArrayList<>();

        Seen(RecordKey key) {
            this.key = key;
        }

        /** Whether the listing read it: not when its ownership record came without its sets (a page's start). */
        boolean complete() {
            return !sets.isEmpty() || owner.isEmpty();
        }

        ReadOutcome outcome() {
            return Route53Listing.this.outcome.of(key, sets, owner);
        }
    }

    static boolean is(ResourceRecordSet set, String name, RRType type) {
        return unescape(set.name()).equalsIgnoreCase(name) && set.type() == type;
    }

    static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    /** Route 53 writes some characters of names as octal escapes, "*" as "\052" among them. */
    static String unescape(String name) {
        return name.replace("\\052", "*");
    }

    /**
     * The name as Route 53 sorts it: labels reversed, each followed by a dot ({@code com.example.api.}), compared as
     * ASCII; so {@code api-x.example.com} comes before {@code api.example.com} ("-" is below ".").
     */
    private static String reversed(String name) {
        String[] labels = absolute(name).toLowerCase(Locale.ROOT).split("\\.");
        StringBuilder out = new StringBuilder();
        for (int i = labels.length - 1; i >= 0; i--) {
            out.append(labels[i]).append('.');
        }
        return out.toString();
    }
}
