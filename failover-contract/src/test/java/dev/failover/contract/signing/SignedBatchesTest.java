package dev.failover.contract.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
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

/** Records signed together while they come faster than one signature (ADR 0029), each still standing alone. */
class SignedBatchesTest {

    static final RecordSigner SIGNER = RecordSigningTest.SIGNER;
    static final TrustedKeys TRUSTED = RecordSigningTest.TRUSTED;

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
    final SignedBatches.Signer signer = records -> {
        batchSizes.add(records.size());
        return SIGNER.batchHeaders(Topics.DECISION_STATE, records);
    };
    final SignedBatches.Sink sink = (group, json, headers) -> {
        sent.add(new Sent(group, json, headers));
        return CompletableFuture.completedFuture(null);
    };

    /** The flusher's thread, run by the test: the flushes scheduled, with their delays. */
    final List<Runnable> flushes = new CopyOnWriteArrayList<>();
    final List<Duration> delays = new CopyOnWriteArrayList<>();
    final SignedBatches.Flusher flusher = (delay, flush) -> {
        delays.add(delay);
        flushes.add(flush);
    };

    SignedBatches batches(SignedBatches.Signer signer, SignedBatches.Sink sink) {
        return new SignedBatches(signer, sink, flusher, SignedBatches.LINGER);
    }

    void runFlushes() {
        while (!flushes.isEmpty()) {
            flushes.remove(0).run();
        }
    }

    @Test
    void aQuietServiceSignsEachRecordAloneAfterTheLinger() {
        SignedBatches batches = batches(signer, sink);

        for (int i = 0; i < 5; i++) {
            CompletionStage<Void> acknowledged = batches.send("g" + i, "{\"n\":" + i + "}");
            assertThat(acknowledged).as("signed on the flusher's thread, not the caller's").isNotCompleted();
            runFlushes();
            assertThat(acknowledged).isCompleted();
        }
        assertThat(delays).containsOnly(SignedBatches.LINGER);
        assertThat(batchSizes).containsExactly(1, 1, 1, 1, 1);
        assertThat(sent).extracting(Sent::group).containsExactly("g0", "g1", "g2", "g3", "g4");
        assertThat(sent).allSatisfy(s -> assertThat(s.verification().isValid()).isTrue());
    }

    @Test
    void aSignerOrSinkThatThrowsAnErrorFailsItsRecordsAndTheNextFlushStillRuns() {
        boolean[] fail = { true };
        SignedBatches batches = batches(records -> {
            if (fail[0]) {
                fail[0] = false;
                throw new AssertionError("an Error, not an exception (test)");
            }
            return signer.headers(records);
        }, sink);

        CompletionStage<Void> first = batches.send("g0", "{}");
        runFlushes();
        CompletionStage<Void> second = batches.send("g1", "{}");
        runFlushes();

        assertThat(first.toCompletableFuture()).isCompletedExceptionally();
        assertThat(second.toCompletableFuture()).isCompleted().isNotCompletedExceptionally();
    }

    /** A tick's records: the records handed in within the linger of the first share one signature. */
    @Test
    void recordsHandedInWithinTheLingerShareOneSignature() {
        SignedBatches batches = batches(signer, sink);

        List<CompletionStage<Void>> acknowledged = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            acknowledged.add(batches.send("g" + i, "{\"n\":" + i + "}"));
        }
        assertThat(flushes).as("one flush for them all").hasSize(1);
        assertThat(sent).as("nothing is signed before the flush").isEmpty();
        runFlushes();

        assertThat(batchSizes).containsExactly(300);
        assertThat(sent).extracting(Sent::group).as("in the order they came").containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 300).mapToObj(i -> "g" + i).toList());
        assertThat(acknowledged).allSatisfy(a -> assertThat(a).isCompleted());
        assertThat(batches.batches()).isEqualTo(1);
        assertThat(batches.records()).isEqualTo(300);
        assertThat(sent.stream().map(Sent::signature).distinct()).hasSize(1);
        assertThat(sent).allSatisfy(s -> assertThat(s.verification().isValid()).isTrue());
    }

    @Test
    void recordsHandedInWhileABatchIsSignedGoTogetherInTheNext() throws Exception {
        CountDownLatch signingFirst = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        SignedBatches batches = new SignedBatches(records -> {
            if (batchSizes.isEmpty()) {
                signingFirst.countDown();
                try {
                    assertThat(othersQueued.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return signer.headers(records);
        }, sink, (delay, flush) -> new Thread(flush).start(), Duration.ZERO);

        batches.send("g0", "{}");
        assertThat(signingFirst.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletionStage<Void>> others = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            others.add(batches.send("g" + i, "{}")); // the flush under way takes them next
        }
        assertThat(others).noneSatisfy(o -> assertThat(o).isCompleted());
        othersQueued.countDown();
        CompletableFuture
                .allOf(others.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new))
                .get(10, TimeUnit.SECONDS);

        assertThat(batchSizes).containsExactly(1, 10);
        assertThat(sent).allSatisfy(s -> assertThat(s.verification().isValid()).isTrue());
    }

    @Test
    void aRecordKafkaRefusesFailsAloneAndASignerThatFailsFailsItsBatchOnly() {
        SignedBatches.Sink refusingG1 = (group, json, headers) -> group.equals("g1")
                ? CompletableFuture.failedFuture(new IllegalStateException("no leader (test)"))
                : sink.send(group, json, headers);
        boolean[] failSigning = { true };
        SignedBatches batches = batches(records -> {
            if (failSigning[0]) {
                failSigning[0] = false;
                throw new IllegalStateException("no key (test)");
            }
            return signer.headers(records);
        }, refusingG1);

        CompletionStage<Void> unsigned = batches.send("g0", "{}");
        runFlushes();
        List<CompletionStage<Void>> acknowledged = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            acknowledged.add(batches.send("g" + i, "{}"));
        }
        runFlushes();

        assertThat(unsigned.toCompletableFuture()).isCompletedExceptionally();
        assertThat(acknowledged.get(0).toCompletableFuture()).isCompleted().isNotCompletedExceptionally();
        assertThat(acknowledged.get(1).toCompletableFuture()).isCompletedExceptionally();
        assertThat(acknowledged.get(2).toCompletableFuture()).isCompleted().isNotCompletedExceptionally();
        assertThat(sent).extracting(Sent::group).containsExactly("g0", "g2");
    }
}
