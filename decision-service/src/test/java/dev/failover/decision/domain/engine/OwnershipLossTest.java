package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.SafetyRulesTest.DOWN;
import static dev.failover.decision.domain.engine.SafetyRulesTest.T0;
import static dev.failover.decision.domain.engine.SafetyRulesTest.UP;
import static dev.failover.decision.domain.engine.SafetyRulesTest.engine;
import static dev.failover.decision.domain.engine.SafetyRulesTest.rounds;
import static dev.failover.decision.domain.engine.SafetyRulesTest.run;
import static dev.failover.decision.domain.engine.SafetyRulesTest.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.model.OwnershipTerm;
import dev.failover.decision.domain.state.GroupView;

/**
 * Nothing is kept from a lost ownership (ADR 0002). An instance that loses a group (a rebalance, a lapsed lease)
 * may have decided meanwhile what it never published; when the group comes back, what the interim owner stored wins.
 */
class OwnershipLossTest {

    /** One group api: primary (ra), secondary (rb); the guard off, so a failover needs one region only. */
    static final String API = """
            version: 1
            locations: [loc-a, loc-b, loc-c]
            groups:
              - id: api
                dns: {zone: example.test., name: api.example.test.}
                safety: {correlatedFailureGuard: false}
                targets:
                  - {id: primary, region: ra, probe: {type: tcp, host: 192.0.2.1, port: 443}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: rb, probe: {type: tcp, host: 192.0.2.2, port: 443}, dns: {values: [192.0.2.2]}}
            """;

    static final List<SafetyRulesTest.Probe> PRIMARY_FAILS = timeline(rounds(0, 100, "secondary", UP, "api"),
            rounds(0, 20, "primary", UP, "api"), rounds(30, 100, "primary", DOWN, "api"));

    @org.junit.jupiter.params.ParameterizedTest(name = "evidence kept: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = { false, true })
    void aGroupComingBackTakesWhatTheInterimOwnerStoredNotWhatItDecidedUnpublished(boolean evidenceContinues) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine zombie = engine(API, clock);
        assertThat(run(zombie, clock, PRIMARY_FAILS)).contains("t=50 api FAILOVER primary->secondary");
        // the group is revoked before the failover went out: the decision is discarded
        assertThat(zombie.handover().release("api")).as("decisions discarded").isEqualTo(1);

        // meanwhile the interim owner, restored from the stored state (epoch 0), was paused by an operator
        DecisionEngine interim = engine(API, clock);
        assertThat(interim.apply(new Command.Pause("api", "investigating the primary", "carol")))
                .isInstanceOf(CommandOutcome.Accepted.class);
        GroupSnapshot stored = interim.snapshot("api").orElseThrow();

        // the group comes back: its stored state is restored
        zombie.handover().beginRestore("api", evidenceContinues);
        zombie.handover().restore(stored);
        zombie.handover().acquire("api");

        GroupView view = zombie.view("api").orElseThrow();
        assertThat(view.pause()).as("the operator's pause, set by the interim owner").isNotNull();
        assertThat(view.activeTarget()).as("the target actually served: the failover never went out")
                .isEqualTo("primary");
        assertThat(view.epoch()).isZero();
    }

    @Test
    void aTickAfterTheRevokeDecidesNothingForTheLostGroup() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(API, clock);
        // the primary is failing but not yet UNHEALTHY when the group is revoked
        assertThat(run(engine, clock, PRIMARY_FAILS.stream().filter(p -> p.at() <= 40).toList())).isEmpty();
        List<String> owned = List.of("api"); // the Ticker's list, computed just before the revoke
        engine.handover().release("api");
        run(engine, clock, PRIMARY_FAILS.stream().filter(p -> p.at() > 40).toList());
        clock.set(T0.plusSeconds(200));

