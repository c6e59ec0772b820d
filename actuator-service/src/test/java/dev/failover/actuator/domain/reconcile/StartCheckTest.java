package dev.failover.actuator.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.domain.data.DataTier;
import dev.failover.actuator.domain.data.DataTiers;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.contract.event.DecisionKind;

/**
 * Who may start as a primary (ADR 0020, "A former primary never starts writable"), as a table: the group's goal, the
 * nodes as last seen, the verdict.
 */
class StartCheckTest {

    static final Instant AT = Instant.parse("2026-11-26T03:00:00Z");

    /**
     * @param desired   the decision's target, or "-" for none (the initial state wants "primary")
     * @param nodes     target=ROLE pairs as last observed, space-separated
     * @param asking    the target whose node is about to start
     * @param verdict   WRITABLE, READ_ONLY or ASK_ANOTHER (this instance wants nothing)
     */
    @ParameterizedTest(name = "{0} | {1} | {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            -         | primary=WRITABLE secondary=REPLICA  | primary   | WRITABLE
            -         | primary=UNAVAILABLE secondary=REPLICA | primary | WRITABLE
            secondary | primary=UNAVAILABLE secondary=WRITABLE | primary | READ_ONLY
            secondary | ''                                   | primary   | READ_ONLY
            secondary | primary=UNAVAILABLE secondary=WRITABLE | secondary | WRITABLE
            primary   | primary=UNAVAILABLE secondary=WRITABLE | primary  | READ_ONLY
            primary   | primary=FENCED secondary=WRITABLE    | primary   | READ_ONLY
            secondary | primary=FENCED secondary=UNAVAILABLE | secondary | WRITABLE
            secondary | secondary=FENCED                     | secondary | READ_ONLY
            none      | ''                                   | primary   | ASK_ANOTHER
            """)
    void theVerdict(String desired, String nodes, String asking, String verdict) {
        Map<String, DataTier.Node> seen = new LinkedHashMap<>();
        for (String pair : nodes.isBlank() ? new String[0] : nodes.trim().split("\\s+")) {
            String[] kv = pair.split("=");
            seen.put(
                    kv[0], new DataTier.Node(
                            kv[1].equals("UNAVAILABLE") ? new Database.Observation.Unavailable("cut off")
                                    : new Database.Observation.Observed(Database.Role.valueOf(kv[1]), 0, 0, false, null,
                                            null, false),
                            AT));
        }
        DesiredState state = desired.equals("-") || desired.equals("none") ? null
                : DesiredState.of(GroupReconcilerTest.decision(2, DecisionKind.FAILOVER, "primary", desired));
        GroupStatus status = new GroupStatus("api", state, new Convergence.Idle(), null, null,
                desired.equals("-") ? "primary" : null, null, DataTiers.seen(seen, null, null));

        Optional<StartCheck.Verdict> judged = StartCheck.judge(status, asking);

        String got = judged.isEmpty() ? "ASK_ANOTHER" : judged.get().writable() ? "WRITABLE" : "READ_ONLY";
        assertThat(got).as(judged.map(StartCheck.Verdict::reason).orElse("")).isEqualTo(verdict);
        judged.ifPresent(v -> assertThat(v.reason()).contains(asking));
        judged.ifPresent(v -> assertThat(v.epoch()).isEqualTo(state == null ? 0 : state.epoch()));
    }

    /**
     * A region cut off from Kafka keeps its assignment and its stale view (here the initial state, which would say
     * "writable"); its lease has lapsed, so it answers nothing a guard may start writable on.
     */
    @Test
    void onlyAnInstanceThatHoldsItsLeaseAndDrivesTheGroupAnswers() {
        GroupStatus initial = new GroupStatus("api", null, new Convergence.Idle(), null, null, "primary", null,
                DataTiers.seen(Map.of(), null, null));

        assertThat(StartCheck.answer(Optional.empty(), initial, "primary")).isInstanceOfSatisfying(
                StartCheck.Answer.Given.class, g -> assertThat(g.verdict().writable()).isTrue());
        assertThat(StartCheck.answer(Optional.of("the coordinator lease lapsed 4 s ago"), initial, "primary"))
                .isInstanceOfSatisfying(StartCheck.Answer.NotNow.class, n -> assertThat(n.why())
                        .contains("the coordinator lease lapsed 4 s ago").contains("newer epoch"));
        assertThat(StartCheck.answer(Optional.empty(), null, "primary"))
                .isInstanceOf(StartCheck.Answer.NotDriven.class);
    }
}
