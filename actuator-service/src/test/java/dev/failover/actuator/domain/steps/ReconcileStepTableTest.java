package dev.failover.actuator.domain.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.data.DataTierWatch;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Effect;
import dev.failover.actuator.domain.plan.Gate;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.plan.Progress;
import dev.failover.actuator.domain.plan.Said;
import dev.failover.actuator.domain.reconcile.GroupReconcilerTest;
import dev.failover.actuator.domain.reconcile.GroupReconcilerTest.FakeScaler;
import dev.failover.actuator.domain.reconcile.GroupReconcilerTest.ScriptedDns;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;

/**
 * Each reconcile step on its own (ADR 0021): a pass as far as it has come goes in, the step's verdict comes out — go on
 * or end the pass (and when the next one is wanted), the effects it asks for, the group's convergence after it. No
 * reconciler: the steps are functions of the pass and the backends. One row per step at least, in the steps' order;
 * adding a step adds a row here (the last test says which step has none).
 */
class ReconcileStepTableTest {

    static final Duration RESYNC = Duration.ofSeconds(30);
    static final Duration POLL = Duration.ofSeconds(2);

    /** One group's backends and its record, as a pass of the steps finds them. */
    static final class Fixture {
        final ManualClock clock = new ManualClock(GroupReconcilerTest.T0);
        final ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        final FakeScaler scaler = new FakeScaler();
        final Topology topology = GroupReconcilerTest.topology("report");
        final FailoverGroup config = topology.group("api").orElseThrow();
        final TrafficPlan traffic = TrafficPlans.of(Routing.SINGLE, 100, List.of());
        final Backends use = new Backends("api", ProviderLane.only(dns, traffic),
                GroupReconcilerTest.scalersOf(topology, scaler), Databases.none(), RegionSwitch.NONE,
                new ReconcileSettings(RESYNC, POLL, new Backoff(Duration.ofMillis(200),
                        Duration.ofSeconds(10), Duration.ZERO, () -> 0.0), Duration.ofSeconds(60),
                        Duration.ofMinutes(5)),
                clock, new DataTierWatch());

        /** The initial state's pass, nothing read yet. */
        Pass initial() {
            return Pass.start(new Goal.Initial(config, traffic.initial(config)), clock.instant(), Progress.idle());
        }

        /** A decision's pass (epoch 1, at its first step), nothing read yet. */
        Pass decided(DecisionKind kind, String from, String to) {
            return at(DesiredState.after(null, GroupReconcilerTest.decision(1, kind, from, to)));
        }

        Pass at(DesiredState desired) {
            Goal goal = new Goal.Decided(config, config.target(desired.target()).orElseThrow(), desired,
                    traffic.wanted(config, desired));
            return Pass.start(goal, clock.instant(), Progress.idle().adopt(desired, clock.instant()));
        }

        /** The pass after it read the record, as the step before does it (its effects applied). */
        Pass readOnly(Pass pass) {
            return new ReadRecord().apply(pass, use).pass().applied(pass.progress());
        }

        /** The pass after it read the record and checked its owner, as the steps before do it. */
        Pass read(Pass pass) {
            return new CheckOwner().apply(readOnly(pass), use).pass().applied(pass.progress());
        }

        /** The way opened by the group's steps, as {@link OpenGate} does it. */
        Pass open(Pass pass) {
            return pass.gated(Gate.Open.of(pass.goal()));
        }

        /** The record serves what the pass's goal wants, written for it; then read. */
        Pass servedAsWanted(Pass pass) {
            dns.store.write(WriteRecord.intended(read(pass), use));
            return read(pass);
        }
    }

