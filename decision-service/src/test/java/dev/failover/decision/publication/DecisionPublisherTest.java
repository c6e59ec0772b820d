package dev.failover.decision.publication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.Verification;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.engine.Engines;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.ownership.FixedOwnership;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.decision.signing.TestControlKeys;
import dev.failover.decision.store.OwnStateRecords;
import dev.failover.decision.store.StateCodec;
import dev.failover.kafka.logging.GroupLogContext;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Decisions leave the engine's outbox once Kafka acknowledged them, each exactly once even when several threads publish
 * one group at once; a group's state is published only when none of its decisions is unpublished.
 */
class DecisionPublisherTest {

    static final String GROUP = TestTopology.GROUP;
    static final ControlMessageKeys KEYS = TestControlKeys.of(TestSigningKeys.shared().signer(),
            TestSigningKeys.shared().trustedKeys());

    /**
     * An emitter whose sends complete only when the test says so, recording the values acknowledged and, for messages,
     * whether their signature headers verify for failover.decisions.
     */
    static final class GatedEmitter {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<Verification.Outcome> signatures = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
        /** Per decision sent, its batch signature in hex ("none" for a record signed alone). */
        final List<String> batchSignatures = new CopyOnWriteArrayList<>();

        @SuppressWarnings("unchecked")
        <T> MutinyEmitter<T> emitter() {
            return (MutinyEmitter<T>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] { MutinyEmitter.class }, (proxy, method, args) -> {
                        if (method.getName().equals("send") && args.length == 1
                                && args[0] instanceof Record<?, ?> record) {
                            return gated((String) record.value());
                        }
                        if (method.getName().equals("sendMessage") && args.length == 1
                                && args[0] instanceof Message<?> message
                                && message.getPayload() instanceof Record<?, ?> record) {
                            // a state record: keyed by its payload, signed for failover.decision-state (ADR 0009)
                            OutgoingKafkaRecordMetadata<?> metadata = message
                                    .getMetadata(OutgoingKafkaRecordMetadata.class)
                                    .orElseThrow();
                            signatures.add(
                                    KEYS.verify(Topics.DECISION_STATE, (String) record.key(), (String) record.value(),
                                            metadata.getHeaders()).outcome());
                            return gated((String) record.value());
                        }
                        if (method.getName().equals("sendMessage") && args.length == 1
                                && args[0] instanceof Message<?> message) {
                            String value = (String) message.getPayload();
                            OutgoingKafkaRecordMetadata<?> metadata = message
                                    .getMetadata(OutgoingKafkaRecordMetadata.class)
                                    .orElseThrow();
                            signatures.add(KEYS.verify(Topics.DECISIONS, (String) metadata.getKey(), value,
                                    metadata.getHeaders()).outcome());
                            var batch = metadata.getHeaders().lastHeader(Topics.BATCH_SIGNATURE_HEADER);
                            batchSignatures
                                    .add(batch == null ? "none" : java.util.HexFormat.of().formatHex(batch.value()));
                            return gated(value);
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
        }

        private Uni<Void> gated(String value) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            pending.add(ack);
            return Uni.createFrom().completionStage(ack).invoke(() -> sent.add(value));
        }

        void ackAll() {
            pending.forEach(f -> f.complete(null));
        }

        void failAll() {
            pending.forEach(f -> f.completeExceptionally(new IllegalStateException("broker refused (test)")));
        }

        List<List<String>> explainedDecisionIds() {
            return sent.stream().map(v -> StateCodec.decodeExplanations(v).explanations().stream()
                    .map(dev.failover.decision.domain.model.Explanation::decisionId).toList()).toList();
        }

        List<String> decisionIds() {
            return sent.stream().map(v -> EventCodec.instance().decode(v, Decision.class).decisionId()).toList();
        }

        List<Long> stateEpochs() {
            return sent.stream().map(v -> StateCodec.decode(v).snapshot().epoch()).toList();
        }
    }

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T03:00:00Z"));
    final AtomicInteger ids = new AtomicInteger();
    final DecisionEngine engine = Engines.minimal(TopologyLoader.parse(TestTopology.yaml("http://127.0.0.1:1/",
            "http://127.0.0.1:2/"), "test"), clock, () -> "d-" + ids.incrementAndGet());
    final GatedEmitter decisions = new GatedEmitter();
    final GatedEmitter state = new GatedEmitter();
    final GatedEmitter explanations = new GatedEmitter();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final OwnStateRecords own = new OwnStateRecords();
    final DecisionPublisher publisher = new DecisionPublisher(decisions.emitter(), state.emitter(),
            explanations.emitter(), engine, new DecisionMetrics(registry), FixedOwnership.deciding(GROUP), KEYS,
            own, DecisionServiceConfig.State.DEFAULT_HEARTBEAT, true, (delay, flush) -> flush.run(), true,
            (delay, flush) -> flush.run(), Runnable::run);

