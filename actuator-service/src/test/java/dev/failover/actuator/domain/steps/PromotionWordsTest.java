package dev.failover.actuator.domain.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.steps.PromotionFinding.BeyondBudget;
import dev.failover.actuator.domain.steps.PromotionFinding.CaughtUpWithFence;
import dev.failover.actuator.domain.steps.PromotionFinding.FenceAsked;
import dev.failover.actuator.domain.steps.PromotionFinding.FenceFailed;
import dev.failover.actuator.domain.steps.PromotionFinding.FenceRefused;
import dev.failover.actuator.domain.steps.PromotionFinding.Fenced;
import dev.failover.actuator.domain.steps.PromotionFinding.ForcedBesideWriter;
import dev.failover.actuator.domain.steps.PromotionFinding.Lag;
import dev.failover.actuator.domain.steps.PromotionFinding.LagAfterFence;
import dev.failover.actuator.domain.steps.PromotionFinding.OlderTimeline;
import dev.failover.actuator.domain.steps.PromotionFinding.PlannedUnread;
import dev.failover.actuator.domain.steps.PromotionFinding.ReceivedAll;
import dev.failover.actuator.domain.steps.PromotionFinding.Receiving;
import dev.failover.actuator.domain.steps.PromotionFinding.ReplicatesAnother;
import dev.failover.actuator.domain.steps.PromotionFinding.Stopping;
import dev.failover.actuator.domain.steps.PromotionFinding.SwitchoverWaits;
import dev.failover.actuator.domain.steps.PromotionFinding.Unread;
import dev.failover.contract.event.DecisionKind;

/**
 * Each finding of the promotion gate and the sentence it is published as: the runbook, the tests and the system tests
 * quote these, so a change to one shows here first. Traffic moves from target {@code primary} (node pg-a) to
 * {@code secondary}.
 */
class PromotionWordsTest {

    static final String TO = "secondary";
    static final String FROM = "primary";
    static final String OLD = "pg-a";
    static final Database.Wal WRITTEN = wal(3, 0x4000000L, null);
    static final Lag LAG = new Lag(4.25, 1024, true);
    static final LossExposure WINDOW = new LossExposure.Window(Duration.ofSeconds(12),
            "it received everything primary had flushed 12.0 s ago");
    static final LossExposure UNKNOWN = new LossExposure.Unknown("the primary was never seen");

