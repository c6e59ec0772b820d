package dev.failover.decision.domain.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * When one group switched automatically, oldest first, for as long as a budget counts them: the flap guard's hour and
 * the switch budget's day. An operator's resume starts them again. Part of {@link GroupState}, which owns them and changes
 * them only through its intent methods; not thread-safe, the engine serialises access.
 */
public final class AutomaticSwitches {

    private final Deque<Instant> at = new ArrayDeque<>();

    /** Automatic switches within {@code window} before {@code now}. */
    public int within(Duration window, Instant now) {
        // newest last: counted from the newest back to the first too old. The fleet's budget asks every group at every
        // view (a stream per group was a thirteenth of the decision-service's CPU with 1,000 groups)
        int count = 0;
        for (var newestFirst = at.descendingIterator(); newestFirst.hasNext(); count++) {
            if (newestFirst.next().plus(window).isBefore(now)) {
                break;
            }
        }
        return count;
    }

    /** Forgets those older than {@code window}: no budget counts them any more. */
    public void forgetOlderThan(Duration window, Instant now) {
        while (!at.isEmpty() && at.peekFirst().plus(window).isBefore(now)) {
            at.removeFirst();
        }
    }

    void switched(Instant when) {
        at.addLast(when);
    }

    /** They start again from {@code kept} (none, on a resume; a persisted snapshot's, on a restore). */
    void startFrom(List<Instant> kept) {
        at.clear();
        at.addAll(kept);
    }

    /** Oldest first: for a snapshot. */
    List<Instant> list() {
        return List.copyOf(at);
    }
}