    /**
     * A region's groups switching at once: the decisions made while the signer is busy share the next batch's one
     * signature (ADR 0030), each verifiable alone, and none of them is signed on the thread that made it (the input's
     * event loop).
     */
    @Test
    void decisionsMadeWhileTheSignerIsBusyShareOneSignature() {
        List<String> groups = List.of("g1", "g2", "g3");
        DecisionEngine several = Engines.minimal(TopologyLoader.parse(TestTopology.yaml(groups), "test"), clock,
                () -> "d-" + ids.incrementAndGet());
        List<Runnable> held = new CopyOnWriteArrayList<>();
        GatedEmitter sent = new GatedEmitter();
        DecisionPublisher batching = new DecisionPublisher(sent.emitter(), state.emitter(), explanations.emitter(),
                several, new DecisionMetrics(registry), FixedOwnership.deciding(groups.toArray(String[]::new)), KEYS,
                new OwnStateRecords(), DecisionServiceConfig.State.DEFAULT_HEARTBEAT, true,
                (delay, flush) -> flush.run(), true,
                (delay, flush) -> held.add(flush), Runnable::run);
        for (int round = 0; round < 2; round++) {
            clock.advance(Duration.ofSeconds(1));
            for (String group : groups) {
                for (String location : TestTopology.LOCATIONS) {
                    several.onProbeResult(result(group, TestTopology.SECONDARY, location, ProbeOutcome.UP));
                    several.onProbeResult(result(group, TestTopology.PRIMARY, location, ProbeOutcome.DOWN));
                }
            }
        }
        groups.forEach(g -> assertThat(several.hasUnpublished(g)).as("a failover of %s in the outbox", g).isTrue());

        groups.forEach(g -> batching.publish(g).subscribeAsCompletionStage());
        assertThat(sent.pending).as("decisions signed and sent on the publishing thread").isEmpty();
        assertThat(held).as("signings waiting for the signer's thread").hasSize(1);
        held.remove(0).run();

        assertThat(sent.decisionIds()).hasSize(0); // none acknowledged yet
        assertThat(sent.pending).as("decisions handed to Kafka by one signing").hasSize(3);
        assertThat(sent.signatures).as("each decision verifies alone").containsOnly(Verification.Outcome.VALID)
                .hasSize(3);
        assertThat(sent.batchSignatures).as("the batch signature of each decision").doesNotContain("none")
                .containsOnly(sent.batchSignatures.get(0));
    }

