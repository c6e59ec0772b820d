package dev.failover.decision.publication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.RecordSigner;
import dev.failover.contract.signing.TrustedKeys;
import dev.failover.contract.signing.Verification;
import dev.failover.testkit.signing.TestSigningKeys;

/** State records signed together while they come faster than one signature (ADR 0029), each still standing alone. */
class StateBatchesTest {

    static final RecordSigner SIGNER = TestSigningKeys.shared().signer();
    static final TrustedKeys TRUSTED = TestSigningKeys.shared().trustedKeys();

    record Sent(String group, String json, Map<String, byte[]> headers) {
        Verification verification() {
            return TRUSTED.verify(Topics.DECISION_STATE, group, json, TrustedKeys.HeaderValues.of(headers));
        }

        ByteBuffer signature() {
            return ByteBuffer.wrap(headers.get(Topics.BATCH_SIGNATURE_HEADER));
        }
    }

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final StateBatches.Signer signer = records -> {
        batchSizes.add(records.size());
        return SIGNER.batchHeaders(Topics.DECISION_STATE, records);
    };
    final StateBatches.Sink sink = (group, json, headers) -> {
        sent.add(new Sent(group, json, headers));
        return CompletableFuture.completedFuture(null);
    };

    @Test
    void aQuietServiceSignsEachRecordAlone() {
        StateBatches batches = new StateBatches(signer, sink);

        for (int i = 0; i < 5; i++) {
            assertThat(batches.send("g" + i, "{\"n\":" + i + "}")).isCompleted();
        }

        assertThat(batchSizes).containsExactly(1, 1, 1, 1, 1);
        assertThat(sent).extracting(Sent::group).containsExactly("g0", "g1", "g2", "g3", "g4");
        assertThat(sent).allSatisfy(s -> assertThat(s.verification().isValid()).isTrue());
    }

    @Test
    void aPassOverManyGroupsSharesOneSignatureAndKeepsItsOrder() {
        StateBatches batches = new StateBatches(signer, sink);
        List<CompletionStage<Void>> acknowledged = new ArrayList<>();

        batches.together(() -> {
            for (int i = 0; i < 1_000; i++) {
                acknowledged.add(batches.send("g" + i, "{\"n\":" + i + "}"));
            }
            assertThat(sent).as("nothing is signed while the pass hands records in").isEmpty();
        });

        assertThat(batchSizes).containsExactly(1_000);
        assertThat(sent).extracting(Sent::group).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "g" + i).toList());
        assertThat(sent.stream().map(Sent::signature).distinct()).hasSize(1);
        assertThat(sent).allSatisfy(s -> assertThat(s.verification().isValid()).isTrue());
        assertThat(acknowledged).allSatisfy(a -> assertThat(a).isCompleted());
        assertThat(batches.batches()).isEqualTo(1);
        assertThat(batches.records()).isEqualTo(1_000);
    }

    @Test
    void recordsHandedInWhileABatchIsSignedGoTogetherInTheNext() throws Exception {
        CountDownLatch signingFirst = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        StateBatches batches = new StateBatches(records -> {
            if (batchSizes.isEmpty()) {
                signingFirst.countDown();
                await().until(() -> othersQueued.await(0, TimeUnit.SECONDS));
            }
            return signer.headers(records);
        }, sink);

        Thread first = new Thread(() -> batches.send("g0", "{}"));
        first.start();
        assertThat(signingFirst.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletionStage<Void>> others = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            others.add(batches.send("g" + i, "{}")); // returns at once: the first caller signs it
        }
        assertThat(others).noneSatisfy(o -> assertThat(o).isCompleted());
        othersQueued.countDown();
        first.join(10_000);

        assertThat(batchSizes).containsExactly(1, 10);
        assertThat(others).allSatisfy(o -> assertThat(o).isCompleted());
        assertThat(sent).allSatisfy(s -> assertThat(s.verification().isValid()).isTrue());
    }

    @Test
    void aRecordKafkaRefusesFailsAloneAndASignerThatFailsFailsItsBatchOnly() {
        StateBatches.Sink refusingG1 = (group, json, headers) -> group.equals("g1")
                ? CompletableFuture.failedFuture(new IllegalStateException("no leader (test)"))
                : sink.send(group, json, headers);
        boolean[] failSigning = {true};
        StateBatches batches = new StateBatches(records -> {
            if (failSigning[0]) {
                failSigning[0] = false;
                throw new IllegalStateException("no key (test)");
            }
            return signer.headers(records);
        }, refusingG1);

        CompletionStage<Void> unsigned = batches.send("g0", "{}");
        List<CompletionStage<Void>> acknowledged = new ArrayList<>();
        batches.together(() -> {
            for (int i = 0; i < 3; i++) {
                acknowledged.add(batches.send("g" + i, "{}"));
            }
        });

        assertThat(unsigned.toCompletableFuture()).isCompletedExceptionally();
        assertThat(acknowledged.get(0).toCompletableFuture()).isCompleted().isNotCompletedExceptionally();
        assertThat(acknowledged.get(1).toCompletableFuture()).isCompletedExceptionally();
        assertThat(acknowledged.get(2).toCompletableFuture()).isCompleted().isNotCompletedExceptionally();
        assertThat(sent).extracting(Sent::group).containsExactly("g0", "g2");
    }
}
