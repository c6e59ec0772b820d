package dev.failover.probe.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Dependency;
import dev.failover.contract.topology.DnsProbe;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.HttpProbe;
import dev.failover.contract.topology.ProbeSpec;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.TcpProbe;

/**
 * Runs the probe of one target, or of one of its dependencies, and labels what it saw with the group, target (and
 * dependency) and this location — as evidence, or as this location's own impairment when it could not probe on time
 * ({@link Attribution}). At most {@code maxInFlight} probes run at once, dependencies included: past that a probe is
 * refused at once, rather than queued until it times out.
 */
public final class TargetProbe {

    /** No connect attempt yet. */
    private static final long NOT_CONNECTING = Long.MIN_VALUE;
    /**
     * Only a hold-up in the last moments of a probe can have made a timing failure: after an earlier one the loop works
     * off what it queued (a response that came meanwhile included) long before the deadline. A second covers that backlog
     * with room, and keeps a pause early in a long timeout (a hung target at 8 s) from excusing a real TIMEOUT.
     */
    private static final long LAG_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * @param maxInFlight   probes running at once, at most
     * @param maxStartDelay start-delay bound; empty: a quarter of each target's interval
     * @param maxLoopLag    event-loop hold-up beyond which a timing failure is CPU_STARVED
     */
    public record Limits(int maxInFlight, Optional<Duration> maxStartDelay, Duration maxLoopLag) {

        Attribution.Bounds boundsOf(ProbeSpec probe) {
            return new Attribution.Bounds(
                    maxStartDelay.orElse(Duration.ofSeconds(probe.intervalSeconds()).dividedBy(4)), maxLoopLag);
        }
    }

    /**
     * What one probe is about: a target, or one of its dependencies. A dependency is probed by its own spec, but its
     * results keep the group, target and region of the target it belongs to, with {@link ProbeResult#dependency()} set.
     *
     * @param dependency null for the target itself
     */
    public record Subject(FailoverGroup group, Target target, Dependency dependency) {

        public static Subject of(FailoverGroup group, Target target) {
            return new Subject(group, target, null);
        }

        /** The target itself, then each of its dependencies. */
        public static Stream<Subject> allOf(FailoverGroup group, Target target) {
            return Stream.concat(Stream.of(of(group, target)),
                    target.dependencies().stream().map(d -> new Subject(group, target, d)));
        }

        public ProbeSpec probe() {
            return dependency == null ? target.probe() : dependency.probe();
        }

        /** null for the target itself. */
        public String dependencyId() {
            return dependency == null ? null : dependency.id();
        }

        ProbeResult label(ProbeResult ofTarget) {
            return dependency == null ? ofTarget : ofTarget.forDependency(dependency.id());
        }

        @Override
        public String toString() {
            return group.id() + "/" + target.id() + (dependency == null ? "" : " dependency " + dependency.id());
        }
    }

    /**
     * A published result with the probe's real start delay.
     *
     * @param startDelay from the scheduled tick to the start of the connect attempt; null when there was none
     */
    public record Probed(ProbeResult result, Duration startDelay) {
    }

    private final Prober<HttpProbe> http;
    private final Prober<TcpProbe> tcp;
    private final Prober<DnsProbe> dns;
    private final Clock clock;
    private final String location;
    private final BooleanSupplier selfCheckFailed;
    private final LoopLag loopLag;
    private final Limits limits;
    private final Semaphore inFlight;

    /** @param selfCheckFailed whether this location's own self-check currently fails */
    public TargetProbe(Prober<HttpProbe> http, Prober<TcpProbe> tcp, Prober<DnsProbe> dns,
            Clock clock, String location, BooleanSupplier selfCheckFailed, LoopLag loopLag, Limits limits) {
        this.http = http;
        this.tcp = tcp;
        this.dns = dns;
        this.clock = clock;
        this.location = location;
        this.selfCheckFailed = selfCheckFailed;
        this.loopLag = loopLag;
        this.limits = limits;
        this.inFlight = new Semaphore(limits.maxInFlight());
    }

