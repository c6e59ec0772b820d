package dev.failover.actuator.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.jboss.logging.Logger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Serial;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.requests.Batcher;
import dev.failover.actuator.requests.Priority;

/**
 * RFC 2136 dynamic update signed with TSIG, for BIND, Knot, PowerDNS or Windows DNS. The read asks the authoritative
 * server (over TCP, signed with the same key) for the record and its ownership TXT record; an answer whose signature
 * does not verify is not believed, for reads and updates alike. The write is one update message whose prerequisite
 * (RFC 2136 §2.4.2 "RRset exists, value dependent", or §2.4.3 "RRset does not exist" for the first write) is the
 * ownership TXT record as it was read; the server applies the whole message atomically or refuses it with NXRRSET or
 * YXRRSET, so a writer with an older view can never overwrite a newer switch (ADR 0006).
 *
 * <p>A change is propagated once every secondary the configuration lists serves it: the write's reference is the zone's
 * SOA serial on the primary right after the update, and a read that asks about it reads each secondary's serial (RFC 1982
 * comparison); one that does not answer, or serves an older serial, keeps the change pending. Secondaries are asked
 * without a signature (they need not hold the update key): at worst a forged answer ends the wait early.
 *
 * <p>Many groups at once — a region's failover — share messages (ADR 0022): the writes to one zone that come
 * while an UPDATE to it is under way go together in the next one, every group's prerequisite and RRsets in it, up to
 * what one message over TCP carries. The server applies it whole or refuses it whole without saying which prerequisite
 * failed; the groups whose ownership record no longer holds what their prerequisite expects are then found by asking
 * for each group's record at once, and answered as owner changes, and the others go again together at once. Reads stay
 * one group at a time: two signed queries each, no zone transfer.
 */
