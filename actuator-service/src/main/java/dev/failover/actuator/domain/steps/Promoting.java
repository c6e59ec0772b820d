package dev.failover.actuator.domain.steps;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.domain.data.LossExposure;

/**
 * A replica that may be promoted now: the fence and the data-loss budget passed.
 *
 * @param node     the replica as read on this pass
 * @param exposure what the promotion may lose; null for an operator's force past a check that measured nothing
 * @param move     how the backend is asked for it
 */
record Promoting(Database.Observation.Observed node, LossExposure exposure, Database.Move move) {
}