        assertThat(engine.tick(owned)).as("outcomes of a tick for a group this instance no longer decides").isEmpty();
        assertThat(engine.hasUnpublished("api")).isFalse();
        assertThat(engine.view("api").orElseThrow().epoch()).isZero();
    }

    @Test
    void aRestoreTakesTheHighestEpochAmongTheRecordsItReadsWhateverTheirOrder() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine owner = engine(API, clock);
        run(owner, clock, PRIMARY_FAILS);
        owner.published("api", owner.view("api").orElseThrow().recentDecisions().get(0).decisionId());
        GroupSnapshot newer = owner.snapshot("api").orElseThrow();
        GroupSnapshot older = engine(API, clock).snapshot("api").orElseThrow();
        assertThat(newer.epoch()).isEqualTo(1);

        DecisionEngine next = engine(API, clock);
        next.handover().beginRestore("api");
        next.handover().restore(newer);
        next.handover().restore(older); // a zombie's late record of epoch 0, behind the newer one in the log
        next.handover().acquire("api");
        assertThat(next.view("api").orElseThrow().activeTarget()).isEqualTo("secondary");
        assertThat(next.view("api").orElseThrow().epoch()).isEqualTo(1);
    }

    /**
     * An eager rebalance revokes the group and hands it straight back, nobody else having read its input: the failures
     * counted before still count, so the failover comes when it would have without the rebalance. Evidence not known to
     * be complete starts from nothing, and the failover comes failuresToDown intervals later.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "evidence kept: {0} -> {1}")
    @org.junit.jupiter.params.provider.CsvSource({ "true, t=50 api FAILOVER primary->secondary",
            "false, t=70 api FAILOVER primary->secondary" })
    void aGroupHandedStraightBackKeepsItsEvidenceOnlyWhenNobodyElseReadItsInput(boolean evidenceContinues,
            String failover) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(API, clock);
        assertThat(run(engine, clock, PRIMARY_FAILS.stream().filter(p -> p.at() <= 40).toList())).isEmpty();
        GroupSnapshot stored = engine.snapshot("api").orElseThrow();

        engine.handover().release("api");
        engine.handover().beginRestore("api", evidenceContinues);
        engine.handover().restore(stored);
        engine.handover().acquire("api");

        assertThat(run(engine, clock, PRIMARY_FAILS.stream().filter(p -> p.at() > 40).toList())).as("decisions")
                .startsWith(failover);
    }

    /**
     * Two owners restored from the same state (a zombie cut off with its region, its successor) both decide; the
     * first owner decided under generation 7 (ADR 0002). After a rebalance the successor's generation is 8, and each
     * decides under the term of its own assignment. After the consumer group is re-created (deleted, its offsets
     * expired, moved to a new cluster) while the zombie of the old one still decides, the successor's
     * generation is 1, so the generation alone no longer sets it apart (both minted the same epoch before the term was
     * persisted). Their epochs differ, the successor's is the higher, and epochs stay monotonic across a restore.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}: the successor's generation {1}")
    @org.junit.jupiter.params.provider.CsvSource({ "a rebalance, 8", "a re-created consumer group, 1" })
    void twoOwnersRestoredFromTheSameStateNeverMintTheSameEpoch(String between, int successorGeneration) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine first = engine(API, clock);
        first.handover().beginRestore("api");
        first.handover().acquire("api", new OwnershipTerm(7, "decider-a"));
        run(first, clock, PRIMARY_FAILS.stream().filter(p -> p.at() <= 50).toList());
        first.published("api", first.view("api").orElseThrow().recentDecisions().get(0).decisionId());
        GroupSnapshot stored = first.snapshot("api").orElseThrow();

        ManualClock later = new ManualClock(T0.plusSeconds(300));
        DecisionEngine zombie = engine(API, later);
        DecisionEngine successor = engine(API, later);
        zombie.handover().beginRestore("api");
        zombie.handover().restore(stored);
        zombie.handover().acquire("api", new OwnershipTerm(7, "decider-a")); // its generation: it never learnt of the change
        successor.handover().beginRestore("api");
        successor.handover().restore(stored);
        successor.handover().acquire("api", new OwnershipTerm(successorGeneration, "decider-b"));
        for (DecisionEngine e : List.of(zombie, successor)) {
            assertThat(e.apply(new Command.Force("api", "primary", "back to the primary", "dave")))
                    .isInstanceOf(CommandOutcome.Accepted.class);
        }
        long zombieEpoch = zombie.unpublished("api").get(0).epoch();
        long successorEpoch = successor.unpublished("api").get(0).epoch();
        assertThat(zombieEpoch).as(between + ": the zombie's epoch, after the stored " + stored.epoch())
                .isGreaterThan(stored.epoch());
        assertThat(successorEpoch).as(between + ": the successor's epoch, above the zombie's " + zombieEpoch)
                .isGreaterThan(zombieEpoch);
    }

    /**
     * A pause changes no epoch. The new owner's pause must survive a snapshot of the same epoch that the
     * old owner wrote before it lost the group and that landed in the log after the new owner's (its producer retried).
     */
    @Test
    void aLateSnapshotOfAnEarlierTermNeverUndoesTheNewOwnersPauseOfTheSameEpoch() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine old = engine(API, clock);
        old.handover().beginRestore("api");
        old.handover().acquire("api", new OwnershipTerm(3, "decider-a"));
        GroupSnapshot ofOld = old.snapshot("api").orElseThrow();

        DecisionEngine owner = engine(API, clock);
        owner.handover().beginRestore("api");
        owner.handover().restore(ofOld);
        owner.handover().acquire("api", new OwnershipTerm(4, "decider-b"));
        assertThat(owner.apply(new Command.Pause("api", "investigating the primary", "carol")))
                .isInstanceOf(CommandOutcome.Accepted.class);
        GroupSnapshot ofOwner = owner.snapshot("api").orElseThrow();
        assertThat(ofOwner.epoch()).as("a pause mints no epoch").isEqualTo(ofOld.epoch());

        DecisionEngine next = engine(API, clock);
        next.handover().beginRestore("api");
        next.handover().restore(ofOwner);
        next.handover().restore(ofOld); // the old owner's record, behind the new owner's in the log
        next.handover().acquire("api", new OwnershipTerm(5, "decider-c"));
        assertThat(next.view("api").orElseThrow().pause()).as("the new owner's pause after the restore").isNotNull();
    }

    /**
     * Evidence kept through a rebalance, then results of the backlog older than staleAfter (read while catching up):
     * they are counted in their place, so a success among them ends the failures' run, and the failover is not brought
     * forward by failures on both sides of it. (Review of stop 39: "fail, fail, kept; success x4 dropped as STALE; fail"
     * made three; ADR 0007, "A takeover's backlog".)
     */
    @Test
    void aResultOfTheBacklogOlderThanStaleAfterCountsInItsPlace() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(API, clock);
        assertThat(run(engine, clock, PRIMARY_FAILS.stream().filter(p -> p.at() <= 40).toList())).isEmpty();
        GroupSnapshot stored = engine.snapshot("api").orElseThrow();
        engine.handover().release("api");
        engine.handover().beginRestore("api", true);
        engine.handover().restore(stored);
        engine.handover().acquire("api", OwnershipTerm.NONE);

        clock.set(T0.plusSeconds(75));
        for (String location : List.of("loc-a", "loc-b", "loc-c")) {
            // a success of the primary, after the failures kept, read 34 s after it started (staleAfter is 30 s): it
            // counts in its place and ends their run
            ProbeResult late = ProbeResult.of("api", "primary", "r", location, T0.plusSeconds(41), UP)
                    .durationMillis(5L)
                    .build();
            assertThat(engine.observe(late, null)).as("a backlog result from " + location)
                    .isInstanceOf(Outcome.Steady.class);
        }
        // failures at 80, 90, 100: three after the success, not two kept and one new
        assertThat(run(engine, clock, PRIMARY_FAILS.stream().filter(p -> p.at() > 75).toList())).as("decisions")
                .startsWith("t=100 api FAILOVER primary->secondary");
    }

    /**
     * A takeover after a long gap (a region lost with the group's coordinator in it: 15-20 s before another instance
     * owns the partition): the backlog holds the primary's failures, most of them older than staleAfter by the time they
     * are read. Counted in order, they are the consecutive run they were, and the new owner fails over as soon as it has
     * read them, on the newest, fresh ones. Ignoring the old ones made it wait for failuresToDown fresh results more.
     */
    @Test
    void aNewOwnerDecidesOnTheRunItsBacklogHoldsOnceTheNewestResultsAreFresh() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine lost = engine(API, clock);
        assertThat(run(lost, clock, PRIMARY_FAILS.stream().filter(p -> p.at() <= 20).toList())).isEmpty();
        GroupSnapshot stored = lost.snapshot("api").orElseThrow();

        DecisionEngine next = engine(API, clock);
        next.handover().beginRestore("api", false);
        next.handover().restore(stored);
        next.handover().acquire("api", OwnershipTerm.NONE); // owned, and caught up (observe) before anything is decided on it
        clock.set(T0.plusSeconds(75)); // staleAfter is 30 s: the results of t=30 and t=40 are older than that now
        List<Outcome> backlog = new java.util.ArrayList<>();
        // read at t=75: the secondary's successes up to t=70, the primary's results up to its failures of t=30, 40, 50
        // (the probes of the lost primary time out, so its results come later than the secondary's)
        for (SafetyRulesTest.Probe p : PRIMARY_FAILS.stream()
                .filter(p -> p.at() <= (p.target().equals("primary") ? 50 : 70))
                .toList()) {
            ProbeResult result = ProbeResult.of(p.group(), p.target(), "r", p.location(), T0.plusSeconds(p.at()),
                    p.outcome()).durationMillis(5L).failureReason(p.reason()).build();
            backlog.add(next.observe(result, null));
        }
        List<Outcome> firstEvaluation = next.tick(List.of("api"));
        assertThat(firstEvaluation).as("the new owner's first evaluation, at t=75: %s", firstEvaluation)
                .filteredOn(Outcome.Switched.class::isInstance).map(o -> ((Outcome.Switched) o).decision())
                .extracting(d -> d.kind() + " " + d.fromTarget() + "->" + d.toTarget())
                .containsExactly("FAILOVER primary->secondary");
        assertThat(backlog).as("the backlog's results: each counted").allMatch(Outcome.Steady.class::isInstance);
    }
}