public final class Rfc2136DnsProvider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(Rfc2136DnsProvider.class);

    /** The reference of a change written when the primary's serial could not be read right after. */
    private static final String UNKNOWN_SERIAL = "serial-unknown";

    /**
     * The most bytes of groups one UPDATE carries: a message over TCP (how every update is sent) holds 65,535; the rest
     * is room for the header, the zone section and the TSIG record. Each group counts its records uncompressed
     * ({@link #uncompressed}), so that the batch's message is never larger than the sum: name compression only shortens
     * names, and only within the first 16,383 bytes of a message can a pointer reach them, so a group later in a large
     * message carries its names almost whole however short they were in a message of its own.
     */
    static final int UPDATE_BYTES = 64_000;

    private final InetSocketAddress server;
    private final TSIG tsig;
    private final String keyName;
    private final Duration timeout;
    private final List<Rfc2136Settings.Server> secondaries;
    /**
     * Writes to one zone that come while an UPDATE to it is under way go in the next one together. No budget:
     * a server takes updates as fast as it applies them, so a lone write goes at once.
     */
    private final Batcher<String, GroupUpdate, WriteOutcome> writes;
    /** Asked right before an UPDATE is sent, however long its writes waited behind another. */
    private final Lease lease;

    /**
     * @param lease asked right before each UPDATE is sent: a write that waited behind another UPDATE while the lease
     *              lapsed is not sent (ADR 0022)
     */
    public Rfc2136DnsProvider(Rfc2136Settings settings, Lease lease) {
        this.lease = lease;
        this.server = new InetSocketAddress(settings.server(), settings.port());
        this.tsig = new TSIG(TSIG.algorithmToName(settings.tsigAlgorithm()), settings.tsigKeyName(),
                settings.tsigSecret());
        this.keyName = settings.tsigKeyName();
        this.timeout = settings.callTimeout();
        this.secondaries = settings.secondaries();
        // no budget to wait for; a sender interrupted meanwhile sends no more (its I/O would fail the whole batch)
        this.writes = new Batcher<>(this::writeZone, priority -> !Thread.currentThread().isInterrupted(), UPDATE_BYTES,
                GroupUpdate::bytes,
                update -> update.write().key().ownerName().toLowerCase(Locale.ROOT),
                why -> new WriteOutcome.Unavailable("not sent to " + where() + ": " + why));
    }

    /**
     * One group's part of an UPDATE, checked on its caller's thread: a write that cannot be put into a message is
     * refused to its caller alone, never to a batch.
     *
     * @param bytes its records' length uncompressed: a bound on its share of any UPDATE, wherever in it they fall
     */
    private record GroupUpdate(RecordWrite write, int bytes) {
    }

    @Override
    public String name() {
        return "rfc2136";
    }

    @Override
    public Routing routing() {
        return Routing.SINGLE;
    }

    @Override
    public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
        try {
            int type = Type.value(key.type().name());
            Name name = absolute(key.name());
            Message answer = query(name, type);
            if (!believed(answer)) {
                return new ReadOutcome.Unavailable(notBelieved(answer));
            }
            if (answer.getRcode() != Rcode.NOERROR && answer.getRcode() != Rcode.NXDOMAIN) {
                return unreadable(answer.getRcode());
            }
            Set<String> values = new HashSet<>();
            Integer ttl = null;
            for (Record r : answer.getSection(Section.ANSWER)) {
                // only the record's own name: for a name that is now a CNAME, the answer goes on with its target's records
                if (r.getType() == type && r.getName().equals(name)) {
                    values.add(r instanceof AAAARecord ? ipv6Text(r.rdataToWireCanonical()) : r.rdataToString());
                    ttl = (int) r.getTTL();
                }
            }
            Name ownerName = absolute(key.ownerName());
            Message owner = query(ownerName, Type.TXT);
            if (!believed(owner)) {
                return new ReadOutcome.Unavailable(notBelieved(owner));
            }
            if (owner.getRcode() != Rcode.NOERROR && owner.getRcode() != Rcode.NXDOMAIN) {
                return unreadable(owner.getRcode());
            }
            List<String> ownerTexts = new ArrayList<>();
            Long ownerTtl = null;
            for (Record r : owner.getSection(Section.ANSWER)) {
                if (r instanceof TXTRecord txt && r.getName().equals(ownerName)) {
                    ownerTexts.add(String.join("", txt.getStrings()));
                    ownerTtl = r.getTTL();
                }
            }
            // the prerequisite compares the TXT values only (RFC 2136 §2.4.2, TTL 0): any TTL will do, but exactly one value
            OwnerRecord mark = new OwnerRecord(key.ownerName(), ownerTtl, ownerTexts);
            Optional<String> problem = mark.problem(null);
            if (problem.isPresent()) {
                return new ReadOutcome.OwnerRecordUnusable(problem.get());
            }
            List<RecordSet> sets = values.isEmpty() ? List.of() : List.of(RecordSet.simple(ttl, values));
            return new ReadOutcome.Served(new ServedRecord(mark.text(), sets, propagated(key, pendingChange)));
        } catch (IOException e) {
            return new ReadOutcome.Unavailable("no answer from " + where() + ": " + e.getClass().getSimpleName() + " "
                    + e.getMessage());
        }
    }

    /**
     * Whether every secondary serves the zone at the pending change's serial or later; no call when there is no pending
     * change. A reference that is not a serial ({@link #UNKNOWN_SERIAL}, or another provider's change id kept across a
     * change of provider) waits for the serial the primary has now, which is at least the write's.
     */
    private boolean propagated(RecordKey key, Optional<String> pendingChange) throws IOException {
        if (pendingChange.isEmpty() || secondaries.isEmpty()) {
            return true;
        }
        long wanted;
        try {
            wanted = Long.parseLong(pendingChange.get());
        } catch (NumberFormatException unknownSerial) {
            Optional<Long> now = primarySerial(absolute(key.zone()));
            if (now.isEmpty()) {
                return false;
            }
            wanted = now.get();
        }
        for (Rfc2136Settings.Server secondary : secondaries) {
            Optional<Long> served;
            try {
                served = serial(secondaryResolver(secondary), absolute(key.zone()));
            } catch (IOException e) {
                LOG.debugf("secondary %s did not answer for %s: %s", secondary, key.zone(), e.toString());
                return false;
            }
            if (served.isEmpty() || Serial.compare(served.get(), wanted) < 0) {
                LOG.debugf("secondary %s serves %s at serial %s, not yet %d", secondary, key.zone(), served, wanted);
                return false;
            }
        }
        return true;
    }

    /** The zone's SOA serial as {@code resolver}'s server answers it; empty unless it answers one. */
    private static Optional<Long> serial(SimpleResolver resolver, Name zone) throws IOException {
        return serialOf(resolver.send(Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN))), zone);
    }

    private static Optional<Long> serialOf(Message answer, Name zone) {
        if (answer.getRcode() != Rcode.NOERROR) {
            return Optional.empty();
        }
        return answer.getSection(Section.ANSWER).stream()
                .filter(r -> r instanceof SOARecord && r.getName().equals(zone))
                .map(r -> ((SOARecord) r).getSerial()).findFirst();
    }

    /**
     * The reference of a written change when there are secondaries to wait for: the zone's serial on the primary now
     * (signed, believed), or {@link #UNKNOWN_SERIAL}, which {@link #propagated} resolves at each read.
     */
    private String serialAfterWrite(String zone) {
        if (secondaries.isEmpty()) {
            return null;
        }
        try {
            return primarySerial(absolute(zone)).map(String::valueOf).orElse(UNKNOWN_SERIAL);
        } catch (IOException e) {
            LOG.debugf("the serial of %s after the update could not be read: %s", zone, e.toString());
            return UNKNOWN_SERIAL;
        }
    }

    /** The zone's serial as the primary answers it, signed with the key; empty unless the answer is believed. */
    private Optional<Long> primarySerial(Name zone) throws IOException {
        Message answer = resolver().send(Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN)));
        return answer.isVerified() ? serialOf(answer, zone) : Optional.empty();
    }

    private ReadOutcome unreadable(int rcode) {
        String reason = where() + " answered " + Rcode.string(rcode);
        return rcode == Rcode.REFUSED || rcode == Rcode.NOTAUTH ? new ReadOutcome.Rejected(reason)
                : new ReadOutcome.Unavailable(reason);
    }

    /**
     * An update message with the write's prerequisite on the ownership record and no update at all, signed with the key:
     * NOERROR shows the server answers as the zone's primary, verifies the key, and that the zone's allow-update lets
     * the key update it. A server that grants by name (BIND's update-policy, Knot's update-owner) checks each update
     * record against its grants, and this message has none: those grants are checked by the write only.
     */
    @Override
    public java.util.Optional<WriteOutcome> preflight(RecordWrite write) {
        RecordKey key = write.key();
        Update update;
        try {
            Name ownerName = absolute(key.ownerName());
            update = new Update(absolute(key.zone()));
            if (write.expectedOwnerText() == null) {
                update.absent(ownerName, Type.TXT);
            } else {
                update.present(new TXTRecord(ownerName, DClass.IN, 0, write.expectedOwnerText()));
            }
        } catch (IOException | IllegalArgumentException e) {
            return java.util.Optional.of(new WriteOutcome.Rejected("cannot build the update: " + e.getMessage()));
        }
        WriteOutcome outcome = send(update, "a conditional update with no change, signed with TSIG key " + keyName
                + ", accepted by " + where() + ": the server is the zone's primary and takes the key's updates");
        return java.util.Optional.of(outcome instanceof WriteOutcome.OwnerChanged changed ? ownerChanged(changed, key)
                : outcome);
    }

    @Override
    public WriteOutcome write(RecordWrite write) {
        if (write.sets().size() != 1 || write.sets().get(0).alias() != null) {
            return new WriteOutcome.Rejected(
                    "RFC 2136 keeps one record set of values; weighted sets and aliases are Route 53"
                            + " features");
        }
        String zone;
        int bytes;
        try {
            zone = absolute(write.key().zone()).toString().toLowerCase(Locale.ROOT);
            Update alone = new Update(absolute(write.key().zone()));
            addGroup(alone, write);
            bytes = uncompressed(alone);
        } catch (IOException | IllegalArgumentException e) {
            return new WriteOutcome.Rejected("cannot build the update: " + e.getMessage());
        }
        return writes.submit(zone, new GroupUpdate(write, bytes), Priority.SWITCH);
    }

    /** The length of an update's prerequisites and updates with every name written whole (no compression pointer). */
    private static int uncompressed(Update update) {
        int bytes = 0;
        for (int section : new int[] { Section.PREREQ, Section.UPDATE }) {
            for (Record r : update.getSection(section)) {
                bytes += r.toWireCanonical().length; // canonical: names whole (lower case, the same length)
            }
        }
        return bytes;
    }

    /**
     * A group's part of an UPDATE: the prerequisite on its ownership record (RFC 2136 §2.4.2, or §2.4.3 for a first
     * write), the record's new RRset, and the ownership record's new value.
     */
    private static void addGroup(Update update, RecordWrite write) throws IOException {
        RecordKey key = write.key();
        Name name = absolute(key.name());
        Name ownerName = absolute(key.ownerName());
        int type = Type.value(key.type().name());
        RecordSet set = write.sets().get(0);
        if (write.expectedOwnerText() == null) {
            update.absent(ownerName, Type.TXT);
        } else {
            update.present(new TXTRecord(ownerName, DClass.IN, 0, write.expectedOwnerText()));
        }
        update.delete(name, type);
        for (String value : set.values()) {
            update.add(record(name, type, set.ttl(), value));
        }
        update.delete(ownerName, Type.TXT);
        update.add(new TXTRecord(ownerName, DClass.IN, set.ttl(), write.owner().text()));
    }

    /**
     * The writes of one zone waiting together as one UPDATE, each group's prerequisite in it: the server applies all or
     * none. Refused for a prerequisite, the groups whose ownership record no longer holds what they expect are named
     * ({@link #offenders}) and the others go again at once; refused for anything else, each goes again alone.
     */
    private Batcher.Answer<GroupUpdate, WriteOutcome> writeZone(String zone, List<GroupUpdate> batch,
            Supplier<Priority> priority) {
        Update update;
        try {
            update = new Update(absolute(zone));
            for (GroupUpdate group : batch) {
                addGroup(update, group.write());
            }
        } catch (IOException | IllegalArgumentException e) {
            return new Batcher.Answer.Unattributed<>(
                    new WriteOutcome.Rejected("cannot build the update: " + e.getMessage()));
        }
        String accepted = "RFC 2136 update signed with TSIG key " + keyName + " accepted by " + where()
                + (batch.size() == 1 ? "" : " (one message for " + batch.size() + " groups)") + ": ";
        Optional<WriteOutcome> lapsed = LeasedDnsProvider.refusal(lease); // however long the batch waited behind another
        if (lapsed.isPresent()) {
            return each(batch, lapsed.get());
        }
        WriteOutcome outcome = send(update, "");
        if (outcome instanceof WriteOutcome.Written) {
            String serial = serialAfterWrite(zone);
            Map<GroupUpdate, WriteOutcome> written = new LinkedHashMap<>();
            for (GroupUpdate group : batch) {
                String details = accepted + group.write().describe();
                LOG.info(details);
                written.put(group, serial == null ? new WriteOutcome.Written(details, null)
                        : new WriteOutcome.Written(details + "; zone serial " + serial + " awaited on " + secondaries,
                                serial));
            }
            return new Batcher.Answer.Each<>(written);
        }
        if (outcome instanceof WriteOutcome.OwnerChanged changed) {
            if (batch.size() == 1) {
                return each(batch, ownerChanged(changed, batch.get(0).write().key()));
            }
            Map<GroupUpdate, WriteOutcome> offenders = offenders(batch, changed.reason());
            return offenders.isEmpty() ? new Batcher.Answer.Unattributed<>(changed)
                    : new Batcher.Answer.Refused<>(offenders);
        }
        if (outcome instanceof WriteOutcome.Rejected && batch.size() > 1) {
            // a name the key may not update (update-policy), a record the server will not take: one group's, alone
            return new Batcher.Answer.Unattributed<>(outcome);
        }
        return each(batch, outcome);
    }

    private static Batcher.Answer<GroupUpdate, WriteOutcome> each(List<GroupUpdate> batch, WriteOutcome outcome) {
        Map<GroupUpdate, WriteOutcome> all = new LinkedHashMap<>();
        batch.forEach(group -> all.put(group, outcome));
        return new Batcher.Answer.Each<>(all);
    }

    private static WriteOutcome.OwnerChanged ownerChanged(WriteOutcome.OwnerChanged refused, RecordKey key) {
        return new WriteOutcome.OwnerChanged(refused.reason() + ": the ownership record of " + key.name()
                + " is no longer the one read");
    }

    /**
     * The groups of a batch the server refused for a prerequisite (NXRRSET, YXRRSET: it does not say which) whose
     * ownership record does not hold now what their prerequisite expects: every group's TXT record asked for at once,
     * signed, so that finding them costs one round trip, not one UPDATE per group. A group named has a record another
     * writer changed, so its own write would be refused too; a group whose record could not be read, or still holds what
     * it expects, is not named. None named: the caller sends each group again alone.
     */
    private Map<GroupUpdate, WriteOutcome> offenders(List<GroupUpdate> batch, String reason) {
        SimpleResolver resolver = resolver();
        Map<GroupUpdate, CompletableFuture<Message>> asked = new LinkedHashMap<>();
        for (GroupUpdate group : batch) {
            try {
                asked.put(group, resolver.sendAsync(Message.newQuery(Record.newRecord(absolute(group.write().key()
                        .ownerName()), Type.TXT, DClass.IN))).toCompletableFuture());
            } catch (TextParseException e) {
                LOG.debugf("the ownership record of %s cannot be asked for: %s", group.write().key().name(),
                        e.toString());
            }
        }
        Map<GroupUpdate, WriteOutcome> offenders = new LinkedHashMap<>();
        for (Map.Entry<GroupUpdate, CompletableFuture<Message>> question : asked.entrySet()) {
            RecordWrite write = question.getKey().write();
            Optional<List<String>> held = ownerTexts(question.getValue(), write.key());
            boolean holds = held.isEmpty() || (write.expectedOwnerText() == null ? held.get().isEmpty()
                    : held.get().equals(List.of(write.expectedOwnerText())));
            if (!holds) {
                offenders.put(question.getKey(), new WriteOutcome.OwnerChanged(reason + ": the ownership record of "
                        + write.key().name() + " is no longer the one read (it holds " + held.get() + ")"));
            }
        }
        return offenders;
    }

    /** The ownership record's values as a signed answer gives them; empty when there is no believed answer. */
    private Optional<List<String>> ownerTexts(CompletableFuture<Message> asked, RecordKey key) {
        try {
            Message answer = asked.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!answer.isVerified() || (answer.getRcode() != Rcode.NOERROR && answer.getRcode() != Rcode.NXDOMAIN)) {
                return Optional.empty();
            }
            Name ownerName = absolute(key.ownerName());
            List<String> texts = new ArrayList<>();
            for (Record r : answer.getSection(Section.ANSWER)) {
                if (r instanceof TXTRecord txt && r.getName().equals(ownerName)) {
                    texts.add(String.join("", txt.getStrings()));
                }
            }
            return Optional.of(texts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | TextParseException e) {
            LOG.debugf("the ownership record of %s was not read after a refused update: %s", key.name(), e.toString());
            return Optional.empty();
        }
    }

    /** Sends an update and reads its answer: {@code accepted} is the details of a NOERROR. */
    private WriteOutcome send(Update update, String accepted) {
        try {
            Message response = resolver().send(update);
            if (!believed(response)) {
                // maybe applied, maybe not: the next read (signed too) says which
                return new WriteOutcome.Unavailable(notBelieved(response));
            }
            int rcode = response.getRcode();
            if (rcode == Rcode.NOERROR) {
                return new WriteOutcome.Written(accepted, null);
            }
            String reason = where() + " answered " + Rcode.string(rcode) + (response.getTSIG() != null
                    && response.getTSIG().getError() != 0
                            ? " (TSIG " + Rcode.TSIGstring(response.getTSIG().getError()) + ")" : "");
            if (rcode == Rcode.NXRRSET || rcode == Rcode.YXRRSET) {
                return new WriteOutcome.OwnerChanged(reason);
            }
            return rcode == Rcode.SERVFAIL ? new WriteOutcome.Unavailable(reason) : new WriteOutcome.Rejected(reason);
        } catch (IOException e) {
            return new WriteOutcome.Unavailable("no answer from " + where() + ": " + e.getClass().getSimpleName() + " "
                    + e.getMessage());
        }
    }

    /** Writes waiting for an UPDATE under way, all zones; for the tests. */
    int waiting() {
        return writes.waiting().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Reads are signed too, so that their answers can be verified: what is served is only believed from the server. */
    private Message query(Name name, int type) throws IOException {
        return resolver().send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
    }

    /**
     * Whether an answer comes from the server that holds the key: its TSIG signature verifies. A refusal (REFUSED,
     * NOTAUTH) may come unsigned — the server cannot sign with a key it does not accept — and is believed: at worst it
     * blocks the group until an operator looks.
     */
    private static boolean believed(Message response) {
        int rcode = response.getRcode();
        return response.isVerified() || rcode == Rcode.REFUSED || rcode == Rcode.NOTAUTH;
    }

    private String notBelieved(Message response) {
        return "the answer of " + where() + " (" + Rcode.string(response.getRcode()) + ") is not signed with TSIG key "
                + keyName + (response.isSigned() ? " (its signature does not verify)" : "") + ": not believed";
    }

    private String where() {
        return server.getHostString() + ":" + server.getPort();
    }

    /** Over TCP, every message signed with the key; dnsjava verifies the answer's signature ({@link #believed}). */
    private SimpleResolver resolver() {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(true);
        resolver.setTimeout(timeout);
        resolver.setTSIGKey(tsig);
        return resolver;
    }

    /** A secondary is asked over TCP without a signature: it need not hold the update key. */
    private SimpleResolver secondaryResolver(Rfc2136Settings.Server secondary) {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(secondary.host(), secondary.port()));
        resolver.setTCP(true);
        resolver.setTimeout(timeout);
        return resolver;
    }

    /** An address record from an address literal; never a name lookup (InetAddress.getByName would resolve a name). */
    private static Record record(Name name, int type, int ttl, String value) throws IOException {
        if (type == Type.A) {
            return new ARecord(name, DClass.IN, ttl, Address.getByAddress(value, Address.IPv4));
        }
        if (type == Type.AAAA) {
            return new AAAARecord(name, DClass.IN, ttl, Address.getByAddress(value, Address.IPv6));
        }
        return new CNAMERecord(name, DClass.IN, ttl, absolute(value));
    }

    /**
     * An IPv6 address in the text form of RFC 5952 (lower case, leading zeros dropped, the longest run of two or more
     * zero groups as "::"), the form addresses are written in: dnsjava prints every group ("2001:db8:0:0:0:0:0:1"),
     * which would never equal the "2001:db8::1" of the topology, so the record would look unserved for ever.
     */
    static String ipv6Text(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
            i += length;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static Name absolute(String name) throws TextParseException {
        return Name.fromString(name.endsWith(".") ? name : name + ".");
    }
}
