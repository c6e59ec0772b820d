package dev.failover.actuator.domain.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsProvider.ReadOutcome;
import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.domain.data.DataTierWatch;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.plan.Progress;
import dev.failover.actuator.domain.plan.Said;
import dev.failover.actuator.domain.reconcile.DatabaseStepTest;
import dev.failover.actuator.domain.reconcile.GroupReconcilerTest;
import dev.failover.actuator.domain.reconcile.GroupReconcilerTest.ScriptedDns;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.ServePolicy;
import dev.failover.contract.topology.TopologyLoader;

/**
 * The check before a database moves, for a group written to several providers (ADR 0036, "How the group steps read
 * several lanes"): every lane read is asked; one that refuses blocks the move under "all", and is left to be REFUSED
 * alone under "any" while another checked the switch, whichever lane the group's steps are judged by.
 */
class PreflightLanesTest {

    final ManualClock clock = new ManualClock(GroupReconcilerTest.T0);
    final ScriptedDns knot = new ScriptedDns(Routing.SINGLE);
    final ScriptedDns bind = new ScriptedDns(Routing.SINGLE);
    final TrafficPlan plan = TrafficPlans.of(Routing.SINGLE, 100, List.of());
    final ProviderLane knotLane = new ProviderLane("knot", knot, plan, null, null);
    final ProviderLane bindLane = new ProviderLane("bind", bind, plan, null, null);
    final FailoverGroup config = TopologyLoader
            .parse(DatabaseStepTest.topologyYaml("jdbc:postgresql://192.0.2.1:5432/app",
                    "jdbc:postgresql://192.0.2.2:5432/app", 30), "test")
            .group("api").orElseThrow();

    Next check(ServePolicy policy) {
        DesiredState desired = DesiredState
                .of(GroupReconcilerTest.decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        Goal goal = new Goal.Decided(config, config.target("secondary").orElseThrow(), desired,
                plan.wanted(config, desired));
        RecordKey key = RecordKey.of(config);
        List<Lanes.LaneView> views = List.of(view(knotLane, key), view(bindLane, key));
        Pass pass = Pass.start(goal, clock.instant(), Progress.idle().adopt(desired, clock.instant()))
                .judgedBy(views.get(0), new Lanes(views, policy));
        Backends use = new Backends("api", knotLane, Scalers.none(), Databases.none(), RegionSwitch.NONE,
                new ReconcileSettings(Duration.ofSeconds(30), Duration.ofSeconds(2), new Backoff(Duration.ofMillis(200),
                        Duration.ofSeconds(10), Duration.ZERO, () -> 0.0), Duration.ofSeconds(60),
                        Duration.ofMinutes(5)),
                clock, new DataTierWatch());
        return new PreflightSwitch().apply(pass, use);
    }

    static Lanes.LaneView view(ProviderLane lane, RecordKey key) {
        ScriptedDns dns = (ScriptedDns) lane.provider();
        dns.store.serve(key, List.of(dev.failover.actuator.dns.RecordSet.simple(30, java.util.Set.of("192.0.2.1"))));
        return new Lanes.LaneView(lane, ((ReadOutcome.Served) dns.read(key, java.util.Optional.empty())).record(),
                new Pass.Ownership.NotOurs());
    }

    static List<String> said(Next next) {
        return next.pass().effects().stream().filter(e -> e instanceof Said.Report).map(e -> (Said.Report) e)
                .map(r -> r.step() + " " + r.status() + " " + r.provider()).toList();
    }

    @Test
    void underAnyALaneThatRefusesIsLeftAloneWhileAnotherChecked() {
        knot.refuses = "NOTAUTH: TSIG key not known";

        Next next = check(ServePolicy.ANY);

        assertThat(next).as("the move goes on: bind checked the switch").isInstanceOf(Next.Continue.class);
        assertThat(said(next)).containsExactly("DATABASE SUCCEEDED bind");
        assertThat(next.pass().progress().preflighted()).isTrue();
    }

    @Test
    void underAllALaneThatRefusesBlocksTheMoveBeforeAnythingIsFencedOrPromoted() {
        bind.refuses = "REFUSED: not authoritative";

        Next next = check(ServePolicy.ALL);

        assertThat(next).isInstanceOf(Next.Done.class);
        assertThat(next.pass().progress().convergence()).isInstanceOf(Convergence.Blocked.class);
        assertThat(((Convergence.Blocked) next.pass().progress().convergence()).reason())
                .contains("bind (REFUSED: not authoritative) would refuse the switch to secondary");
    }

    @Test
    void underAnyEveryLaneRefusingBlocksTheMove() {
        knot.refuses = "NOTAUTH";
        bind.refuses = "NOTAUTH";

        assertThat(check(ServePolicy.ANY).pass().progress().convergence()).isInstanceOf(Convergence.Blocked.class);
    }
}