    static Stream<Arguments> findings() {
        return Stream.of(
                row("another source", PromotionWords.text(new ReplicatesAnother(TO, "pg-c", FROM, OLD)),
                        "held: secondary's replica replicates pg-c, not the old primary primary's node pg-a: it lacks"
                                + " everything written there since it took over, whatever its lag says, so primary's node"
                                + " is not fenced. Re-point it at primary's node (a new read replica of pg-a); an"
                                + " operator's force promotes it as it is"),
                row("an older timeline", PromotionWords.text(new OlderTimeline(TO, 2, FROM, 3)),
                        "held: secondary's replica follows timeline 2 while the old primary, primary's node, writes"
                                + " timeline 3: it replicates an older primary and will never receive what primary"
                                + " wrote, so primary's node, which takes the writes, is not fenced. Re-point it at"
                                + " primary's node (pg_rewind or a new base backup, primary_conninfo); an operator's"
                                + " force fences the old primary and promotes it as it is"),
                row("planned, unread", PromotionWords.text(new PlannedUnread(OLD, "connection refused")),
                        "a planned move fences the old primary pg-a first, and it cannot be read: connection refused"),
                row("unread, nothing configured", PromotionWords.text(new PlannedUnread(OLD,
                        PromotionWords.NOTHING_CONFIGURED)), "a planned move fences the old primary pg-a first, and it"
                                + " cannot be read: no backend or login configured"),
                row("unread, forced", PromotionWords.text(new Unread(OLD, "connection refused", new Stopping.Forced())),
                        "old primary pg-a not reachable, not fenced (connection refused); promoted by an operator's"
                                + " force, which takes the risk that it still takes writes"),
                row("unread, sent away", PromotionWords.text(new Unread(OLD, "connection refused",
                        new Stopping.SentAway())), "old primary pg-a not reachable, not fenced (connection refused);"
                                + " the DNS switch sends clients away from it, a fencing hook of your own stops it"),
                row("unread, shown stopped", PromotionWords.text(new Unread(OLD, "connection refused",
                        new Stopping.Shown("its fence agent's lease ran out 3 s ago"))), "old primary pg-a not"
                                + " reachable, not fenced (connection refused); its fence agent's lease ran out 3 s ago"),
                row("switchover", PromotionWords.text(new SwitchoverWaits(TO, OLD)),
                        "the switchover waits until secondary's replica holds everything the writer pg-a wrote, then"
                                + " demotes it"),
                row("fence asked", PromotionWords.text(new FenceAsked(new WriteOutcome.Requested(
                        "fenced: default_transaction_read_only on"), DecisionKind.FAILOVER)),
                        "fenced: default_transaction_read_only on (old primary, FAILOVER)"),
                row("fenced", PromotionWords.text(new Fenced(OLD, TO)),
                        "old primary pg-a fenced; secondary's replica is"
                                + " promoted once it has received everything the old primary wrote"),
                row("forced beside a writer", PromotionWords.text(new ForcedBesideWriter(OLD,
                        new WriteOutcome.Rejected("permission denied"))), "old primary pg-a takes writes and was not"
                                + " fenced (refused: permission denied); promoted by an operator's force all the same:"
                                + " two nodes take writes until it is stopped"),
                row("planned, fence refused", PromotionWords.text(new FenceRefused(true, OLD, TO, "permission denied")),
                        "a planned move fences the old primary pg-a first, and that was refused: permission denied."
                                + " Stop the writes to it yourself (or give the fence's login the right) and retry, or"
                                + " move with an operator's force, which promotes anyway"),
                row("fence refused", PromotionWords.text(new FenceRefused(false, OLD, TO, "permission denied")),
                        "old primary pg-a takes writes and could not be fenced: permission denied. Promoting"
                                + " secondary's replica beside it would make two writable primaries. Stop the writes to"
                                + " it yourself (or give the fence's login the right) and retry, or move with an"
                                + " operator's force, which promotes anyway"),
                row("fence failed",
                        PromotionWords.text(new FenceFailed(OLD, new WriteOutcome.Unavailable("timed out"))),
                        "fencing the old primary pg-a failed: unavailable: timed out"),
                row("caught up with the fence", PromotionWords.text(new CaughtUpWithFence(OLD)),
                        "its lag, read after the old primary pg-a was fenced, reaches back to before the fence (a session"
                                + " that turned the read-only default off for itself is not stopped by that fence)"),
                row("planned, lag after the fence: condition", PromotionWords.condition(new LagAfterFence(true, OLD, TO,
                        LAG)),
                        "a planned move loses nothing: waiting for secondary's replica lag, read after the fence,"
                                + " to show it holds everything written before it"),
                row("planned, lag after the fence", PromotionWords.text(new LagAfterFence(true, OLD, TO, LAG)),
                        "a planned move loses nothing: waiting for secondary's replica lag, read after the fence, to show"
                                + " it holds everything written before it (4.3 s, 1024 bytes not yet applied, replay"
                                + " paused)"),
                row("lag after the fence: condition", PromotionWords.condition(new LagAfterFence(false, OLD, TO, LAG)),
                        "the old primary pg-a answered and is fenced, so nothing need be lost: waiting for secondary's"
                                + " replica lag, read after the fence, to show it holds everything written before it"),
                row("lag after the fence", PromotionWords.text(new LagAfterFence(false, OLD, TO, LAG)),
                        "the old primary pg-a answered and is fenced, so nothing need be lost: waiting for secondary's"
                                + " replica lag, read after the fence, to show it holds everything written before it"
                                + " (4.3 s, 1024 bytes not yet applied, replay paused)"),
                row("received all", PromotionWords.text(new ReceivedAll(OLD, WRITTEN)),
                        "it received everything the fenced old primary pg-a wrote (timeline 3, up to 0/4000000)"),
                row("receiving: condition", PromotionWords.condition(receiving(null)),
                        "waiting for secondary's replica to receive everything the fenced old primary pg-a wrote"),
                row("receiving, streaming from", PromotionWords.text(receiving(new Database.Receiver(true,
                        "10.0.0.1:5432", null))),
                        receivingUpTo() + ", streaming from 10.0.0.1:5432; an operator's force"
                                + " promotes it as it is)"),
                row("receiving, streaming", PromotionWords.text(receiving(new Database.Receiver(true, null, null))),
                        receivingUpTo() + ", streaming; an operator's force promotes it as it is)"),
                row("receiving, not streaming",
                        PromotionWords.text(receiving(new Database.Receiver(false, null, null))),
                        receivingUpTo() + ", not streaming; an operator's force promotes it as it is)"),
                row("receiving, no receiver", PromotionWords.text(receiving(null)),
                        receivingUpTo() + ", its WAL receiver not running; an operator's force promotes it as it is)"),
                row("a lag", PromotionWords.lag(new Lag(12.04, 0, false)), "12.0 s, 0 bytes not yet applied"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("findings")
    void eachFindingHasItsSentence(String finding, String said, String sentence) {
        assertThat(said).isEqualTo(sentence);
    }

    /** A hold by the data-loss budget says four things: the result and the status, each with and without figures. */
    static Stream<Arguments> beyondBudget() {
        String sync = " (a budget of 0 needs secondary's replica to be the synchronous standby of the primary)";
        String window = "up to 12.0 s of acknowledged commits may be missing: it received everything primary had flushed"
                + " 12.0 s ago";
        String unknown = "what may be lost is unknown: the primary was never seen";
        return Stream.of(
                arguments("planned", new BeyondBudget(TO, true, 0, WINDOW, new Lag(12.04, 0, false)), "beyond",
                        "a planned move loses nothing" + sync, window),
                arguments("within 5 s", new BeyondBudget(TO, false, 5, WINDOW, new Lag(12.04, 0, false)), "beyond",
                        "beyond safety.maxDataLossSeconds 5", window),
                arguments("within 0 s", new BeyondBudget(TO, false, 0, WINDOW, new Lag(12.04, 0, false)), "beyond",
                        "beyond safety.maxDataLossSeconds 0" + sync, window),
                arguments("unknown", new BeyondBudget(TO, false, 5, UNKNOWN, new Lag(12.04, 0, false)), "unknown",
                        "beyond safety.maxDataLossSeconds 5", unknown),
                arguments("unknown, within 0 s", new BeyondBudget(TO, false, 0, UNKNOWN, new Lag(12.04, 0, false)),
                        "unknown", "beyond safety.maxDataLossSeconds 0", unknown));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("beyondBudget")
    void aHoldByTheBudgetSaysWhatItMayLose(String name, BeyondBudget held, String condition, String beyond,
            String exposure) {
        String lag = "12.0 s, 0 bytes not yet applied";
        assertThat(List.of(PromotionWords.resultCondition(held), PromotionWords.result(held),
                PromotionWords.condition(held), PromotionWords.text(held))).containsExactly(
                        "held: secondary's replica, " + condition + ", " + beyond,
                        "held: secondary's replica: " + exposure + "; " + beyond + " (" + lag + "); a force by an"
                                + " operator promotes it anyway",
                        "held by the data-loss budget: secondary's replica, " + condition + ", " + beyond,
                        "held by the data-loss budget: secondary's replica: " + exposure + "; " + beyond + " (" + lag
                                + "; an operator's force overrides it)");
    }

    private static Receiving receiving(Database.Receiver receiver) {
        return new Receiving(TO, OLD, WRITTEN, wal(3, 0x3000148L, receiver));
    }

    private static String receivingUpTo() {
        return "waiting for secondary's replica to receive everything the fenced old primary pg-a wrote (it wrote up to"
                + " timeline 3 0/4000000, the replica has received up to timeline 3 0/3000148";
    }

    private static Database.Wal wal(long timeline, long lsn, Database.Receiver receiver) {
        return new Database.Wal(timeline, lsn, false, List.of(), null, receiver, 0, 0);
    }

    private static Arguments row(String finding, String said, String sentence) {
        return arguments(finding, said, sentence);
    }
}
