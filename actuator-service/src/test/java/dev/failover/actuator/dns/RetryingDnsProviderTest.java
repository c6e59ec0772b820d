package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.retry.RetrySettings;
import dev.failover.contract.topology.RecordType;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The retry policy with SmallRye Fault Tolerance's real Guard: passing failures are retried, refusals are not. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(DemoBackendsResource.class)
class RetryingDnsProviderTest {

    @Inject
    ActuatorMetrics metrics;
    @Inject
    MeterRegistry registry;

    static final DnsChange CHANGE = new DnsChange("failover.test.", "api.failover.test.", RecordType.A, 5, List.of("192.0.2.20"),
            null, "secondary", "secondary");

    /** Answers from a script, one per call. */
    static final class Scripted implements DnsProvider {
        final Deque<ApplyOutcome> script;
        int calls;

        Scripted(ApplyOutcome... outcomes) {
            script = new ArrayDeque<>(List.of(outcomes));
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public ApplyOutcome apply(DnsChange change) {
            calls++;
            return script.size() > 1 ? script.pop() : script.peek();
        }

        @Override
        public VerifyOutcome verify(DnsChange change, ApplyOutcome.Applied applied, Duration timeout) {
            return new VerifyOutcome.Verified("ok");
        }
    }

    static final RetrySettings FAST = new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(5));

    double retries() {
        return retries("scripted");
    }

    double retries(String provider) {
        var counter = registry.find(ActuatorMetrics.RETRIES).tag("provider", provider).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void throttlingIsRetriedUntilTheChangeGoesThrough() {
        double before = retries();
        Scripted dns = new Scripted(new DnsProvider.ApplyOutcome.Unavailable("Throttling: Rate exceeded"),
                new DnsProvider.ApplyOutcome.Unavailable("PriorRequestNotComplete"),
                new DnsProvider.ApplyOutcome.Applied("done", "C1"));
        assertThat(new RetryingDnsProvider(dns, FAST, metrics).apply(CHANGE)).isInstanceOf(DnsProvider.ApplyOutcome.Applied.class);
        assertThat(dns.calls).isEqualTo(3);
        assertThat(retries() - before).isEqualTo(2);
    }

    @Test
    void aRefusedChangeIsNotRetried() {
        Scripted dns = new Scripted(new DnsProvider.ApplyOutcome.Rejected("InvalidChangeBatch: bad"));
        assertThat(new RetryingDnsProvider(dns, FAST, metrics).apply(CHANGE))
                .isEqualTo(new DnsProvider.ApplyOutcome.Rejected("InvalidChangeBatch: bad"));
        assertThat(dns.calls).isEqualTo(1);
    }

    @Test
    void retriesEndAndTheLastReasonIsReported() {
        Scripted dns = new Scripted(new DnsProvider.ApplyOutcome.Unavailable("timeout"));
        assertThat(new RetryingDnsProvider(dns, FAST, metrics).apply(CHANGE))
                .isEqualTo(new DnsProvider.ApplyOutcome.Unavailable("timeout"));
        assertThat(dns.calls).isEqualTo(4);
    }

    @Test
    void aScalerCallThatIsThrottledIsRetriedUnderTheSamePolicy() {
        int[] calls = { 0 };
        var flaky = new dev.failover.actuator.scaling.Scaler<dev.failover.contract.topology.ScalingRef.EcsService>() {
            @Override
            public dev.failover.contract.topology.ScalingRef.Kind kind() {
                return dev.failover.contract.topology.ScalingRef.Kind.ECS;
            }

            @Override
            public ScaleOutcome scaleUp(dev.failover.contract.topology.ScalingRef.EcsService ref) {
                return ++calls[0] < 3 ? new ScaleOutcome.Unavailable("ThrottlingException") : new ScaleOutcome.Ready("6 of 6 ready");
            }

            @Override
            public ScaleOutcome scaleDown(dev.failover.contract.topology.ScalingRef.EcsService ref) {
                return new ScaleOutcome.NotReady("AccessDenied");
            }
        };
        var retrying = new dev.failover.actuator.scaling.RetryingScaler<>(flaky, FAST, metrics);
        double before = retries("ecs");
        assertThat(retrying.scaleUp(null)).isInstanceOf(dev.failover.actuator.scaling.Scaler.ScaleOutcome.Ready.class);
        assertThat(calls[0]).isEqualTo(3);
        assertThat(retries("ecs") - before).as("two retries counted under the kind's label").isEqualTo(2);
        calls[0] = 0;
        assertThat(retrying.scaleDown(null)).isInstanceOf(dev.failover.actuator.scaling.Scaler.ScaleOutcome.NotReady.class);
        assertThat(calls[0]).isZero();
    }
}
