package dev.failover.actuator.dns;

import java.util.Optional;

import dev.failover.actuator.requests.Priority;

/**
 * One DNS backend, one class each: dry-run, RFC 2136, Route 53, and ARC routing controls ({@code route53-arc}); chosen
 * by {@code failover.dns.provider}, and per group for the topology's groups with an {@code arc} key. A provider does
 * one read and one atomic, conditional write; retries, verification and multi-step changes live in the reconciler
 * (ADR 0006).
 */
public interface DnsProvider {

    /** Short name used in actuation results and metrics: "dry-run", "route53", "rfc2136", "route53-arc". */
    String name();

    /** Whether the provider keeps one record set per target with weights, or the record's single set. */
    Routing routing();

    /**
     * What is served now for the record and its ownership mark.
     *
     * @param pendingChange the {@linkplain WriteOutcome.Written#reference() reference} of the last change written to the
     *                      record that was not yet seen served everywhere, as the group's desired state keeps it (so a
     *                      restarted or new owner asks about it too); the read's {@link ServedRecord#propagated()} says
     *                      whether it is. Empty when there is none; providers without references ignore it.
     */
    ReadOutcome read(RecordKey key, Optional<String> pendingChange);

    /**
     * {@link #read(RecordKey, Optional)} with the request's precedence, for a provider whose API has a budget shared by
     * many groups (Route 53): a group driving a decision before a settled group's resync (ADR 0022).
     */
    default ReadOutcome read(RecordKey key, Optional<String> pendingChange, Priority priority) {
        return read(key, pendingChange);
    }

    /**
     * What a listing of the record's zone taken before this call found, for the first read of a switch that will write
     * the record (ADR 0022, "A switch's first read from the zone's listing"): the write is conditional on the mark read,
     * so a listing a few seconds old costs at most a refused write and a live read after it. It never stands for the
     * read that shows a switch served: the caller reads live when it shows the record as wanted already. Empty where
     * there is none to answer from (a provider without listings, a record written here since the listing began); the
     * caller then reads.
     */
    default Optional<ServedRecord> listed(RecordKey key) {
        return Optional.empty();
    }

    /** Replaces the record's sets and moves the ownership mark in one atomic request, if the mark is still the one read. */
    WriteOutcome write(RecordWrite write);

    /**
     * Asks, changing nothing, whether {@code write} would be taken: before a move fences or promotes a database, which
     * cannot be undone, the switch that must follow is known to be writable (ADR 0020). {@link WriteOutcome.Written}:
     * it would be, as far as the provider can tell without making it (its details say what was checked);
     * {@link WriteOutcome.Rejected}: it would be refused for good (the reason is the provider's); any other outcome: ask
     * again. Empty: this provider cannot ask without writing.
     */
    default java.util.Optional<WriteOutcome> preflight(RecordWrite write) {
        return java.util.Optional.empty();
    }

    /**
     * Whether the provider keeps the ownership mark beside what it switches (a TXT record), read and written with it.
     * ARC routing controls have nowhere to keep one: the reconciler then keeps the mark of each write in the group's
     * signed desired state, and hands it back with every read, so that any instance judges ownership and drift from it
     * (ADR 0014).
     */
    default boolean keepsOwnerRecord() {
        return true;
    }

    enum Routing {
        /** One record set holds the active target's values (RFC 2136, Route 53 simple routing). */
        SINGLE,
        /** One weighted set per target; the active one has weight, the others 0 (Route 53 weighted routing). */
        WEIGHTED,
        /**
         * One switch per target, On for the active one and Off for the others, with no TTL or values of its own (ARC
         * routing controls: the records and their TTL are Route 53's, tied to the controls by health checks). Each set
         * has the target id as its identifier and weight 1 (On) or 0 (Off).
         */
        SWITCHES
    }

    sealed interface ReadOutcome {
        record Served(ServedRecord record) implements ReadOutcome {
        }

        /** Not reachable: the reconciler tries again. */
        record Unavailable(String reason) implements ReadOutcome {
        }

        /**
         * The provider asked to slow down (Route 53's Throttling): the reconciler tries again with the longer backoff of
         * throttling, so that the account's request budget recovers.
         */
        record Throttled(String reason) implements ReadOutcome {
        }

        /**
         * The ownership TXT record is not one a conditional write can be based on (several values, a TTL other than the
         * one the provider writes): every write would be refused as an owner change for ever. The group is blocked until
         * a person fixes the record; the reason names the record, what was found and what to remove or change.
         */
        record OwnerRecordUnusable(String reason) implements ReadOutcome {
        }

        /** Refused for good (access denied, bad key): the group is blocked until the configuration changes. */
        record Rejected(String reason) implements ReadOutcome {
        }

        /**
         * A resync's or a confirmation's read not made: the account's requests go to groups switching now; a settled
         * group's check waits for its next interval, a switched group's confirmation is asked again shortly (ADR 0022,
         * "Resyncs stand aside while switches wait").
         */
        record Deferred(String reason) implements ReadOutcome {
        }
    }

    sealed interface WriteOutcome {
        /**
         * @param reference the provider's id of the change, if it has one (a Route 53 change id): the reconciler keeps it
         *                  in the group's desired state and passes it to the reads until one says it is propagated
         */
        record Written(String details, String reference) implements WriteOutcome {
        }

        /** The ownership mark is no longer the one the write was based on: somebody else wrote; read again. */
        record OwnerChanged(String reason) implements WriteOutcome {
        }

        /** Refused for good: bad change batch, access denied, bad TSIG key. */
        record Rejected(String reason) implements WriteOutcome {
        }

        /** Not reachable, timed out, SERVFAIL: worth trying again. */
        record Unavailable(String reason) implements WriteOutcome {
        }

        /** The provider asked to slow down (Route 53's Throttling): worth trying again, with the throttling backoff. */
        record Throttled(String reason) implements WriteOutcome {
        }
    }
}
