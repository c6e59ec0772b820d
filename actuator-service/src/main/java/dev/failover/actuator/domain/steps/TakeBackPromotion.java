package dev.failover.actuator.domain.steps;

import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Database.Role;
import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.domain.model.DesiredState.Promotion;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.Target;

/**
 * The way back of a planned move whose switch was refused after the promotion (ADR 0020 "The way back"): the
 * old region's application is still served, its database fenced, the promoted node takes no traffic. If no transaction
 * reached the promoted node, the move is undone: each pass does the one next thing,
 * <ol>
 * <li>fence the promoted node (a write racing the check below then ends or is refused), once the old primary answers
 * (else no node would take writes);</li>
 * <li>read its next transaction id again, now that it is fenced: the same as just before its promotion shows that no
 * write reached it. Otherwise the move is kept (the node is unfenced again, the switch retried, the runbook's manual
 * way back applies);</li>
 * <li>unfence the old primary: it takes writes again; the promoted node stays fenced, its timeline abandoned, and the
 * group blocks until it is rebuilt as a replica.</li>
 * </ol>
 * Runs after the ownership check (a zombie undoes nothing), from the desired state's {@link Promotion}, so an owner that
 * restarts or takes over resumes it. A promotion taken back is told to the watch on every pass, the blocked group's
 * too, before the guard: the abandoned timeline must not make the old primary a former primary to fence.
 */
