package dev.failover.probe.probing;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

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
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.io.DefaultIoClientFactory;
import org.xbill.DNS.io.IoClientFactory;
import org.xbill.DNS.io.TcpIoClient;
import org.xbill.DNS.io.UdpIoClient;

import dev.failover.contract.event.DnsAnswer;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.PhaseTimings;
import dev.failover.contract.topology.DnsProbe;
import dev.failover.probe.domain.Observation;
import dev.failover.probe.domain.Prober;

/**
 * DNS probe: asks one resolver for the name's addresses (dnsjava, UDP or TCP, recursion desired) and judges
 * the answer: UP for NOERROR with an address of the record type (one of {@code expect} when given), DOWN otherwise.
 * The answer goes with the observation either way, so a reader sees what that resolver sends clients to, and for how
 * long it may keep doing so.
 */
public final class DnsProber implements Prober<DnsProbe> {

    /** dnsjava's UDP client: one selector thread for all queries, a socket per query. */
    private static final IoClientFactory UDP = new DefaultIoClientFactory();

    private final Executor resolver;

    /** @param resolver runs the (blocking) look-up of the resolver's own host name, off the scheduling thread */
    public DnsProber(Executor resolver) {
        this.resolver = resolver;
    }

    @Override
    public CompletionStage<Observation> probe(DnsProbe spec, LongConsumer connecting) {
        long start = System.nanoTime();
        String server = (spec.resolver().contains(":") ? "[" + spec.resolver() + "]" : spec.resolver()) + ":"
                + spec.port();
        CompletableFuture<Message> answered = CompletableFuture.supplyAsync(() -> {
            InetSocketAddress address = new InetSocketAddress(spec.resolver(), spec.port());
            if (address.isUnresolved()) {
                throw new java.nio.channels.UnresolvedAddressException();
            }
            return address;
        }, resolver).thenCompose(address -> {
            SimpleResolver ask = new SimpleResolver(address);
            ask.setTCP(spec.transport() == DnsProbe.Transport.TCP);
            ask.setTimeout(Duration.ofMillis(spec.timeoutMillis()));
            // a connection of its own per query over TCP (also for a truncated UDP answer's retry): see OneQueryTcpClient
            OneQueryTcpClient tcp = new OneQueryTcpClient(Duration.ofMillis(spec.connectTimeoutMillis()));
            ask.setIoClientFactory(new IoClientFactory() {
                @Override
                public TcpIoClient createOrGetTcpClient() {
                    return tcp;
                }

                @Override
                public UdpIoClient createOrGetUdpClient() {
                    return UDP.createOrGetUdpClient();
                }
            });
            Message query = Message.newQuery(Record.newRecord(name(spec.name()), type(spec.recordType()), DClass.IN));
            connecting.accept(System.nanoTime());
            // the answer is judged on this prober's executor, not the JVM's common pool (dnsjava's default)
            return ask.sendAsync(query, resolver).toCompletableFuture();
        });
        return answered.orTimeout(spec.timeoutMillis(), TimeUnit.MILLISECONDS).handle((response, error) -> {
            long total = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            PhaseTimings timings = new PhaseTimings(error == null ? total : null, null, null, null, total); // the query: dns
            if (error != null) {
                return new Observation.Down(FailureClassifier.classify(error), "resolver " + server + ": "
                        + FailureClassifier.describe(error), null, timings, null);
            }
            return judge(spec, server, response, timings, total);
        });
    }

    /** The verdict on a response that came after {@code elapsedMillis}, with what it answered. */
    static Observation judge(DnsProbe spec, String server, Message response, PhaseTimings timings, long elapsedMillis) {
        int wanted = type(spec.recordType());
        List<String> addresses = new ArrayList<>();
        List<String> aliases = new ArrayList<>();
        Long ttl = null;
        for (Record record : response.getSection(Section.ANSWER)) {
            // the smallest TTL of the chain: a CNAME on the way is cached for its own TTL, which is what a client of a
            // failover record of type CNAME follows (and what the actuator lowers)
            ttl = ttl == null ? record.getTTL() : Math.min(ttl, record.getTTL());
            if (record instanceof CNAMERecord alias) {
                aliases.add(alias.getTarget().toString());
            } else if (record.getType() == wanted) {
                addresses.add(record instanceof ARecord a ? a.getAddress().getHostAddress()
                        : compressed(((AAAARecord) record).getAddress().getHostAddress()));
            }
        }
        String rcode = Rcode.string(response.getRcode());
        DnsAnswer answer = new DnsAnswer(rcode, addresses, ttl, server);
        String asked = spec.name() + " " + spec.recordType() + " at " + server;
        if (response.getRcode() != Rcode.NOERROR) {
            return new Observation.Down(FailureReason.DNS_FAILURE, asked + ": " + rcode, null, timings, null, answer);
        }
        if (addresses.isEmpty()) {
            return new Observation.Down(FailureReason.UNEXPECTED_ANSWER,
                    asked + ": no " + spec.recordType() + " record ("
                            + (aliases.isEmpty() ? "NOERROR, empty answer"
                                    : "NOERROR, only CNAME to " + String.join(", ", aliases)
                                            + ", not followed by this resolver")
                            + ")",
                    null, timings, null, answer);
        }
        if (!spec.expect().isEmpty() && addresses.stream().noneMatch(a -> expected(spec, a))) {
            return new Observation.Down(FailureReason.UNEXPECTED_ANSWER,
                    asked + ": answered " + addresses + " (TTL " + ttl
                            + " s), none of the expected " + spec.expect(),
                    null, timings, null, answer);
        }
        if (spec.maxLatencyMillis() != null && elapsedMillis > spec.maxLatencyMillis()) {
            return new Observation.Down(FailureReason.TOO_SLOW,
                    asked + ": answered after " + elapsedMillis + " ms, more than "
                            + spec.maxLatencyMillis() + " ms",
                    null, timings, null, answer);
        }
        return new Observation.Up(null, timings, null, answer);
    }

    /** An answered address is expected when it is one of {@code expect}, as addresses (IPv6 in any spelling). */
    private static boolean expected(DnsProbe spec, String address) {
        for (String e : spec.expect()) {
            try {
                if (java.net.InetAddress.getByName(e).equals(java.net.InetAddress.getByName(address))) {
                    return true; // IP literals only (checked by the topology's validation): no look-up happens
                }
            } catch (java.net.UnknownHostException notALiteral) {
                // not reachable for a validated topology
            }
        }
        return false;
    }

    /** An IPv6 address as a person writes it (RFC 5952): the longest run of two or more zero groups as "::". */
    static String compressed(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    private static int type(DnsProbe.AddressType type) {
        return type == DnsProbe.AddressType.AAAA ? Type.AAAA : Type.A;
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
    }
}
