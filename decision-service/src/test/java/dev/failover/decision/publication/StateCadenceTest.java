package dev.failover.decision.publication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.engine.Engines;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.store.StateRecord;
import dev.failover.testkit.topology.TestProbeResults;
import dev.failover.testkit.topology.TestTopology;

/**
 * When a state record is due after one was published: a change of what a new owner restores, of a command outcome or
 * of a health verdict at once; per-result counters and time stamps only with the heartbeat.
 */
class StateCadenceTest {

    static final Duration HEARTBEAT = Duration.ofSeconds(60);
    static final Instant T0 = Instant.parse("2026-11-22T03:00:00Z");
    static final String GROUP = TestTopology.GROUP;

    static StateRecord published() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(TopologyLoader.parse(TestTopology.yaml("http://127.0.0.1:1/",
                "http://127.0.0.1:2/"), "test"), clock, () -> "d-1");
        for (String location : TestTopology.LOCATIONS) {
            engine.onProbeResult(TestProbeResults.up(GROUP, TestTopology.PRIMARY, location, clock.instant()));
        }
        var state = engine.publishableState(GROUP).orElseThrow();
        return new StateRecord(StateRecord.SCHEMA_VERSION, state.snapshot(), state.view(), List.of(), T0);
    }

    static GroupView withLocation(GroupView view, UnaryOperator<GroupView.LocationView> change) {
        List<GroupView.TargetView> targets = view.targets().stream()
                .map(t -> new GroupView.TargetView(t.target(), t.health(),
                        t.locations().stream().map(change).toList(), t.region(), t.destination(), t.dependencies(),
                        t.database()))
                .toList();
        return new GroupView(view.group(), view.mode(), view.activeTarget(), view.activeHealth(), view.epoch(),
                view.lastSwitchAt(), view.automation(), view.pin(), view.pause(), view.freeze(), view.drill(),
                view.lastDrill(),
                view.serving(), view.decidedVsServed(), targets, view.safety(), view.locationClocks(),
                view.recentDecisions(),
                view.audit(), view.recentActuations(), view.convergence());
    }

    static StateRecord withView(StateRecord record, GroupView view) {
        return new StateRecord(record.schemaVersion(), record.snapshot(), view, record.recentCommands(),
                record.publishedAt());
    }

    static Stream<Arguments> cases() {
        StateRecord base = published();
        GroupView view = base.view();
        return Stream.of(
                Arguments.of("the same record 5 s later", base, Duration.ofSeconds(5), false),
                Arguments.of("the same record just before the heartbeat", base, HEARTBEAT.minusMillis(1), false),
                Arguments.of("the same record at the heartbeat", base, HEARTBEAT, true),
                Arguments.of("newer results at every location, same verdicts", withView(base, withLocation(view,
                        l -> new GroupView.LocationView(l.location(), l.verdict(), l.consecutiveFailures() + 1,
                                l.consecutiveSuccesses() + 1, T0.plusSeconds(5), l.lastIgnored()))),
                        Duration.ofSeconds(5), false),
                Arguments.of("a location's verdict changed", withView(base, withLocation(view,
                        l -> new GroupView.LocationView(l.location(), LocationVerdict.DOWN, 3, 0, T0.plusSeconds(5),
                                l.lastIgnored(), FailureReason.TIMEOUT))),
                        Duration.ofSeconds(5), true),
                Arguments.of("a command outcome", new StateRecord(base.schemaVersion(), base.snapshot(), view, List.of(
                        new StateRecord.CommandResult("c-1",
                                dev.failover.decision.domain.model.CommandOutcome.Status.ACCEPTED,
                                null, null, "paused", List.of(), T0)),
                        base.publishedAt()), Duration.ofSeconds(5), true),
                Arguments.of("a new epoch in the snapshot",
                        new StateRecord(base.schemaVersion(), new dev.failover.decision.domain.model.GroupSnapshot(
                                GROUP, TestTopology.SECONDARY, base.snapshot().epoch() + 1, T0, List.of(), null, null,
                                null, null, List.of(),
                                List.of(), null, null, List.of(), List.of(), List.of(), null, null, 0, 0), view,
                                List.of(), base.publishedAt()),
                        Duration.ofSeconds(5), true));
    }

    @ParameterizedTest(name = "{0}: due {3}")
    @MethodSource("cases")
    void due(String name, StateRecord next, Duration later, boolean due) {
        StateCadence cadence = new StateCadence(HEARTBEAT);
        StateRecord first = published();
        assertThat(cadence.due(GROUP, StateCadence.Content.of(first), T0)).as("the first record").isTrue();
        cadence.published(GROUP, StateCadence.Content.of(first), T0);

        assertThat(cadence.due(GROUP, StateCadence.Content.of(next), T0.plus(later))).as(name).isEqualTo(due);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dueAgainOnceTheOwnershipEnded(String name, StateRecord next, Duration later, boolean due) {
        StateCadence cadence = new StateCadence(HEARTBEAT);
        cadence.published(GROUP, StateCadence.Content.of(published()), T0);
        cadence.forget(GROUP);
        assertThat(cadence.due(GROUP, StateCadence.Content.of(next), T0.plus(later))).as(name).isTrue();
    }
}
