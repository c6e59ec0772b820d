package dev.failover.decision.domain.rules;

import java.time.Duration;
import java.time.Instant;

import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.GroupState;

/** Rule 5, "dwell-time": no automatic switch less than minDwellSeconds after the group's last switch. */
final class DwellRule implements SwitchGuard {

    static final String NAME = "dwell-time";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RuleVerdict check(Evaluation e, Move.Switch proposal) {
        GroupState s = e.state();
        int minDwellSeconds = s.thresholds().minDwellSeconds();
        Duration dwell = Duration.ofSeconds(minDwellSeconds);
        Instant last = s.lastSwitchAt();
        if (last != null && last.plus(dwell).isAfter(e.now())) {
            return RuleVerdict.held(Outcome.HoldReason.DWELL_TIME, proposal.describe()
                    + " waits: last switch at " + last + " is less than " + dwell + " ago");
        }
        return RuleVerdict.passed(() -> last == null ? "no switch before"
                : "last switch at " + last + ", at least " + minDwellSeconds + " s before");
    }
}
