package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.DecisionEngineTest.ALL;
import static dev.failover.decision.domain.engine.DecisionEngineTest.DOWN;
import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static dev.failover.decision.domain.engine.DecisionEngineTest.UP;
import static dev.failover.decision.domain.engine.DecisionEngineTest.rounds;
import static dev.failover.decision.domain.engine.DecisionEngineTest.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;

/**
 * A drill on a group with database nodes moves the data tier one way (ADR 0020). When the drill
 * target fails, the abort back to the old primary, fenced by the drill's promotion, is refused; the group falls through
 * to the next eligible target instead of staying on the failing drill target.
 */
class DatabaseDrillTest {

    static final String TOPOLOGY = """
            version: 1
            locations: [loc-a, loc-b, loc-c]
            groups:
              - id: api
                dns: {zone: example.test., name: api.example.test.}
                safety: {correlatedFailureGuard: false}
                targets:
                  - id: primary
                    region: us-east-1
                    probe: {type: tcp, host: 192.0.2.1, port: 443}
                    dns: {values: [192.0.2.1]}
                    database: {kind: postgres, url: "jdbc:postgresql://db-east:5432/app", credentials: app}
                  - id: secondary
                    region: us-west-2
                    probe: {type: tcp, host: 192.0.2.2, port: 443}
                    dns: {values: [192.0.2.2]}
                    database: {kind: postgres, url: "jdbc:postgresql://db-west:5432/app", credentials: app}
                  - id: tertiary
                    region: eu-west-1
                    probe: {type: tcp, host: 192.0.2.3, port: 443}
                    dns: {values: [192.0.2.3]}
                    database: {kind: postgres, url: "jdbc:postgresql://db-eu:5432/app", credentials: app}
            """;

    final ManualClock clock = new ManualClock(T0);
    final AtomicInteger ids = new AtomicInteger();
    final DecisionEngine engine = Engines.minimal(TopologyLoader.parse(TOPOLOGY, "test"), clock,
            () -> "d-" + ids.incrementAndGet());

    @Test
    void anAbortRefusedByTheFencedOldPrimaryFallsThroughToTheNextEligibleTarget() {
        DecisionEngineTest.run(engine, clock,
                timeline(rounds(0, 40, "primary", UP, ALL), rounds(0, 40, "secondary", UP, ALL),
                        rounds(0, 40, "tertiary", UP, ALL)));
        assertThat(engine.apply(new Command.StartDrill("api", "secondary", Duration.ofMinutes(30), "quarterly DR drill",
                "dave"))).isInstanceOf(CommandOutcome.Accepted.class);
        Decision start = engine.view("api").orElseThrow().recentDecisions().get(0);
        assertThat(start.kind()).isEqualTo(DecisionKind.DRILL_START);
        engine.feedback().onConvergence("api", start.decisionId(), start.epoch(), ActuationStatus.CONVERGED, "promoted",
                T0.plusSeconds(45));

        // the drill target fails: the drill aborts back to the primary, whose node the drill's promotion fenced
        List<String> switches = DecisionEngineTest.run(engine, clock, timeline(rounds(50, 90, "primary", UP, ALL),
                rounds(50, 90, "secondary", DOWN, ALL), rounds(50, 90, "tertiary", UP, ALL)));
        assertThat(switches).as("the abort").singleElement().asString().contains("DRILL_ABORT secondary->primary");
        Decision abort = engine.view("api").orElseThrow().recentDecisions().get(0);
        engine.feedback().onConvergence("api", abort.decisionId(), abort.epoch(), ActuationStatus.BLOCKED,
                "primary's database jdbc:postgresql://db-east:5432/app is fenced as an old primary",
                T0.plusSeconds(91));

        List<String> after = DecisionEngineTest.run(engine, clock, timeline(rounds(100, 160, "primary", UP, ALL),
                rounds(100, 160, "secondary", DOWN, ALL), rounds(100, 160, "tertiary", UP, ALL)));
        assertThat(after).as("after the refused abort: on to the next eligible target, never the fenced primary")
                .isNotEmpty().allSatisfy(s -> assertThat(s).doesNotContain("->primary")).first().asString()
                .contains("secondary->tertiary");
    }
}
