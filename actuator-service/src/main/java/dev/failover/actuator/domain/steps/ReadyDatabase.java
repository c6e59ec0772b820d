package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Database.Role;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.domain.data.FormerPrimary;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.topology.DatabaseRef;
import dev.failover.contract.topology.Target;

/**
 * A write that sends traffic to a target with a database node waits until that node is writable (ADR 0020), after the
 * target's capacity and before the DNS write. Each pass does the one next thing: fence the previous target's node while
 * it still takes writes, hold while the replica lags beyond what the decision may lose, or hand on a replica that may be
 * promoted ({@link PromoteDatabase} asks for it, after the promotion this step keeps for the way back is stored), and
 * observe until writable.
 * <ul>
 * <li>A planned move (switchover, drill) loses nothing: the old primary is fenced first (it must answer), then the replica
 * must have applied everything before it is promoted; a backend whose switchover does both itself (Aurora's) is asked
 * for it at once; while its old writer answers, so is any other move (that backend's writer cannot be fenced).</li>
 * <li>An unplanned failover promotes a replica that lags by at most the group's {@code safety.maxDataLossSeconds}; the old
 * primary is fenced where it answers (where it does not, the DNS switch and the user's own fencing protect).</li>
 * <li>An operator's force promotes whatever the lag (the decision carries its reason and principal).</li>
 * <li>A node that was fenced as an old primary is never made writable again here: it must be rebuilt as a replica first
 * (the database never fails back on its own).</li>
 * </ul>
 */
record ReadyDatabase() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!(pass.goal() instanceof Goal.Decided goal)
                || !use.traffic().sendsTrafficToTarget(goal.config(), goal.desired())) {
            return pass.go(); // no decision yet, or the first step of a planned move (it only lowers the TTL)
        }
        DatabaseRef ref = goal.target().database();
        if (ref == null) {
            return pass.go();
        }
        return databaseWait(goal, ref, pass, use);
    }

    /** Goes on when the target's node is writable or may be promoted now; otherwise ends the pass. */
    private static Next databaseWait(Goal.Decided goal, DatabaseRef ref, Pass pass, Backends use) {
        Instant now = pass.now();
        Target target = goal.target();
        String kind = Databases.kind(ref);
        Decision decision = goal.desired().decision();
        Optional<Observation> read = use.databases().observe(ref);
        read.ifPresent(seen -> use.dataTier().seen(target.id(), seen, now));
        if (read.isEmpty()) {
            return pass.block(ActuationStep.DATABASE, kind, "no " + kind + " backend" + (ref.credentials() == null
                    ? "" : " or login '" + ref.credentials() + "'") + " is configured for " + target.id()
                    + "'s database; DNS"
                    + " not switched", use);
        }
        if (read.get() instanceof Observation.Unavailable unavailable) {
            return pass.retryLater(target.id() + "'s database unavailable: " + unavailable.reason()
                    + "; DNS waits for it", use);
        }
        if (read.get() instanceof Observation.Rejected rejected) {
            return pass.block(ActuationStep.DATABASE, kind, "reading " + target.id() + "'s database was refused: "
                    + rejected.reason(), use);
        }
        Observation.Observed node = (Observation.Observed) read.get();
        Optional<Target> previous = PromotionGate.previous(goal, use);
        DesiredState.Promotion promotion = goal.desired().promotion();
        if (node.role() == Role.FENCED && promotion != null && promotion.phase() == DesiredState.Phase.TAKEN_BACK
                && promotion.target().equals(target.id())) {
            return pass.block(ActuationStep.DATABASE, kind, promotion.detail(), use);
        }
        if (node.role() == Role.FENCED) {
            return pass.block(ActuationStep.DATABASE, kind, target.id() + "'s database " + ref.node()
                    + " was fenced as an old primary: it takes no writes until it is rebuilt as a replica of the current"
                    + " primary (pg_rewind or a new base backup) and moved back by a planned switchover (ADR 0020)",
                    use);
        }
        Optional<FormerPrimary> former = use.dataTier().formerPrimary(target.id());
        if (former.isPresent()) {
            // writable, but on a history the group left: traffic there would write beside the real primary,
            // and the guard would then fence the node with every write since the failover
            return pass.block(ActuationStep.DATABASE, kind, target.id() + "'s database " + ref.node()
                    + " is a former primary: " + former.get().why()
                    + ". It gets no traffic and is fenced; rebuild it as a"
                    + " replica of " + former.get().newer()
                    + "'s node (pg_rewind or a new base backup) and move back by a"
                    + " planned switchover (ADR 0020)", use);
        }
        if (node.role() == Role.WRITABLE) {
            // promoted on an earlier pass (whose fence attempt came before it), or already the primary: DNS goes on at
            // once; an old primary that answers again later is FenceOtherWritable's, after the switch is served
            String writable = target.id() + "'s database " + ref.node() + " is writable";
            Optional<Duration> took = use.dataTier().writable(now);
            return pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.SUCCEEDED, kind, writable, writable
                    + took.map(t -> String.format(java.util.Locale.ROOT, ", %.1f s after its promotion was requested",
                            t.toMillis() / 1000.0)).orElse(""))
                    .go();
        }
        // a replica: the old primary fenced where it answers, and what may be lost measured, before the promotion
        boolean planned = decision.kind().planned();
        // an atomic switchover (Aurora's) waits for the replica and demotes the old primary itself: asked for at once
        boolean atomic = planned && use.databases().switchesOverItself(ref);
        LossExposure exposure = null;
        Database.Move move = planned ? Database.Move.PLANNED : Database.Move.UNPLANNED;
        if (!atomic) {
            PromotionGate before = previous.isPresent()
                    ? PromotionGate.oldPrimaryFirst(previous.get(), goal, node, pass, use)
                    : PromotionGate.budgetGate(goal, node, pass, use);
            if (before instanceof PromotionGate.Wait wait) {
                return wait.next();
            }
            PromotionGate.Promote promote = (PromotionGate.Promote) before;
            pass = promote.pass();
            exposure = promote.exposure();
            move = promote.move();
        }
        Pass promoting = pass.promoting(new Promoting(node, exposure, move));
        if (goal.desired().lastPromoted().filter(p -> p.epoch() == goal.desired().epoch()
                && p.target().equals(target.id())).isEmpty()) {
            // kept before it is asked for: without timelines, only this shows the node left behind a former primary,
            // to whichever instance owns the group next (ADR 0020, "Lineage of a backend without timelines")
            promoting = promoting.promoted(new DesiredState.Promoted(goal.desired().epoch(), target.id(), now));
        }
        if (planned && !atomic && previous.isPresent() && goal.desired().ownPromotion().isEmpty() && node.wal() != null
                && node.wal().nextXid() != 0 && node.unreplayedBytes() == 0) {
            // kept before it is asked for: the way back, should the switch be refused after it, shows from it that no
            // write reached the promoted node. Read with everything replayed: a replica hands out no transaction ids,
            // so the promoted node starts from this one
            promoting = promoting.promotion(DesiredState.Promotion.requested(goal.desired().epoch(), target.id(),
                    previous.get().id(), node.wal().nextXid()));
        }
        return promoting.go();
    }
}
