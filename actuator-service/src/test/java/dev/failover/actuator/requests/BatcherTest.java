package dev.failover.actuator.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.requests.Batcher.Answer;

/**
 * The batcher with a scripted API: what goes out together, and what a refused batch costs the requests that did not
 * cause the refusal.
 */
class BatcherTest {

    /** The calls made, each the requests it carried, in order. */
    final List<List<String>> calls = new CopyOnWriteArrayList<>();
    final ExecutorService callers = Executors.newCachedThreadPool();
    /** Holds the first call until released, so that others queue behind it. */
    final CountDownLatch firstHeld = new CountDownLatch(1);
    final CountDownLatch releaseFirst = new CountDownLatch(1);

    @AfterEach
    void stop() {
        releaseFirst.countDown();
        callers.shutdownNow();
    }

    /** Every request written, unless its name starts with "stale" (refused, named) or "bad" (refused, unnamed). */
    Answer<String, String> api(String zone, List<String> batch, java.util.function.Supplier<Priority> priority) {
        calls.add(List.copyOf(batch));
        if (calls.size() == 1) {
            firstHeld.countDown();
            held(releaseFirst);
        }
        Map<String, String> stale = new LinkedHashMap<>();
        batch.stream().filter(r -> r.startsWith("stale")).forEach(r -> stale.put(r, "owner changed"));
        if (!stale.isEmpty()) {
            return new Answer.Refused<>(stale);
        }
        if (batch.stream().anyMatch(r -> r.startsWith("bad"))) {
            return new Answer.Unattributed<>("rejected");
        }
        Map<String, String> written = new LinkedHashMap<>();
        batch.forEach(r -> written.put(r, "written in call " + calls.size()));
        return new Answer.Each<>(written);
    }

    Batcher<String, String, String> batcher(int capacity, Function<String, Object> exclusive) {
        return new Batcher<>(this::api, priority -> true, capacity, r -> r.contains("heavy") ? 3 : 1, exclusive,
                why -> "failed: " + why);
    }