    /**
     * Kafka completes a send on its producer's one I/O thread: the publication goes on elsewhere, or that thread would
     * encode the group's explanations and state while the acknowledgements of every other decision wait behind it.
     */
    @Test
    void aPublicationGoesOnOffTheThreadThatAcknowledged() {
        List<Runnable> continued = new CopyOnWriteArrayList<>();
        GatedEmitter sent = new GatedEmitter();
        GatedEmitter explained = new GatedEmitter();
        GatedEmitter stored = new GatedEmitter();
        DecisionPublisher elsewhere = new DecisionPublisher(sent.emitter(), stored.emitter(), explained.emitter(),
                engine,
                new DecisionMetrics(registry), FixedOwnership.deciding(GROUP), KEYS,
                new OwnStateRecords(), DecisionServiceConfig.State.DEFAULT_HEARTBEAT, true,
                (delay, flush) -> flush.run(), true,
                (delay, flush) -> flush.run(), continued::add);
        Decision failover = failover();
        var publication = elsewhere.publish(GROUP).subscribeAsCompletionStage();
        assertThat(sent.pending).hasSize(1);

        sent.ackAll(); // as the producer's I/O thread would
        assertThat(explained.pending).as("explanations encoded and sent on the acknowledging thread").isEmpty();
        assertThat(elsewhere.hasUnpublished(GROUP)).as("the decision still unpublished on the acknowledging thread")
                .isTrue();

        await("the publication done").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            while (!continued.isEmpty()) {
                continued.remove(0).run();
            }
            explained.ackAll();
            stored.ackAll();
            assertThat(publication).isDone();
        });
        assertThat(sent.decisionIds()).containsExactly(failover.decisionId());
        assertThat(stored.stateEpochs()).containsExactly(failover.epoch());
    }

    /**
     * A region's groups switching at once: the probe result that switched a group waits for its decision on Kafka only,
     * not for the explanations and the state that follow on one thread for every group; holding the input's window
     * until those were acknowledged too kept a partition's later results waiting behind hundreds of publications.
     * The state still goes out after the decision, and the group's next publication after this one's state.
     */
    @Test
    void aProbeResultWaitsForItsDecisionOnlyAndTheStateFollows() {
        Decision failover = failover();
        var decided = publisher.publishDecisions(GROUP).subscribeAsCompletionStage();
        await("the failover sent").atMost(Duration.ofSeconds(30)).until(() -> decisions.pending.size() == 1);
        assertThat(decided).as("done before Kafka acknowledged the decision").isNotDone();

        decisions.ackAll();
        await("done once the decision is acknowledged, the explanations and state still unacknowledged")
                .atMost(Duration.ofSeconds(30)).until(decided::isDone);
        assertThat(decided).isNotCompletedExceptionally();
        assertThat(state.pending).as("state sent before the explanations are acknowledged").isEmpty();
        var next = publisher.publish(GROUP).subscribeAsCompletionStage();

        explanations.ackAll();
        await("the state sent after the failover").atMost(Duration.ofSeconds(30))
                .until(() -> state.pending.size() == 1);
        assertThat(next).as("the next publication done before this one's state").isNotDone();
        state.ackAll();
        await("the next publication done").atMost(Duration.ofSeconds(30)).until(next::isDone);
        assertThat(decisions.decisionIds()).containsExactly(failover.decisionId());
        assertThat(state.stateEpochs()).containsExactly(failover.epoch());
    }

    /**
     * A decision that Kafka refuses fails the probe result's wait, so that its offset is not acknowledged past it; the
     * decision stays in the outbox for the next publication.
     */
    @Test
    void aProbeResultWhoseDecisionIsRefusedFailsItsWait() {
        failover();
        var decided = publisher.publishDecisions(GROUP).subscribeAsCompletionStage();
        await("the failover sent").atMost(Duration.ofSeconds(30)).until(() -> decisions.pending.size() == 1);
        decisions.failAll();
        await("failed").atMost(Duration.ofSeconds(30)).until(decided::isDone);
        assertThat(decided).isCompletedExceptionally();
        assertThat(publisher.hasUnpublished(GROUP)).isTrue();
    }

    /**
     * Ownership can end while a publication waits for Kafka: the decisions after the one acknowledged are not sent by
     * an instance that no longer decides the group (a zombie's), only its next owner's.
     */
    @Test
    void decisionsAfterTheOwnershipEndedMidPublicationAreNotSent() {
        java.util.concurrent.atomic.AtomicBoolean deciding = new java.util.concurrent.atomic.AtomicBoolean(true);
        dev.failover.decision.ownership.GroupOwnership revocable = new dev.failover.decision.ownership.GroupOwnership() {
            private dev.failover.decision.ownership.GroupOwnership now() {
                return deciding.get() ? FixedOwnership.deciding(GROUP) : FixedOwnership.decidingNothing();
            }

            @Override
            public dev.failover.decision.ownership.PartitionOwnership.Standing standing(String group) {
                return now().standing(group);
            }

            @Override
            public int partitionOf(String group) {
                return now().partitionOf(group);
            }

            @Override
            public boolean owns(String group) {
                return now().owns(group);
            }

            @Override
            public List<String> ownedGroups() {
                return now().ownedGroups();
            }

            @Override
            public List<dev.failover.decision.ownership.PartitionOwnership.Unrestored> unrestored() {
                return List.of();
            }

            @Override
            public void consumed(int partition, long offset) {
            }
        };
        GatedEmitter sent = new GatedEmitter();
        DecisionPublisher publisher = new DecisionPublisher(sent.emitter(), state.emitter(), explanations.emitter(),
                engine, new DecisionMetrics(registry), revocable, KEYS, new OwnStateRecords(),
                DecisionServiceConfig.State.DEFAULT_HEARTBEAT, true, (delay, flush) -> flush.run(), true,
                (delay, flush) -> flush.run(), Runnable::run);
        Decision failover = failover();
        engine.apply(new Command.Issued("c-force", clock.instant(),
                new Command.Force(GROUP, TestTopology.PRIMARY, "test", "tester")));
        var publication = publisher.publish(GROUP).subscribeAsCompletionStage();
        assertThat(sent.pending).as("the failover sent, the forced switch behind it").hasSize(1);

        deciding.set(false); // a rebalance takes the group away while the failover waits for its acknowledgement
        sent.ackAll();

        await("the publication ended").atMost(Duration.ofSeconds(30)).until(publication::isDone);
        assertThat(publication).isCompletedExceptionally();
        assertThat(sent.pending).as("sends after the ownership ended").hasSize(1);
        assertThat(sent.decisionIds()).containsExactly(failover.decisionId());
    }

    /** Two rounds of the primary DOWN and the secondary UP at every location: the engine fails over. */
    Decision failover() {
        List<Decision> switched = new java.util.ArrayList<>();
        for (int round = 0; round < 2; round++) {
            clock.advance(Duration.ofSeconds(1));
            for (String location : TestTopology.LOCATIONS) {
                engine.onProbeResult(result(TestTopology.SECONDARY, location, ProbeOutcome.UP));
                if (engine.onProbeResult(
                        result(TestTopology.PRIMARY, location, ProbeOutcome.DOWN)) instanceof Outcome.Switched s) {
                    switched.add(s.decision());
                }
            }
        }
        assertThat(switched).as("switches made by two rounds of the primary DOWN").hasSize(1);
        return switched.get(0);
    }

    ProbeResult result(String target, String location, ProbeOutcome outcome) {
        return result(GROUP, target, location, outcome);
    }

    ProbeResult result(String group, String target, String location, ProbeOutcome outcome) {
        return ProbeResult.of(group, target, "r", location, clock.instant(), outcome).durationMillis(1L)
                .failureReason(outcome == ProbeOutcome.DOWN ? FailureReason.TIMEOUT : null)
                .httpStatus(outcome == ProbeOutcome.UP ? 200 : null).build();
    }

    @Test
    void aSecondPublicationWhileTheFirstIsInFlightDoesNotSendItsDecisionsAgain() {
        Decision failover = failover();
        var first = publisher.publish(GROUP).subscribeAsCompletionStage();
        // the ticker publishes for the same group while the failover is not yet acknowledged
        var second = publisher.publish(GROUP).subscribeAsCompletionStage();
        var forced = engine.apply(new Command.Issued("c-force", clock.instant(),
                new Command.Force(GROUP, TestTopology.PRIMARY, "test", "tester")));
        var third = publisher.publish(GROUP).subscribeAsCompletionStage();

        await("every publication done").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            decisions.ackAll();
            explanations.ackAll();
            state.ackAll();
            assertThat(first).isDone();
            assertThat(second).isDone();
            assertThat(third).isDone();
        });
        assertThat(forced).isInstanceOf(dev.failover.decision.domain.model.CommandOutcome.Accepted.class);
        assertThat(decisions.decisionIds()).as("each decision sent once, in order")
                .containsExactly(failover.decisionId(), "d-2");
        assertThat(publisher.hasUnpublished(GROUP)).isFalse();
    }

    @Test
    void theStateIsPublishedOnlyOnceEveryDecisionBeforeItIsAcknowledged() {
        Decision failover = failover();
        assertThat(engine.publishableState(GROUP)).as("publishable state while the failover is in the outbox")
                .isEmpty();

        var publication = publisher.publish(GROUP).subscribeAsCompletionStage();
        await("the failover sent").atMost(Duration.ofSeconds(30)).until(() -> decisions.pending.size() == 1);
        // a state publication racing in (the ticker's) while the failover is not yet acknowledged persists nothing
        assertThat(engine.publishableState(GROUP)).as("publishable state while the failover is unacknowledged")
                .isEmpty();
        assertThat(state.pending).as("state sends before the failover is acknowledged").isEmpty();

        decisions.ackAll();
        await("the explanations sent after the failover").atMost(Duration.ofSeconds(30))
                .until(() -> explanations.pending.size() == 1);
        assertThat(state.pending).as("state sends before the explanations are acknowledged").isEmpty();
        explanations.ackAll();
        await("the state sent after the failover").atMost(Duration.ofSeconds(30))
                .until(() -> state.pending.size() == 1);
        state.ackAll();
        await("publication done").atMost(Duration.ofSeconds(30)).until(publication::isDone);
        assertThat(explanations.explainedDecisionIds()).as("explanation records sent").containsExactly(
                List.of(failover.decisionId()));
        assertThat(decisions.decisionIds()).containsExactly(failover.decisionId());
        assertThat(decisions.signatures).as("the decision sent with a signature of the service's key")
                .containsExactly(Verification.Outcome.VALID);
        assertThat(state.stateEpochs()).as("epochs of the state records published").containsExactly(failover.epoch());
        assertThat(state.signatures).as("the state record sent with a signature of the service's key")
                .containsExactly(Verification.Outcome.VALID);
        String json = state.sent.get(0);
        assertThat(own.readBack(GROUP, json)).as("the record the read view takes back without decoding it")
                .contains(StateCodec.decode(json));
        assertThat(own.readBack(GROUP, json)).as("taken back once").isEmpty();
    }

    /**
     * The explanations are for the operator; the state keeps traffic right: a failure to publish them does not hold the
     * state back, and they go out with the group's next publication.
     */
    @Test
    void explanationsThatCannotBePublishedDoNotHoldTheStateBackAndGoWithTheNextPublication() {
        Decision failover = failover();
        var publication = publisher.publish(GROUP).subscribeAsCompletionStage();
        await("the failover sent").atMost(Duration.ofSeconds(30)).until(() -> decisions.pending.size() == 1);
        decisions.ackAll();
        await("the explanations sent").atMost(Duration.ofSeconds(30)).until(() -> explanations.pending.size() == 1);
        explanations.failAll();
        await("the state sent all the same").atMost(Duration.ofSeconds(30)).until(() -> state.pending.size() == 1);
        state.ackAll();
        await("publication done").atMost(Duration.ofSeconds(30)).until(publication::isDone);
        assertThat(publication.toCompletableFuture()).as("the publication").isCompletedWithValue(null);
        assertThat(explanations.sent).as("explanations acknowledged so far").isEmpty();

        var next = publisher.publish(GROUP).subscribeAsCompletionStage(); // the ticker's, with nothing new decided
        await("the explanations sent again").atMost(Duration.ofSeconds(30))
                .until(() -> explanations.pending.size() == 2);
        explanations.ackAll();
        await("the next publication done").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            state.ackAll();
            assertThat(next).isDone();
        });
        assertThat(explanations.explainedDecisionIds()).as("explanation records sent").containsExactly(
                List.of(failover.decisionId()));

        var third = publisher.publish(GROUP).subscribeAsCompletionStage();
        await("a third publication done").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            state.ackAll();
            assertThat(third).isDone();
        });
        assertThat(explanations.pending).as("explanation sends: none once they are on their topic").hasSize(2);
    }

    /** A send of the explanations that is never acknowledged holds the state back no longer than the send limit. */
    @Test
    void explanationsNeverAcknowledgedHoldTheStateBackForTheSendLimitOnly() {
        failover();
        var publication = publisher.publish(GROUP).subscribeAsCompletionStage();
        await("the failover sent").atMost(Duration.ofSeconds(30)).until(() -> decisions.pending.size() == 1);
        decisions.ackAll();
        long sent = System.nanoTime();
        await("the state sent without the explanations' acknowledgement").atMost(Duration.ofSeconds(30))
                .until(() -> state.pending.size() == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("the state's wait")
                .isGreaterThanOrEqualTo(DecisionPublisher.EXPLANATION_SEND_LIMIT.minusMillis(100));
        state.ackAll();
        await("publication done").atMost(Duration.ofSeconds(30)).until(publication::isDone);
        assertThat(registry.get(DecisionMetrics.EXPLANATION_PUBLISH_FAILURES).tag("group", GROUP).counter().count())
                .as("explanation publish failures counted").isEqualTo(1.0);
    }

    /**
     * A state record goes out when what it says changed, not on every pass of the ticker: an unchanged group is not
     * written to the compacted topic again (until its heartbeat, StateCadenceTest), a command's outcome is.
     */
    @Test
    void anUnchangedStateIsNotPublishedAgainAndAChangedOneIs() {
        var first = publisher.publish(GROUP).subscribeAsCompletionStage();
        await("the first state sent").atMost(Duration.ofSeconds(30)).until(() -> state.pending.size() == 1);
        state.ackAll();
        await("first publication done").atMost(Duration.ofSeconds(30)).until(first::isDone);

        for (int pass = 0; pass < 3; pass++) { // the ticker's passes, 5 s apart, nothing new for the group
            clock.advance(Duration.ofSeconds(5));
            var again = publisher.publish(GROUP).subscribeAsCompletionStage();
            await("a pass done").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                state.ackAll();
                assertThat(again).isDone();
            });
        }
        assertThat(state.pending).as("state records sent for an unchanged group").hasSize(1);

        var paused = engine.apply(new Command.Issued("c-pause", clock.instant(),
                new Command.Pause(GROUP, "maintenance", "tester")));
        assertThat(paused).isInstanceOf(dev.failover.decision.domain.model.CommandOutcome.Accepted.class);
        var afterPause = publisher.publish(GROUP).subscribeAsCompletionStage();
        await("the paused state sent").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            state.ackAll();
            assertThat(afterPause).isDone();
        });
        assertThat(state.pending).as("state records sent, the pause's included").hasSize(2);
        // what FailoverDecisionStateNotPublished reads: one per acknowledged record, none for a pass that sent nothing
        assertThat(registry.get(DecisionMetrics.STATE_PUBLISHED).tag("group", GROUP).counter().count())
                .as("state records counted as published").isEqualTo(2.0);
    }

    /** A log line about a decision carries its group, id and epoch in the MDC, as JSON logs' fields. */
    @Test
    void thePublishedDecisionIsLoggedWithItsGroupIdAndEpochInTheMdc() {
        List<Map<String, Object>> mdcOfPublishedLines = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> publishedLines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (String.valueOf(record.getMessage()).startsWith("published decision")
                        || record instanceof org.jboss.logmanager.ExtLogRecord ext
                                && ext.getFormattedMessage().startsWith("published decision")) {
                    mdcOfPublishedLines.add(Map.copyOf(org.jboss.logging.MDC.getMap()));
                    if (record instanceof org.jboss.logmanager.ExtLogRecord ext) {
                        publishedLines.add(ext.getFormattedMessage());
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try {
            Decision failover = failover();
            var publication = publisher.publish(GROUP).subscribeAsCompletionStage();
            await("publication done").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                decisions.ackAll();
                explanations.ackAll();
                state.ackAll();
                assertThat(publication).isDone();
            });
            assertThat(mdcOfPublishedLines).as("MDC of the line that logs the published decision")
                    .containsExactly(Map.of(
                            GroupLogContext.GROUP, GROUP, GroupLogContext.DECISION_ID, failover.decisionId(),
                            GroupLogContext.EPOCH, failover.epoch()));
            // the system tests (ZombieDeciderIT, RecreatedConsumerGroupIT) and the region benchmark read the line so
            assertThat(publishedLines).singleElement().asString()
                    .containsPattern("^published decision \\S+ epoch \\d+: FAILOVER ")
                    .containsPattern(", \\d+ ms after it was made$");
        } finally {
            root.removeHandler(capture);
        }
        assertThat(org.jboss.logging.MDC.getMap()).as("MDC left behind on the test thread").isEmpty();
    }
}
