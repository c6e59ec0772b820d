package dev.failover.probe.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.HttpProbe;
import dev.failover.contract.topology.TcpProbe;
import dev.failover.contract.topology.Target;

/** Runs the probe of one target and labels what it saw with the group, target and this location. */
public final class TargetProbe {

    private final Prober<HttpProbe> http;
    private final Prober<TcpProbe> tcp;
    private final Clock clock;
    private final String location;
    private final BooleanSupplier locationImpaired;

    /** @param locationImpaired whether this location's own self-check currently fails */
    public TargetProbe(Prober<HttpProbe> http, Prober<TcpProbe> tcp, Clock clock, String location, BooleanSupplier locationImpaired) {
        this.http = http;
        this.tcp = tcp;
        this.clock = clock;
        this.location = location;
        this.locationImpaired = locationImpaired;
    }

    public CompletionStage<ProbeResult> run(FailoverGroup group, Target target) {
        Instant startedAt = clock.instant();
        long start = System.nanoTime();
        return target.probe().match(http::probe, tcp::probe).thenApply(observation -> {
            long durationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            boolean impaired = locationImpaired.getAsBoolean();
            if (observation instanceof Observation.Down down) {
                return new ProbeResult(EventCodec.SCHEMA_VERSION, group.id(), target.id(), target.region(), location, startedAt,
                        durationMillis, ProbeOutcome.DOWN, down.reason(), down.httpStatus(), down.timings(), impaired,
                        down.tlsDaysToExpiry(), down.detail());
            }
            return new ProbeResult(EventCodec.SCHEMA_VERSION, group.id(), target.id(), target.region(), location, startedAt,
                    durationMillis, ProbeOutcome.UP, null, observation.httpStatus(), observation.timings(), impaired,
                    observation.tlsDaysToExpiry(), null);
        });
    }
}
