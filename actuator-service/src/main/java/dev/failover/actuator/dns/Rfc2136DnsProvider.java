package dev.failover.actuator.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * RFC 2136 dynamic update signed with TSIG, for BIND, PowerDNS, Knot or Windows DNS: one update message replaces the
 * record set with the active target's values (delete RRset + add, applied atomically by the server). Verification asks
 * the same authoritative server until it answers the new values.
 */
public final class Rfc2136DnsProvider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(Rfc2136DnsProvider.class);

    private final InetSocketAddress server;
    private final TSIG tsig;
    private final String keyName;
    private final Duration timeout;
    private final Duration pollInterval;

    /** @param settings checked by the config resolver */
    public Rfc2136DnsProvider(Rfc2136Settings settings) {
        this.server = new InetSocketAddress(settings.server(), settings.port());
        this.tsig = new TSIG(TSIG.algorithmToName(settings.tsigAlgorithm()), settings.tsigKeyName(), settings.tsigSecret());
        this.keyName = settings.tsigKeyName();
        this.timeout = settings.callTimeout();
        this.pollInterval = settings.pollInterval();
    }

    @Override
    public String name() {
        return "rfc2136";
    }

    @Override
    public ApplyOutcome apply(DnsChange change) {
        if (change.alias() != null) {
            return new ApplyOutcome.Rejected("an alias target is a Route 53 feature; RFC 2136 needs values");
        }
        Update update;
        try {
            Name zone = absolute(change.zone());
            Name name = absolute(change.name());
            int type = Type.value(change.type().name());
            update = new Update(zone);
            update.delete(name, type);
            for (String value : change.values()) {
                update.add(record(name, type, change.ttl(), value));
            }
        } catch (IOException e) {
            return new ApplyOutcome.Rejected("cannot build the update: " + e.getMessage());
        }
        SimpleResolver resolver = resolver(true);
        try {
            Message response = resolver.send(update);
            int rcode = response.getRcode();
            if (rcode == Rcode.NOERROR) {
                String details = "RFC 2136 update signed with TSIG key " + keyName + " accepted by " + server.getHostString() + ":"
                        + server.getPort() + ": " + change.describe();
                LOG.info(details);
                return new ApplyOutcome.Applied(details, null);
            }
            String reason = "server " + server.getHostString() + ":" + server.getPort() + " answered " + Rcode.string(rcode)
                    + (response.getTSIG() != null && response.getTSIG().getError() != 0
                            ? " (TSIG " + Rcode.TSIGstring(response.getTSIG().getError()) + ")" : "");
            return rcode == Rcode.SERVFAIL ? new ApplyOutcome.Unavailable(reason) : new ApplyOutcome.Rejected(reason);
        } catch (IOException e) {
            return new ApplyOutcome.Unavailable("no answer from " + server.getHostString() + ":" + server.getPort() + ": "
                    + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    @Override
    public VerifyOutcome verify(DnsChange change, ApplyOutcome.Applied applied, Duration verifyTimeout) {
        long deadline = System.nanoTime() + verifyTimeout.toNanos();
        Set<String> wanted = change.values().stream().map(Rfc2136DnsProvider::normalise).collect(Collectors.toSet());
        Set<String> seen = Set.of();
        int queries = 0;
        while (true) {
            try {
                queries++;
                seen = answers(change);
                if (seen.equals(wanted)) {
                    return new VerifyOutcome.Verified(server.getHostString() + ":" + server.getPort() + " answers " + change.name()
                            + " " + change.type() + " " + seen + " (query " + queries + ")");
                }
            } catch (IOException e) {
                LOG.debugf("verification query failed: %s", e.getMessage());
            }
            if (System.nanoTime() > deadline) {
                return new VerifyOutcome.NotVerified(server.getHostString() + " still answers " + seen + " for " + change.name()
                        + " after " + verifyTimeout + ", wanted " + wanted);
            }
            sleep(pollInterval);
        }
    }

    /** What the authoritative server answers now for the record. */
    public Set<String> answers(DnsChange change) throws IOException {
        int type = Type.value(change.type().name());
        Message query = Message.newQuery(Record.newRecord(absolute(change.name()), type, DClass.IN));
        Message response = resolver(false).send(query);
        Set<String> values = new HashSet<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == type) {
                values.add(normalise(r.rdataToString()));
            }
        }
        return values;
    }

    private SimpleResolver resolver(boolean signed) {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(true);
        resolver.setTimeout(timeout);
        if (signed) {
            resolver.setTSIGKey(tsig);
        }
        return resolver;
    }

    private static Record record(Name name, int type, int ttl, String value) throws IOException {
        if (type == Type.A) {
            return new ARecord(name, DClass.IN, ttl, InetAddress.getByName(value));
        }
        if (type == Type.AAAA) {
            return new AAAARecord(name, DClass.IN, ttl, InetAddress.getByName(value));
        }
        return new CNAMERecord(name, DClass.IN, ttl, absolute(value));
    }

    private static Name absolute(String name) throws TextParseException {
        return Name.fromString(name.endsWith(".") ? name : name + ".");
    }

    private static String normalise(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        return v.contains(":") ? v : v.endsWith(".") ? v.substring(0, v.length() - 1) : v;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