    /** Probes the target itself. */
    public CompletionStage<Probed> run(FailoverGroup group, Target target, long tickNanos) {
        return run(Subject.of(group, target), tickNanos);
    }

    /** @param tickNanos the {@link System#nanoTime()} this probe was scheduled for */
    public CompletionStage<Probed> run(Subject subject, long tickNanos) {
        FailoverGroup group = subject.group();
        Target target = subject.target();
        Attribution.Bounds bounds = limits.boundsOf(subject.probe());
        Instant startedAt = clock.instant();
        long start = System.nanoTime();
        if (!inFlight.tryAcquire()) {
            boolean impaired = selfCheckFailed.getAsBoolean();
            Attribution.Verdict refused = Attribution.of(new Attempt.Refused(), impaired, bounds);
            ProbeResult notProbed = ProbeResult
                    .of(group.id(), target.id(), target.region(), location, startedAt, refused.outcome())
                    .durationMillis(0L).locationImpaired(impaired).impairment(refused.impairment())
                    .detail("not probed: " + limits.maxInFlight() + " probes of this location already in flight")
                    .build();
            return CompletableFuture.completedFuture(new Probed(subject.label(notProbed), null));
        }
        AtomicLong connectingAt = new AtomicLong(NOT_CONNECTING);
        return subject.probe()
                .match(spec -> http.probe(spec, connectingAt::set), spec -> tcp.probe(spec, connectingAt::set),
                        spec -> dns.probe(spec, connectingAt::set))
                .whenComplete((observation, error) -> inFlight.release())
                .thenApply(observation -> {
                    long end = System.nanoTime();
                    long connecting = connectingAt.get();
                    Duration startDelay = connecting == NOT_CONNECTING ? null
                            : Duration.ofNanos(Math.max(0, connecting - tickNanos));
                    boolean impaired = selfCheckFailed.getAsBoolean();
                    Attribution.Verdict verdict = Attribution.of(new Attempt.Made(observation, startDelay,
                            loopLag.worstBetween(Math.max(start, end - LAG_WINDOW_NANOS), end)), impaired, bounds);
                    long durationMillis = TimeUnit.NANOSECONDS.toMillis(end - start);
                    ProbeResult result = switch (verdict.outcome()) {
                        case UP -> ProbeResult
                                .of(group.id(), target.id(), target.region(), location, startedAt, ProbeOutcome.UP)
                                .durationMillis(durationMillis).httpStatus(observation.httpStatus())
                                .timings(observation.timings()).locationImpaired(impaired)
                                .tlsDaysToExpiry(observation.tlsDaysToExpiry()).build();
                        case DOWN, UNKNOWN -> {
                            Observation.Down down = (Observation.Down) observation;
                            yield ProbeResult
                                    .of(group.id(), target.id(), target.region(), location, startedAt,
                                            verdict.outcome())
                                    .durationMillis(durationMillis).failureReason(down.reason())
                                    .httpStatus(down.httpStatus())
                                    .timings(down.timings()).locationImpaired(impaired)
                                    .tlsDaysToExpiry(down.tlsDaysToExpiry())
                                    .detail(verdict.impairment() == null ? down.detail()
                                            : why(verdict.impairment(), startDelay, bounds) + "; saw: " + down.detail())
                                    .impairment(verdict.impairment()).build();
                        }
                    };
                    if (observation.dnsAnswer() != null) {
                        result = result.withDnsAnswer(observation.dnsAnswer());
                    }
                    return new Probed(subject.label(result), startDelay);
                });
    }

    private static String why(LocationImpairment impairment, Duration startDelay, Attribution.Bounds bounds) {
        return switch (impairment) {
            case LATE_START -> startDelay == null ? "no connect attempt began within the timeout"
                    : "connect attempt began " + startDelay.toMillis() + " ms after its tick (bound "
                            + bounds.maxStartDelay().toMillis()
                            + " ms)";
            case CPU_STARVED -> "event loops held up longer than " + bounds.maxLoopLag().toMillis() + " ms meanwhile";
            case SELF_CHECK_FAILED -> "this location's self-check fails";
            case IN_FLIGHT_LIMIT -> "too many probes in flight";
        };
    }
}
