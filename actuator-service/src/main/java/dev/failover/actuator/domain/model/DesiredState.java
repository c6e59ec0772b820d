package dev.failover.actuator.domain.model;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.failover.contract.event.Decision;

/**
 * What a group should look like: the highest-epoch decision seen for it, how far a stepped failback has got, and per
 * provider lane the DNS change written for it that may not be served everywhere yet. Kept in a compacted topic so that
 * a restarted or new owner resumes from the step reached, and waits for that change as the writer would have (ADR 0006;
 * lanes: ADR 0036, "Per-lane state in the signed desired state").
 *
 * @param decision  the decision that set it
 * @param step      index of the traffic step reached (0 for a change made in one step); the group's, not a lane's
 * @param lanes     per lane id ({@link ProviderLane#ONLY} for a group that names no providers) what its provider took:
 *                  the change written and the mark of the last write; a lane without either has no entry
 * @param promotion the promotion a planned move made for it, and where its way back stands (ADR 0020); null when it
 *                  made none, or made it without knowing the node's transaction id
 * @param promoted  the last promotion the plane asked for in this group, of any move, carried from decision to
 *                  decision: a node of a backend without timelines (RDS) shows itself a former primary only by it, so a
 *                  new owner must know it (ADR 0020, "Lineage of a backend without timelines"); null before any, and
 *                  once a way back took it back
 */