record TakeBackPromotion() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!(pass.goal() instanceof Goal.Decided goal) || goal.desired().promotion() == null) {
            return pass.go();
        }
        Promotion promotion = goal.desired().promotion();
        Optional<Target> promoted = goal.config().target(promotion.target()).filter(t -> t.database() != null);
        Optional<Target> from = goal.config().target(promotion.from()).filter(t -> t.database() != null);
        if (promoted.isEmpty() || from.isEmpty()) {
            return pass.go(); // the configuration changed under it: nothing of it left to undo
        }
        return switch (promotion.phase()) {
            case PROMOTED, KEPT -> pass.go();
            case TAKEN_BACK -> {
                use.dataTier().takenBack(promoted.get().id(), promotion.timeline(), from.get().id(),
                        promotion.fromTimeline());
                yield pass.go();
            }
            case TAKING_BACK -> takeBack(promotion, promoted.get(), from.get(), pass, use);
        };
    }

    private static Next takeBack(Promotion promotion, Target promoted, Target from, Pass pass, Backends use) {
        Instant now = pass.now();
        String kind = Databases.kind(promoted.database());
        Optional<Observation> seen = use.databases().observe(promoted.database());
        seen.ifPresent(o -> use.dataTier().seen(promoted.id(), o, now));
        if (seen.isEmpty() || !(seen.get() instanceof Observation.Observed node)) {
            return pass.retryLater("the way back waits for " + promoted.id() + "'s database to answer: "
                    + seen.map(TakeBackPromotion::why).orElse("no backend or login configured"), use);
        }
        if (node.role() == Role.REPLICA) {
            return pass.retryLater("the way back waits for the promotion of " + promoted.id() + "'s database to end (it"
                    + " is still a replica)", use);
        }
        long nextXid = node.wal() == null ? 0 : node.wal().nextXid();
        boolean unwritten = nextXid != 0 && nextXid == promotion.nextXid();
        if (node.role() == Role.WRITABLE) {
            if (!unwritten) {
                return keep(promotion, promoted, "a transaction reached " + promoted.id() + "'s database after its"
                        + " promotion (next transaction id " + nextXid + ", " + promotion.nextXid() + " before it)",
                        pass,
                        use);
            }
            // the old primary must answer first: fencing the promoted node while it cannot be unfenced leaves none
            if (oldPrimary(from, now, use) instanceof OldPrimary.Waiting waiting) {
                return pass.retryLater(waiting.why(), use);
            }
            WriteOutcome fenced = use.databases().fence(promoted.database()).orElseThrow();
            return pass
                    .report(ActuationStep.DATABASE, fenced instanceof WriteOutcome.Requested ? ActuationStatus.SUCCEEDED
                            : ActuationStatus.FAILED, kind,
                            "the way back: " + fenced.describe() + " (" + promoted.id()
                                    + "'s database, promoted, the switch to it refused)")
                    .retryLater("the way back: fencing " + promoted.id() + "'s database, then showing that no write"
                            + " reached it", use.settings().backoff().after(1), use);
        }
        if (!unwritten) {
            // fenced after a write reached it (or its id cannot be read): it holds writes the old primary lacks, so it
            // is the primary to keep; unfenced again, and the switch to it retried
            WriteOutcome unfenced = use.databases().unfence(promoted.database()).orElseThrow();
            if (!(unfenced instanceof WriteOutcome.Requested)) {
                return pass.retryLater("the way back is not safe (a transaction reached " + promoted.id()
                        + "'s database,"
                        + " next transaction id " + nextXid + ", " + promotion.nextXid() + " before its promotion), and"
                        + " unfencing it again failed: " + unfenced.describe(), use);
            }
            return keep(promotion, promoted,
                    "a transaction reached " + promoted.id() + "'s database after its promotion"
                            + " (next transaction id " + nextXid + ", " + promotion.nextXid() + " before it); "
                            + unfenced.describe(),
                    pass, use);
        }
        OldPrimary old = oldPrimary(from, now, use);
        if (old instanceof OldPrimary.Waiting waiting) {
            return pass.retryLater(waiting.why(), use);
        }
        Observation.Observed primary = ((OldPrimary.Answering) old).node();
        // writable and open to new sessions: an unfence whose reopening of the database failed is asked for again
        WriteOutcome unfenced = primary.role() == Role.WRITABLE && !primary.closed()
                ? new WriteOutcome.Requested("already writable")
                : use.databases().unfence(from.database()).orElseThrow();
        if (!(unfenced instanceof WriteOutcome.Requested r)) {
            return pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, Databases.kind(from.database()),
                    "the way back: unfencing " + from.id() + "'s database failed",
                    "the way back: unfencing " + from.id()
                            + "'s database failed: " + unfenced.describe())
                    .retryLater("the way back: unfencing " + from.id() + "'s database failed: " + unfenced.describe(),
                            use);
        }
        long abandoned = node.wal() == null ? 0 : node.wal().timeline();
        long restored = primary.wal() == null ? 0 : primary.wal().timeline();
        String taken = "the way back taken: the switch to " + promoted.id() + " was refused after its promotion, and no"
                + " transaction reached " + promoted.id() + "'s database (next transaction id " + nextXid
                + ", unchanged"
                + " since before the promotion, read after it was fenced): " + r.details() + "; " + from.id()
                + "'s database takes writes again" + (primary.wal() != null && primary.wal().commitsWait()
                        && primary.wal().standbys().isEmpty()
                                ? " (its commits wait for a synchronous standby, and none"
                                        + " streams from it: they hang until one does)"
                                : "")
                + ". " + promoted.id() + "'s database stays fenced on timeline " + abandoned
                + ", abandoned: rebuild it as"
                + " a replica of " + from.id() + "'s (pg_rewind or a new base backup) before moving again";
        use.dataTier().takenBack(promoted.id(), abandoned, from.id(), restored);
        return pass.promotion(promotion.takenBack(abandoned, restored, taken))
                .report(ActuationStep.DATABASE, ActuationStatus.SUCCEEDED, Databases.kind(from.database()), taken)
                .retryLater(taken, use.settings().backoff().after(1), use);
    }

    /** The old primary as read now: answering as a node the way back can unfence, or why the way back waits. */
    private sealed interface OldPrimary {
        record Answering(Observation.Observed node) implements OldPrimary {
        }

        record Waiting(String why) implements OldPrimary {
        }
    }

    private static OldPrimary oldPrimary(Target from, Instant now, Backends use) {
        Optional<Observation> old = use.databases().observe(from.database());
        old.ifPresent(o -> use.dataTier().seen(from.id(), o, now));
        if (old.isPresent() && old.get() instanceof Observation.Observed primary && primary.role() != Role.REPLICA) {
            return new OldPrimary.Answering(primary);
        }
        return new OldPrimary.Waiting("the way back waits for " + from.id() + "'s database, the old primary: "
                + old.map(o -> o instanceof Observation.Observed ? "it is a replica" : why(o))
                        .orElse("no backend or login configured"));
    }

    private static Next keep(Promotion promotion, Target promoted, String why, Pass pass, Backends use) {
        String kept = "no way back: " + why + ". The move is kept: the switch to " + promoted.id() + " is retried (the"
                + " runbook's manual way back applies, which loses those writes)";
        return pass.promotion(promotion.kept(kept))
                .report(ActuationStep.DATABASE, ActuationStatus.FAILED, Databases.kind(promoted.database()), kept)
                .retryLater(kept, use.settings().backoff().after(1), use);
    }

    private static String why(Observation observation) {
        return observation instanceof Observation.Unavailable u ? u.reason()
                : observation instanceof Observation.Rejected r ? r.reason() : observation.toString();
    }

}