    /** One request holds the API; {@code others} queue behind it; then it is released. Outcomes by request. */
    Map<String, String> behindOne(Batcher<String, String, String> batcher, List<String> others, Priority priority)
            throws Exception {
        Map<String, Future<String>> futures = new LinkedHashMap<>();
        futures.put("first", callers.submit(() -> batcher.submit("zone", "first", Priority.SWITCH)));
        held(firstHeld);
        for (String other : others) {
            futures.put(other, callers.submit(() -> batcher.submit("zone", other, priority)));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> batcher.waiting().getOrDefault("zone", 0) == futures.size() - 1);
        }
        releaseFirst.countDown();
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (var f : futures.entrySet()) {
            outcomes.put(f.getKey(), f.getValue().get());
        }
        return outcomes;
    }

    @Test
    void aLoneRequestGoesAtOnceAndAlone() {
        releaseFirst.countDown();
        assertThat(batcher(10, r -> r).submit("zone", "a", Priority.SWITCH)).isEqualTo("written in call 1");
        assertThat(calls).containsExactly(List.of("a"));
    }

    @Test
    void requestsThatArriveWhileOneIsUnderWayGoTogetherInTheNextCall() throws Exception {
        Map<String, String> outcomes = behindOne(batcher(10, r -> r), List.of("a", "b", "c", "d"), Priority.SWITCH);

        assertThat(calls).containsExactly(List.of("first"), List.of("a", "b", "c", "d"));
        assertThat(outcomes).containsEntry("first", "written in call 1").containsEntry("a", "written in call 2")
                .containsEntry("d", "written in call 2");
    }

    @Test
    void aStaleRequestNamedInARefusedBatchCostsTheOthersOneMoreCall() throws Exception {
        Map<String, String> outcomes = behindOne(batcher(10, r -> r), List.of("a", "stale-b", "c", "d"),
                Priority.SWITCH);

        assertThat(calls).containsExactly(List.of("first"), List.of("a", "stale-b", "c", "d"), List.of("a", "c", "d"));
        assertThat(outcomes).containsEntry("stale-b", "owner changed").containsEntry("a", "written in call 3")
                .containsEntry("c", "written in call 3").containsEntry("d", "written in call 3");
    }

    @Test
    void aBatchRefusedWithoutNamingOneGoesAgainOneRequestAtATime() throws Exception {
        Map<String, String> outcomes = behindOne(batcher(10, r -> r), List.of("a", "bad-b", "c"), Priority.SWITCH);

        assertThat(calls).containsExactly(List.of("first"), List.of("a", "bad-b", "c"), List.of("a"), List.of("bad-b"),
                List.of("c"));
        assertThat(outcomes).containsEntry("bad-b", "rejected").containsEntry("a", "written in call 3")
                .containsEntry("c", "written in call 5");
    }

    @Test
    void aBatchCarriesNoMoreThanItsCapacityNorTwoRequestsForOneRecord() throws Exception {
        // capacity 4: "heavy" weighs 3; a and a-again change the same record (exclusive on the first letter)
        behindOne(batcher(4, r -> r.charAt(0)), List.of("a", "heavy", "a-again", "b", "c"), Priority.SWITCH);

        assertThat(calls).containsExactly(List.of("first"), List.of("a", "heavy"), List.of("a-again", "b", "c"));
    }

    @Test
    void switchesGoBeforeResyncsThatWaitedLonger() throws Exception {
        Batcher<String, String, String> batcher = batcher(2, r -> r);
        List<Future<String>> futures = new ArrayList<>();
        futures.add(callers.submit(() -> batcher.submit("zone", "first", Priority.SWITCH)));
        held(firstHeld);
        for (String resync : List.of("r1", "r2", "r3")) {
            futures.add(callers.submit(() -> batcher.submit("zone", resync, Priority.RESYNC)));
            await().atMost(Duration.ofSeconds(10)).until(() -> batcher.waiting().get("zone") == futures.size() - 1);
        }
        futures.add(callers.submit(() -> batcher.submit("zone", "s1", Priority.SWITCH)));
        await().atMost(Duration.ofSeconds(10)).until(() -> batcher.waiting().get("zone") == 4);
        releaseFirst.countDown();
        for (Future<String> f : futures) {
            f.get();
        }

        assertThat(calls).containsExactly(List.of("first"), List.of("s1", "r1"), List.of("r2", "r3"));
    }

    @Test
    void aCallThatThrowsFailsItsBatchAndTheNextCallStillGoes() {
        releaseFirst.countDown();
        CompletableFuture<Void> thrown = new CompletableFuture<>();
        Batcher<String, String, String> batcher = new Batcher<>((zone, batch, priority) -> {
            if (!thrown.isDone()) {
                thrown.complete(null);
                throw new IllegalStateException("socket closed");
            }
            return new Answer.Each<>(Map.of(batch.get(0), "written"));
        }, priority -> true, 10, r -> 1, r -> r, why -> "failed: " + why);

        assertThat(batcher.submit("zone", "a", Priority.SWITCH)).startsWith("failed: the call failed:")
                .contains("socket closed");
        assertThat(batcher.submit("zone", "b", Priority.SWITCH)).isEqualTo("written");
    }

    /**
     * A caller interrupted while its request is in a batch under way, which is then refused for another's sake, must not
     * wait for ever once nobody is left sending: it gives its request up.
     */
    @Test
    void aCallerInterruptedWhileItsBatchWasUnderWayDoesNotWaitForEverWhenTheBatchIsRefused() throws Exception {
        CountDownLatch turnAsked = new CountDownLatch(1);
        CountDownLatch turnGiven = new CountDownLatch(1);
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        Batcher<String, String, String> batcher = new Batcher<>((zone, batch, priority) -> {
            inCall.countDown();
            held(answer);
            return new Answer.Refused<>(Map.of("stale-a", "owner changed")); // b goes again
        }, priority -> {
            turnAsked.countDown();
            held(turnGiven);
            return true;
        }, 10, r -> 1, r -> r, why -> "failed: " + why);
        java.util.concurrent.atomic.AtomicReference<String> b = new java.util.concurrent.atomic.AtomicReference<>();
        Future<String> a = callers.submit(() -> batcher.submit("zone", "stale-a", Priority.SWITCH));
        held(turnAsked);
        Thread bThread = new Thread(() -> b.set(batcher.submit("zone", "b", Priority.SWITCH)));
        bThread.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> batcher.waiting().getOrDefault("zone", 0) == 2);
        turnGiven.countDown();
        held(inCall); // a and b are in the call
        // b waits for its answer (not merely admitted): the interrupt is one of a caller whose batch is under way
        await().atMost(Duration.ofSeconds(10)).until(() -> bThread.getState() == Thread.State.WAITING);
        bThread.interrupt();
        answer.countDown();

        assertThat(a.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("owner changed");
        bThread.join(10_000);
        assertThat(bThread.isAlive()).as("b's caller returned").isFalse();
        assertThat(b.get()).isEqualTo("failed: interrupted before it was sent");
    }

    /**
     * A caller whose interrupt flag is set when it comes, with nobody sending, must not become the sender: a call made
     * on an interrupted thread fails (an interrupted socket), and would answer every request of its batch with the
     * interrupt. It gives its own request up at once, the flag kept, and nothing is sent; the next caller sends.
     */
    @Test
    void aCallerInterruptedBeforeItComesGivesItsRequestUpAndSendsNothing() throws Exception {
        releaseFirst.countDown();
        Batcher<String, String, String> batcher = batcher(10, r -> r);
        record Returned(String outcome, boolean stillInterrupted) {
        }

        Future<Returned> interrupted = callers.submit(() -> {
            Thread.currentThread().interrupt();
            String outcome = batcher.submit("zone", "a", Priority.SWITCH);
            return new Returned(outcome, Thread.currentThread().isInterrupted());
        });

        assertThat(interrupted.get(10, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(new Returned("failed: interrupted before it was sent", true));
        assertThat(calls).as("nothing sent for the interrupted caller").isEmpty();
        assertThat(batcher.waiting()).as("its request withdrawn").isEmpty();
        assertThat(batcher.submit("zone", "b", Priority.SWITCH)).isEqualTo("written in call 1");
    }

    /**
     * Callers wait behind a batch under way; one of them is interrupted after the batch is answered, as it is about to
     * send the next: it withdraws its request, and another waiting caller takes over and sends the rest.
     */
    @Test
    void anInterruptedCallerThatWouldSendNextWithdrawsAndTheNextWaitingCallerSends() throws Exception {
        Batcher<String, String, String> batcher = batcher(10, r -> r);
        Future<String> first = callers.submit(() -> batcher.submit("zone", "first", Priority.SWITCH));
        held(firstHeld);
        java.util.concurrent.atomic.AtomicReference<Thread> bThread = new java.util.concurrent.atomic.AtomicReference<>();
        Future<String> b = callers.submit(() -> {
            bThread.set(Thread.currentThread());
            return batcher.submit("zone", "b", Priority.SWITCH);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> batcher.waiting().getOrDefault("zone", 0) == 1);
        Future<String> c = callers.submit(() -> batcher.submit("zone", "c", Priority.SWITCH));
        await().atMost(Duration.ofSeconds(10)).until(() -> batcher.waiting().getOrDefault("zone", 0) == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> bThread.get().getState() == Thread.State.WAITING);
        bThread.get().interrupt();
        releaseFirst.countDown();

        assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("written in call 1");
        assertThat(b.get(10, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo("failed: interrupted before it was sent");
        assertThat(c.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("written in call 2");
        assertThat(calls).containsExactly(List.of("first"), List.of("c"));
    }

    @Test
    void requestsACallDidNotReachGoAgainEachAloneAtItsOwnTurn() throws Exception {
        Batcher<String, String, String> batcher = new Batcher<>((zone, batch, priority) -> {
            calls.add(List.copyOf(batch));
            if (calls.size() == 1) {
                firstHeld.countDown();
                held(releaseFirst);
            }
            Map<String, String> reached = new LinkedHashMap<>();
            batch.stream().filter(r -> !r.startsWith("far"))
                    .forEach(r -> reached.put(r, "read in call " + calls.size()));
            return batch.size() == 1 ? new Answer.Each<>(Map.of(batch.get(0), "read alone in call " + calls.size()))
                    : new Answer.Partly<>(reached);
        }, priority -> true, 10, r -> 1, r -> r, why -> "failed: " + why);

        Map<String, String> outcomes = behindOne(batcher, List.of("a", "far-b", "c", "far-d"), Priority.SWITCH);

        assertThat(calls).containsExactly(List.of("first"), List.of("a", "far-b", "c", "far-d"), List.of("far-b"),
                List.of("far-d"));
        assertThat(outcomes).containsEntry("a", "read in call 2").containsEntry("far-b", "read alone in call 3")
                .containsEntry("far-d", "read alone in call 4");
    }

    /**
     * A call throttled after it answered some (a listing's second page): the others go again together at the next turn,
     * first in line; one throttled at every turn is answered after it went again {@link Batcher#THROTTLED_AGAIN} times.
     */
    @Test
    void requestsACallWasThrottledForGoAgainTogetherAndAreAnsweredWhenTheThrottleLasts() throws Exception {
        Batcher<String, String, String> batcher = new Batcher<>((zone, batch, priority) -> {
            calls.add(List.copyOf(batch));
            if (calls.size() == 1) {
                firstHeld.countDown();
                held(releaseFirst);
            }
            Map<String, String> answered = new LinkedHashMap<>();
            batch.stream().filter(r -> !r.startsWith("slow") && !(r.startsWith("late") && calls.size() == 2))
                    .forEach(r -> answered.put(r, "read in call " + calls.size()));
            return answered.size() == batch.size() ? new Answer.Each<>(answered)
                    : new Answer.Throttled<>(answered, "throttled");
        }, priority -> true, 10, r -> 1, r -> r, why -> "failed: " + why);

        Map<String, String> outcomes = behindOne(batcher, List.of("a", "late-b", "slow-c", "late-d"), Priority.SWITCH);

        assertThat(calls).containsExactly(List.of("first"), List.of("a", "late-b", "slow-c", "late-d"),
                List.of("late-b", "slow-c", "late-d"), List.of("slow-c"));
        assertThat(outcomes).containsEntry("a", "read in call 2").containsEntry("late-b", "read in call 3")
                .containsEntry("late-d", "read in call 3").containsEntry("slow-c", "throttled");
        assertThat(Batcher.THROTTLED_AGAIN).as("the calls above: slow-c went twice again").isEqualTo(2);
    }

    @Test
    void aRequestThatCannotBeWeighedFailsItsCallerAndNoOtherRequest() {
        releaseFirst.countDown();
        Batcher<String, String, String> batcher = new Batcher<>(this::api, priority -> true, 10, r -> {
            if (r.equals("unweighable")) {
                throw new IllegalArgumentException("a record set without a TTL");
            }
            return 1;
        }, r -> r, why -> "failed: " + why);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> batcher.submit("zone", "unweighable", Priority.SWITCH))
                .hasMessageContaining("without a TTL");
        assertThat(batcher.submit("zone", "a", Priority.SWITCH)).isEqualTo("written in call 1");
    }

    @Test
    void anAnswerThatAnswersNoneOfItsRequestsFailsThemInsteadOfSendingThemForEver() {
        releaseFirst.countDown();
        Batcher<String, String, String> batcher = new Batcher<>((zone, batch, priority) -> {
            calls.add(List.copyOf(batch));
            return new Answer.Partly<>(Map.of()); // a call that reached none of them
        }, priority -> true, 10, r -> 1, r -> r, why -> "failed: " + why);

        assertThat(batcher.submit("zone", "a", Priority.SWITCH))
                .isEqualTo("failed: the call answered none of its requests");
        assertThat(calls).as("sent once, not again and again").hasSize(1);
    }

    private static void held(CountDownLatch latch) {
        try {
            if (!latch.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
