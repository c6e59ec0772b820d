package dev.failover.actuator.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The account's turns: who goes first, and how the rate gives way to Throttling and comes back. */
class RequestBudgetTest {

    final AtomicLong nanos = new AtomicLong();
    final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Test
    void anInstanceAloneHasTheWholeAccountAndThrottlingHalvesItDownToItsShare() {
        RequestBudget budget = new RequestBudget("route53", 5, 5.0 / 6, nanos::get);
        assertThat(budget.rate()).as("at start: the account's rate, not a sixth of it").isEqualTo(5);

        budget.throttled();
        assertThat(budget.rate()).isEqualTo(2.5);
        for (int i = 0; i < 3; i++) {
            advance(Duration.ofSeconds(1)); // a tenth back each second, then halved again
            budget.throttled();
        }
        assertThat(budget.rate()).as("never below the share owed when all six are busy").isEqualTo(5.0 / 6);
    }

    @Test
    void theThrottlesOfOneSecondHalveTheRateOnce() {
        RequestBudget budget = new RequestBudget("route53", 4, 0.5, nanos::get);
        for (int i = 0; i < 4; i++) {
            budget.throttled(); // the answers to four requests under way when the account ran out
            advance(Duration.ofMillis(100));
        }
        assertThat(budget.rate()).as("one event: halved once, not to the floor").isEqualTo(2);
        advance(Duration.ofMillis(700));
        budget.throttled();
        assertThat(budget.rate()).as("a second later: halved again (after a tenth of 4 came back)").isEqualTo(1.2);
    }

    @Test
    void aWaitingRequestWhosePriorityRisesGoesBeforeALaterSwitch() {
        RequestBudget budget = new RequestBudget("route53", 2, 2, nanos::get);
        List<String> granted = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Priority> batch = new java.util.concurrent.atomic.AtomicReference<>(
                Priority.RESYNC);
        assertThat(budget.acquire(Priority.RESYNC)).isTrue();
        callers.submit(() -> budget.acquire(batch::get) && granted.add("batch of resyncs, a switch joins"));
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() == 1);
        batch.set(Priority.SWITCH); // a switch joins the batch: it no longer stands aside as a resync would
        callers.submit(() -> budget.acquire(Priority.SWITCH) && granted.add("later switch"));
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() == 2);

        for (int turn = 1; turn <= 2; turn++) {
            advance(Duration.ofMillis(500));
            int expected = turn;
            await().atMost(Duration.ofSeconds(10)).until(() -> granted.size() == expected);
        }
        assertThat(granted).containsExactly("batch of resyncs, a switch joins", "later switch");
    }

    @Test
    void theRateGrowsBackByATenthOfTheAccountEverySecondWithoutThrottling() {
        RequestBudget budget = new RequestBudget("route53", 4, 1, nanos::get);
        budget.throttled(); // 2
        advance(Duration.ofMillis(900));
        assertThat(budget.rate()).as("less than a second: unchanged").isEqualTo(2);
        advance(Duration.ofMillis(1100));
        assertThat(budget.rate()).as("two seconds: two tenths of 4 back").isCloseTo(2.8,
                org.assertj.core.data.Offset.offset(1e-9));
        advance(Duration.ofSeconds(60));
        assertThat(budget.rate()).as("never above the account's rate").isEqualTo(4);
    }

    @Test
    void turnsAreSpacedAtTheRateInTheOrderTheyWereAskedFor() {
        RequestBudget budget = new RequestBudget("route53", 2, 2, nanos::get);
        List<String> granted = new CopyOnWriteArrayList<>();
        assertThat(budget.acquire(Priority.RESYNC)).isTrue(); // the first turn at once; the next 500 ms later
        for (String name : List.of("resync-1", "resync-2", "resync-3")) {
            int before = budget.waiting();
            callers.submit(() -> budget.acquire(Priority.RESYNC) && granted.add(name));
            await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() == before + 1);
        }
        advance(Duration.ofMillis(499));
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(granted::isEmpty);

        for (int turn = 1; turn <= 3; turn++) {
            advance(Duration.ofMillis(500));
            int expected = turn;
            await().atMost(Duration.ofSeconds(10)).until(() -> granted.size() == expected);
        }
        assertThat(granted).containsExactly("resync-1", "resync-2", "resync-3");
    }

    /**
     * A switched group's confirmation waiting when another group's switch comes gives its turn up too: it held a pass
     * thread the switching groups' passes needed (ADR 0022, "Resyncs stand aside while switches wait").
     */
    @Test
    void aWaitingConfirmationGivesItsTurnUpToASwitchButNotToAResync() throws Exception {
        RequestBudget budget = new RequestBudget("route53", 2, 2, nanos::get);
        assertThat(budget.acquire(Priority.CONFIRM)).isTrue();
        var confirm = callers.submit(() -> budget.acquire(Priority.CONFIRM));
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() == 1);
        var resync = callers.submit(() -> budget.acquire(Priority.RESYNC));
        await().atMost(Duration.ofSeconds(10)).until(() -> resync.isDone());
        assertThat(resync.get()).as("the resync gives its turn up to the confirmation").isFalse();
        assertThat(confirm.isDone()).isFalse();

        var swtch = callers.submit(() -> budget.acquire(Priority.SWITCH));
        assertThat(confirm.get(10, TimeUnit.SECONDS)).as("the confirmation gives its turn up to the switch").isFalse();
        advance(Duration.ofMillis(500));
        assertThat(swtch.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anInterruptedWaitGivesItsTurnUp() throws Exception {
        RequestBudget budget = new RequestBudget("route53", 1, 1, nanos::get);
        budget.acquire(Priority.SWITCH);
        var waiting = callers.submit(() -> budget.acquire(Priority.SWITCH));
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() == 1);
        callers.shutdownNow();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(budget.waiting()).isZero();
    }

    @Test
    void aFloorAboveTheCeilingIsRefused() {
        assertThatThrownBy(() -> new RequestBudget("route53", 1, 2, nanos::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("floor 2.0 and ceiling 1.0");
    }

    /**
     * A settled group's resync already waiting when a region's switches begin gives its turn up (ADR 0022, "Resyncs
     * stand aside while switches wait"): a group has one pass at a time, and its own decision waited behind a resync
     * starved by the switches for as long as they came.
     */
    @Test
    void aWaitingResyncGivesItsTurnUpWhenASwitchComes() throws Exception {
        RequestBudget budget = RequestBudget.fixed("route53", 0.2); // a turn every 5 s, on the real clock
        assertThat(budget.acquire(Priority.SWITCH)).isTrue(); // the first turn, at once
        java.util.concurrent.Future<Boolean> resync = callers.submit(() -> budget.acquire(Priority.RESYNC));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> budget.waiting() == 1);
        java.util.concurrent.Future<Boolean> swtch = callers.submit(() -> budget.acquire(Priority.SWITCH));

        assertThat(resync.get(2, java.util.concurrent.TimeUnit.SECONDS)).as("the resync's turn, given up").isFalse();
        assertThat(swtch.isDone()).as("the switch still waits for its turn").isFalse();
        assertThat(budget.waiting()).isEqualTo(1);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}