public record DesiredState(Decision decision, int step, Map<String, LaneRecord> lanes, Promotion promotion,
        Promoted promoted) {

    /** The decision id in the results and the ownership mark of the initial state (epoch 0, no decision yet). */
    public static final String INITIAL_DECISION_ID = "initial";

    public DesiredState {
        if (step < 0) {
            throw new IllegalArgumentException("step must not be negative, was " + step);
        }
        Map<String, LaneRecord> kept = new TreeMap<>();
        (lanes == null ? Map.<String, LaneRecord>of() : lanes).forEach((lane, record) -> {
            if (record != null && !record.isEmpty()) {
                kept.put(lane, record);
            }
        });
        lanes = Collections.unmodifiableMap(kept);
    }

    /** A decision's desired state before anything was written for it. */
    public static DesiredState of(Decision decision) {
        return new DesiredState(decision, 0, Map.of(), null, null);
    }

    /**
     * A new decision's desired state after {@code previous}: it carries a promotion taken back, so that an
     * owner that restores only the newest desired state still knows the abandoned timeline is no newer primary's; each
     * lane's mark of the last write, which still says who last switched (as an owner record beside the record does); and
     * the plane's last promotion, which a later move's owner needs to tell a former primary without timelines.
     */
    public static DesiredState after(DesiredState previous, Decision decision) {
        if (previous == null) {
            return of(decision);
        }
        Promotion carried = previous.promotion() == null || previous.promotion().phase() != Phase.TAKEN_BACK ? null
                : previous.promotion();
        Map<String, LaneRecord> marks = new TreeMap<>();
        previous.lanes().forEach((lane, record) -> marks.put(lane, new LaneRecord(null, record.mark())));
        return new DesiredState(decision, 0, marks, carried, previous.promoted());
    }

    /** The promotion this desired state made (not one carried from an earlier one); empty when none. */
    public Optional<Promotion> ownPromotion() {
        return Optional.ofNullable(promotion).filter(p -> p.epoch() == epoch());
    }

    public String group() {
        return decision.group();
    }

    public long epoch() {
        return decision.epoch();
    }

    public String target() {
        return decision.toTarget();
    }

    /** The change a read of {@code lane} asks its provider about. */
    public Optional<String> changeToCheck(String lane) {
        return Optional.ofNullable(lanes.get(lane)).map(LaneRecord::pendingChange);
    }

    /** Whether any lane has a change written that no read saw propagated yet. */
    public boolean anyChangePending() {
        return lanes.values().stream().anyMatch(r -> r.pendingChange() != null);
    }

    /** The mark of the last write {@code lane}'s provider took, when it keeps no owner record (see {@link LaneRecord}). */
    public Optional<String> storedMark(String lane) {
        return Optional.ofNullable(lanes.get(lane)).map(LaneRecord::mark);
    }

    /** The plane's last promotion in the group (see {@link #promoted}); empty before any. */
    public Optional<Promoted> lastPromoted() {
        return Optional.ofNullable(promoted);
    }

    /** The next step; nothing of it written yet in any lane (each keeps its mark). */
    public DesiredState atStep(int next) {
        Map<String, LaneRecord> marks = new TreeMap<>();
        lanes.forEach((lane, record) -> marks.put(lane, new LaneRecord(null, record.mark())));
        return new DesiredState(decision, next, marks, promotion, promoted);
    }

    /** {@code lane}'s provider took a write of this step as change {@code reference}, which it may not serve everywhere yet. */
    public DesiredState written(String lane, String reference) {
        return withLane(lane, new LaneRecord(reference, storedMark(lane).orElse(null)));
    }

    /** {@code lane}'s provider, one without an owner record, took a write with this mark. */
    public DesiredState marked(String lane, String writtenMark) {
        return withLane(lane, new LaneRecord(changeToCheck(lane).orElse(null), writtenMark));
    }

    /** A read of {@code lane} saw its pending change served everywhere: nothing left to wait for there. */
    public DesiredState propagated(String lane) {
        return withLane(lane, new LaneRecord(null, storedMark(lane).orElse(null)));
    }

    private DesiredState withLane(String lane, LaneRecord record) {
        Map<String, LaneRecord> next = new TreeMap<>(lanes);
        next.put(lane, record);
        return new DesiredState(decision, step, next, promotion, promoted);
    }

    /**
     * Where the promotion made for it stands now. Taken back, its node is no longer the plane's last promotion: the
     * old primary writes again as the group's primary, and must not show a former one by it.
     */
    public DesiredState with(Promotion next) {
        boolean undone = next != null && next.phase() == Phase.TAKEN_BACK && promoted != null
                && promoted.target().equals(next.target());
        return new DesiredState(decision, step, lanes, next, undone ? null : promoted);
    }

    /** The plane asks for the promotion of {@code next}'s node; kept before it is asked for (null: refused, forgotten). */
    public DesiredState with(Promoted next) {
        return new DesiredState(decision, step, lanes, promotion, next);
    }

    /**
     * What one lane's provider took for this desired state.
     *
     * @param pendingChange the provider's reference of the last change written for the step (a Route 53 change id) until
     *                      a read saw it propagated; null when there is none, or the provider has no references
     * @param mark          the ownership mark of the last write, for a provider that keeps none beside what it switches
     *                      (ARC routing controls, ADR 0014): its epoch, decision and digest of what was written, from
     *                      which any instance judges ownership and drift as the writer would; null for providers with
     *                      their own owner record, or before the first write
     */
    public record LaneRecord(String pendingChange, String mark) {

        boolean isEmpty() {
            return pendingChange == null && mark == null;
        }
    }

    /**
     * A promotion the plane asked for, of any move and any backend.
     *
     * @param epoch  the epoch of the desired state that asked for it
     * @param target the target whose node was promoted
     * @param at     the start of the pass that asked for it
     */
    public record Promoted(long epoch, String target, Instant at) {
    }

    /** Where a promotion's way back stands (ADR 0020 "The way back"). */
    public enum Phase {
        /** Requested; the switch to the promoted node goes on. */
        PROMOTED,
        /** The switch was refused after the promotion: the promoted node is fenced and shown unwritten, then the old primary unfenced. */
        TAKING_BACK,
        /** Done: the old primary takes writes again, the promoted node is fenced, its timeline abandoned. */
        TAKEN_BACK,
        /** A transaction reached the promoted node (or may have): no way back by the plane; the switch is retried. */
        KEPT
    }

    /**
     * A planned move's promotion.
     *
     * @param epoch        the epoch of the desired state that made it (a later one carries it once taken back)
     * @param target       the target whose node was promoted
     * @param from         the target whose node was the primary, fenced before the promotion
     * @param nextXid      the promoted node's next transaction id, read just before its promotion (a replica hands out
     *                     none): unchanged after it is fenced again shows that no write reached it
     * @param phase        where its way back stands
     * @param timeline     once taken back: the timeline the promoted node began, abandoned; 0 before
     * @param fromTimeline once taken back: the old primary's timeline, the group's again; 0 before
     * @param detail       what the way back found last (why it was kept, what was taken back); null before
     */
    public record Promotion(long epoch, String target, String from, long nextXid, Phase phase, long timeline,
            long fromTimeline, String detail) {

        public static Promotion requested(long epoch, String target, String from, long nextXid) {
            return new Promotion(epoch, target, from, nextXid, Phase.PROMOTED, 0, 0, null);
        }

        public Promotion takingBack(String why) {
            return new Promotion(epoch, target, from, nextXid, Phase.TAKING_BACK, 0, 0, why);
        }

        public Promotion takenBack(long abandoned, long restored, String what) {
            return new Promotion(epoch, target, from, nextXid, Phase.TAKEN_BACK, abandoned, restored, what);
        }

        public Promotion kept(String why) {
            return new Promotion(epoch, target, from, nextXid, Phase.KEPT, 0, 0, why);
        }
    }
}