    record Row(String situation, ReconcileStep step, Function<Fixture, Pass> pass, String verdict, List<String> effects,
            Class<? extends Convergence> convergence) {

        @Override
        public String toString() {
            return step.getClass().getSimpleName() + ": " + situation;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("a change whose save failed is stored before anything else", new SaveWrittenChange(),
                        f -> {
                            Pass p = f.decided(DecisionKind.FAILOVER, "primary", "secondary");
                            return p.with(p.progress().unstored(true));
                        },
                        "go", List.of("SaveUnstoredChange"), Convergence.Converging.class),
                new Row("a record that cannot be read: tried again with backoff", new ReadRecord(),
                        f -> {
                            f.dns.readFailures.add("connection refused");
                            return f.decided(DecisionKind.FAILOVER, "primary", "secondary");
                        },
                        "done PT0.2S", List.of("RECONCILE CONVERGING"), Convergence.Converging.class),
                new Row("a settled group's resync the provider deferred (switches wait for its budget): ends quietly,"
                        + " read again at the next resync", new ReadRecord(),
                        f -> {
                            Pass p = f.initial();
                            f.servedAsWanted(p);
                            f.dns.readFailures.add(ScriptedDns.DEFERRED + ": switches wait");
                            return p.with(p.progress().settled(f.clock.instant(), 0));
                        },
                        "done PT30S", List.of(), Convergence.Converged.class),
                new Row("a switched group's confirmation the provider deferred (others wait to switch): ends quietly,"
                        + " asked again in a second", new ReadRecord(),
                        f -> {
                            Pass p = f.at(DesiredState.after(null, GroupReconcilerTest.decision(1,
                                    DecisionKind.FAILOVER, "primary", "secondary")).written(ProviderLane.ONLY, "C1"));
                            f.dns.readFailures.add(ScriptedDns.DEFERRED + ": switches wait");
                            return p;
                        },
                        "done PT1S", List.of(), Convergence.Converging.class),
                new Row("a record read: shown in the status", new ReadRecord(),
                        f -> f.decided(DecisionKind.FAILOVER, "primary", "secondary"),
                        "go", List.of("Observed"), Convergence.Converging.class),
                new Row("a switch's first read from the zone's listing, which shows the record still to be switched: not"
                        + " read live", new ReadRecord(),
                        f -> {
                            f.dns.listing = f.dns.served();
                            f.dns.readFailures.add("connection refused: read live");
                            return f.decided(DecisionKind.FAILOVER, "primary", "secondary");
                        },
                        "go", List.of("Observed"), Convergence.Converging.class),
                new Row("a listing that shows the record switched already is not believed: read live", new ReadRecord(),
                        f -> {
                            Pass p = f.decided(DecisionKind.FAILOVER, "primary", "secondary");
                            f.servedAsWanted(p);
                            f.dns.listing = f.dns.served();
                            f.dns.readFailures.add("connection refused: read live");
                            return p;
                        },
                        "done PT0.2S", List.of("RECONCILE CONVERGING"), Convergence.Converging.class),
                new Row("a newer epoch's mark: this instance changes nothing", new CheckOwner(),
                        f -> {
                            f.servedAsWanted(f.at(DesiredState.after(null, GroupReconcilerTest.decision(5,
                                    DecisionKind.FAILOVER, "primary", "pilot"))));
                            return f.readOnly(f.decided(DecisionKind.FAILOVER, "primary", "secondary"));
                        },
                        "done PT30S", List.of("RECONCILE SUPERSEDED"), Convergence.Superseded.class),
                new Row("no promotion to take back", new TakeBackPromotion(),
                        f -> f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary")),
                        "go", List.of(), Convergence.Converging.class),
                new Row("a group without database nodes has none to fence", new FenceOtherWritable(),
                        f -> f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary")),
                        "go", List.of(), Convergence.Converging.class),
                new Row("a target without a database node: nothing to open", new OpenPromotedDatabase(),
                        f -> f.servedAsWanted(f.decided(DecisionKind.FAILOVER, "primary", "secondary")),
                        "go", List.of(), Convergence.Converging.class),
                new Row("a planned move whose from-target is not served starts at the switch", new StartMoveAtServed(),
                        f -> f.read(f.decided(DecisionKind.SWITCHOVER, "secondary", "pilot")),
                        "done PT0S", List.of("LOWER_TTL SKIPPED", "MoveTo"), Convergence.Converging.class),
                new Row("written, not yet served everywhere: polled", new AwaitPropagation(),
                        f -> {
                            Pass p = f.servedAsWanted(f.decided(DecisionKind.FAILOVER, "primary", "secondary"));
                            ServedRecord s = p.served();
                            return p.read(new ServedRecord(s.ownerText(), s.sets(), false)).applied(p.progress());
                        },
                        "done PT2S", List.of("RECONCILE CONVERGING"), Convergence.Converging.class),
                new Row("a planned move's lowered TTL served: held for the old TTL before the switch", new HoldStep(),
                        f -> f.servedAsWanted(f.decided(DecisionKind.SWITCHOVER, "primary", "secondary")),
                        "done PT30S", List.of("VERIFY SUCCEEDED", "RECONCILE CONVERGING"),
                        Convergence.Converging.class),
                new Row("the decision served for the first time: converged, said once", new Settle(),
                        f -> f.servedAsWanted(f.decided(DecisionKind.FAILOVER, "primary", "secondary")),
                        "go", List.of("VERIFY SUCCEEDED", "COMPLETE SUCCEEDED", "RECONCILE CONVERGED"),
                        Convergence.Converged.class),
                new Row("the initial state served as deployed: converged, the pass ends", new Settle(),
                        f -> f.servedAsWanted(f.initial()),
                        "done PT30S", List.of("RECONCILE CONVERGED"), Convergence.Converged.class),
                new Row("a failover served: nothing to scale down, the pass ends", new ScaleDownIfDue(),
                        f -> f.servedAsWanted(f.decided(DecisionKind.FAILOVER, "primary", "secondary")),
                        "done PT30S", List.of(), Convergence.Converging.class),
                new Row("the record changed by hand under drift: report", new HandleDrift(),
                        f -> {
                            f.servedAsWanted(f.decided(DecisionKind.FAILOVER, "primary", "secondary"));
                            f.dns.changeByHand(Set.of("198.51.100.7"));
                            return f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary"));
                        },
                        "done PT30S", List.of("RECONCILE DRIFT"), Convergence.Drifted.class),
                new Row("a scaled target not ready: scaled up, polled", new EnsureCapacity(),
                        f -> f.read(f.decided(DecisionKind.FAILOVER, "primary", "pilot")),
                        "done PT2S", List.of("RECONCILE CONVERGING"), Convergence.Converging.class),
                new Row("a target without a database node: no switch to check", new PreflightSwitch(),
                        f -> f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary")),
                        "go", List.of(), Convergence.Converging.class),
                new Row("a group naming no Region switch plan: nothing to run", new RunRegionSwitchPlan(),
                        f -> f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary")),
                        "go", List.of(), Convergence.Converging.class),
                new Row("a target without a database node: nothing to make writable", new ReadyDatabase(),
                        f -> f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary")),
                        "go", List.of(), Convergence.Converging.class),
                new Row("no replica handed on: nothing to promote", new PromoteDatabase(),
                        f -> f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary")),
                        "go", List.of(), Convergence.Converging.class),
                new Row("the steps before let the pass through: the way is open for the goal's epoch and step",
                        new OpenGate(), f -> f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary")),
                        "go", List.of(), Convergence.Converging.class),
                new Row("the group's steps have not opened the way: nothing written, the lane waits", new WriteRecord(),
                        f -> f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary"))
                                .gated(Gate.Closed.NOT_YET),
                        "done PT2S", List.of("RECONCILE CONVERGING"), Convergence.Converging.class),
                new Row("a gate opened for an earlier step opens no later one", new WriteRecord(),
                        f -> f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary"))
                                .gated(new Gate.Open(1, 1)),
                        "done PT2S", List.of("RECONCILE CONVERGING"), Convergence.Converging.class),
                new Row("the switch written: the next pass reads it back at once", new WriteRecord(),
                        f -> f.open(f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary"))),
                        "done PT0S", List.of("DNS_SWITCH SUCCEEDED"), Convergence.Converging.class),
                new Row("the provider took the write as a change: kept in the desired state, then stored",
                        new WriteRecord(),
                        f -> {
                            f.dns.writeFailures.add(new WriteOutcome.Written("switched", "change-1"));
                            return f.open(f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary")));
                        },
                        "done PT0S", List.of("DNS_SWITCH SUCCEEDED", "ChangeWritten", "SaveUnstoredChange"),
                        Convergence.Converging.class),
                new Row("the provider refuses the write for good: blocked", new WriteRecord(),
                        f -> {
                            f.dns.refuses = "AccessDenied";
                            return f.open(f.read(f.decided(DecisionKind.FAILOVER, "primary", "secondary")));
                        },
                        "done PT30S", List.of("DNS_SWITCH FAILED", "RECONCILE BLOCKED"), Convergence.Blocked.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachStepTakesThePassAndReturnsItsVerdictEffectsAndProgress(Row row) {
        Fixture fixture = new Fixture();
        Pass pass = row.pass().apply(fixture);

        Next next = row.step().apply(pass, fixture.use);

        String verdict = next instanceof Next.Done done ? "done " + done.after() : "go";
        assertThat(verdict).as("go on, or end the pass and when the next one is wanted").isEqualTo(row.verdict());
        assertThat(next.pass().effects().stream().map(ReconcileStepTableTest::describe).toList())
                .as("the effects asked for")
                .containsExactlyElementsOf(row.effects());
        assertThat(next.pass().progress().convergence()).isInstanceOf(row.convergence());
        assertThat(pass.effects()).as("the pass the step took is a value: unchanged").isEmpty();
    }

    @Test
    void everyStepOfAPassHasARow() {
        assertThat(rows().map(row -> row.step().getClass().getSimpleName()).distinct().toList())
                .as("the steps with a row, in order").containsExactlyElementsOf(ReconcileSteps.IN_ORDER.stream()
                        .map(step -> step.getClass().getSimpleName()).toList());
    }

    private static String describe(Effect effect) {
        return effect instanceof Said.Report r ? r.step() + " " + r.status() : effect.getClass().getSimpleName();
    }
}
