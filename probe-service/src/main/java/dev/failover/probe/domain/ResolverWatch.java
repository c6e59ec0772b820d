package dev.failover.probe.domain;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.failover.contract.event.DnsAnswer;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ResolverObservation;
import dev.failover.contract.topology.DnsProbe;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Observer;
import dev.failover.contract.topology.RecordType;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;

/**
 * Observed convergence at one location (ADR 0026): every round, each resolver the topology names for this
 * location is asked for every observable group's failover record, and the answer is mapped to the target whose values
 * it holds. An observation is handed on when what the resolver sends clients to changes (another target, another set
 * of addresses in any order, an error or an answer again) and at least every {@link
 * ResolverObservation#REFRESH_SECONDS} s; one not taken (Kafka away) is offered again the next round. Only the groups
 * observers can tell apart are asked for ({@link Observer#observes}), and a provider's server only for the groups with a
 * lane of its provider ({@link Observer#asks}, ADR 0036).
 */
public final class ResolverWatch {

    private static final Duration REFRESH = Duration.ofSeconds(ResolverObservation.REFRESH_SECONDS);

    /** One resolver's answers for one group. */
    private record Key(String group, String observer) {
    }

    /** What was last handed on for a key, to tell a change. */
    private record Sent(String target, List<String> addresses, boolean answered, Instant at) {
    }

    private final String location;
    private final String instance;
    private final Clock clock;
    private final Function<DnsProbe, CompletionStage<Observation>> ask;
    private final Duration timeout;
    private final Map<Key, Sent> sent = new ConcurrentHashMap<>();
    private final Set<Key> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * @param ask     asks one resolver (the dns probe's prober)
     * @param timeout how long a resolver has to answer: at most the round's interval
     */
    public ResolverWatch(String location, String instance, Clock clock,
            Function<DnsProbe, CompletionStage<Observation>> ask,
            Duration timeout) {
        this.location = Objects.requireNonNull(location);
        this.instance = instance;
        this.clock = clock;
        this.ask = ask;
        this.timeout = timeout;
    }

    /** Whether {@code group}'s record can be observed ({@link Observer#observes}). */
    public static boolean observable(FailoverGroup group) {
        return Observer.observes(group);
    }

    /**
     * Asks each of this location's resolvers for each observable group's record, once; {@code publish} is given each
     * observation to hand on and answers whether it took it. Returns when every answer came (or timed out).
     */
    public CompletionStage<Void> round(Topology topology, Predicate<ResolverObservation> publish) {
        List<CompletableFuture<Void>> asked = new ArrayList<>();
        for (Observer observer : topology.observersOf(location)) {
            for (FailoverGroup group : topology.groups()) {
                Key key = new Key(group.id(), observer.name());
                // a provider's server only for the groups written to it (ADR 0036, "Observed convergence per provider")
                if (!observer.asks(group) || !inFlight.add(key)) {
                    continue; // the last question to this resolver is still open: no second one beside it
                }
                asked.add(ask.apply(question(group, observer)).toCompletableFuture()
                        .handle((seen, error) -> observation(group, observer, seen, error))
                        .thenAccept(offer(key, publish))
                        .whenComplete((ok, error) -> inFlight.remove(key)));
            }
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new));
    }

    /** Forgets what was sent for groups and resolvers no longer in the topology. */
    public void retain(Topology topology) {
        Set<Key> keep = new HashSet<>();
        topology.groups()
                .forEach(g -> topology.observersOf(location, g).forEach(o -> keep.add(new Key(g.id(), o.name()))));
        sent.keySet().retainAll(keep);
    }

    private Consumer<ResolverObservation> offer(Key key, Predicate<ResolverObservation> publish) {
        return o -> {
            // in any order: a resolver rotates a record's values (unbound, Route 53), which is no change
            Sent now = new Sent(o.target(), o.answer() == null ? List.of()
                    : o.answer().addresses().stream().sorted().toList(), o.answer() != null, o.observedAt());
            Sent before = sent.get(key);
            boolean changed = before == null || !Objects.equals(before.target(), now.target())
                    || !before.addresses().equals(now.addresses()) || before.answered() != now.answered()
                    || !before.at().plus(REFRESH).isAfter(now.at());
            if (changed && publish.test(o)) {
                sent.put(key, now);
            }
        };
    }

    private DnsProbe question(FailoverGroup group, Observer observer) {
        DnsProbe.AddressType type = group.dns().type() == RecordType.AAAA ? DnsProbe.AddressType.AAAA
                : DnsProbe.AddressType.A;
        int millis = (int) timeout.toMillis();
        return new DnsProbe(group.dns().name(), type, observer.address(), observer.port(), observer.transport(), null,
                null,
                millis, millis, null);
    }

    ResolverObservation observation(FailoverGroup group, Observer observer, Observation seen, Throwable error) {
        Instant at = clock.instant();
        if (error != null) {
            return new ResolverObservation(EventCodec.SCHEMA_VERSION, group.id(), location, observer.name(), null, null,
                    error.toString(), at, instance);
        }
        DnsAnswer answer = seen.dnsAnswer();
        String failure = seen instanceof Observation.Down down && answer == null ? down.reason() + ": " + down.detail()
                : null;
        String target = answer == null || !"NOERROR".equals(answer.rcode()) ? null
                : targetOf(group, answer.addresses()).orElse(null);
        return new ResolverObservation(EventCodec.SCHEMA_VERSION, group.id(), location, observer.name(), answer, target,
                failure, at, instance);
    }

    /** The target every answered address belongs to; empty for no address, or addresses of none or of two targets. */
    static Optional<String> targetOf(FailoverGroup group, List<String> addresses) {
        if (addresses.isEmpty()) {
            return Optional.empty();
        }
        String found = null;
        for (Target target : group.targets()) {
            if (target.dns() == null || target.dns().values().isEmpty()) {
                continue;
            }
            Set<InetAddress> values = new HashSet<>();
            target.dns().values().forEach(v -> parse(v).ifPresent(values::add));
            if (addresses.stream().allMatch(a -> parse(a).filter(values::contains).isPresent())) {
                if (found != null) {
                    return Optional.empty(); // two targets hold these addresses: the answer names neither for sure
                }
                found = target.id();
            }
        }
        return Optional.ofNullable(found);
    }

    /** An IP literal as an address, without a look-up; empty for anything else. */
    private static Optional<InetAddress> parse(String literal) {
        if (literal == null || !literal.matches("[0-9A-Fa-f.:]+")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
