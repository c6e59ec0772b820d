package dev.failover.decision.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.DecisionEngine;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.state.GroupOwnership;
import dev.failover.testkit.topology.TestTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/** Publications of one group never overlap: a decision is sent once even when several threads publish at once. */
class DecisionPublisherTest {

    /** An emitter whose sends complete only when the test says so, recording what was sent. */
    static final class GatedEmitter {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();

        @SuppressWarnings("unchecked")
        MutinyEmitter<Record<String, String>> emitter() {
            return (MutinyEmitter<Record<String, String>>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] { MutinyEmitter.class }, (proxy, method, args) -> {
                        if (method.getName().equals("send") && args.length == 1 && args[0] instanceof Record<?, ?> record) {
                            CompletableFuture<Void> ack = new CompletableFuture<>();
                            pending.add(ack);
                            return Uni.createFrom().completionStage(ack)
                                    .invoke(() -> sent.add(EventCodec.instance().decode((String) record.value(), Decision.class)
                                            .decisionId()));
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
        }

        void ackAll() {
            pending.forEach(f -> f.complete(null));
        }
    }

    static Decision decision(String id, long epoch) {
        return new Decision(1, id, TestTopology.GROUP, epoch, DecisionKind.FAILOVER, TestTopology.PRIMARY, TestTopology.SECONDARY,
                "test", List.of(), Instant.parse("2026-11-22T03:00:00Z"), DecisionMode.LIVE, Decision.AUTOMATION);
    }

    @Test
    void aSecondPublicationWhileTheFirstIsInFlightDoesNotSendItsDecisionsAgain() {
        GatedEmitter decisions = new GatedEmitter();
        GatedEmitter state = new GatedEmitter();
        DecisionPublisher publisher = new DecisionPublisher();
        publisher.decisions = decisions.emitter();
        publisher.state = state.emitter();
        publisher.engine = new DecisionEngine(TopologyLoader.parse(TestTopology.yaml("http://127.0.0.1:1/", "http://127.0.0.1:2/"),
                "test"), new ManualClock(Instant.parse("2026-11-22T03:00:00Z")), () -> "unused", Duration.ofSeconds(5));
        publisher.metrics = new DecisionMetrics(new SimpleMeterRegistry());
        publisher.ownership = new GroupOwnership() {
            @Override
            public boolean owns(String group) {
                return true;
            }
        };

        var first = publisher.publish(TestTopology.GROUP, List.of(decision("d-1", 1))).subscribeAsCompletionStage();
        // the ticker publishes for the same group while d-1 is not yet acknowledged
        var second = publisher.publish(TestTopology.GROUP, List.of()).subscribeAsCompletionStage();
        var third = publisher.publish(TestTopology.GROUP, List.of(decision("d-2", 2))).subscribeAsCompletionStage();

        await("every publication done").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            decisions.ackAll();
            state.ackAll();
            assertThat(first).isDone();
            assertThat(second).isDone();
            assertThat(third).isDone();
        });
        assertThat(decisions.sent).as("each decision sent once, in order").containsExactly("d-1", "d-2");
        assertThat(publisher.hasUnpublished(TestTopology.GROUP)).isFalse();
    }
}
