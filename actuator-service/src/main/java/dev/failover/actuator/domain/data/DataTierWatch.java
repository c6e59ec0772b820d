package dev.failover.actuator.domain.data;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.domain.model.DesiredState;

/**
 * One group's data-tier facts as its passes and its watch find them (ADR 0020); changed by the reconcile steps (it is
 * in their {@link Backends}, the one piece of a group's state outside its {@link Progress}, ADR 0021) and by the watch
 * ({@link GroupWatch}) on its own thread, so every method holds the monitor; read as a {@link DataTier} value. It
 * lives as long as the instance, not one tenure of the group: every instance watches every group's nodes, so the evidence is there when it takes a group over ({@link #newTenure}).
 * <p>
 * It also keeps, in a {@link WalEvidence}, the evidence of what a promotion may lose.
 */
public final class DataTierWatch {

    private final Map<String, DataTier.Node> nodes = new LinkedHashMap<>();
    /** The primary's positions and each replica's coverage: what a promotion may lose. */
    private final WalEvidence evidence = new WalEvidence();
    private String lastWriter; // the target whose node was last seen taking writes, not as a former primary; null before any
    private Instant heldSince;
    private boolean heldThisPass;
    private Instant switchRefusedSince;
    private boolean switchRefusedThisPass;
    private Instant promotionRequestedAt;
    private int promotionRequests;
    private Duration lastPromotion;
    private DataTier.Promotion promoted;
    private final NewestHistory newest = new NewestHistory(); // the newest history a node was seen writing
    /**
     * By target: the start of a pass that saw the node fenced after an earlier observation had already returned it fenced,
     * in an unbroken run: a time by which the fence was certainly in force (a pass's start comes before its read).
     */
    private final Map<String, Instant> fencedBy = new java.util.HashMap<>();
    private final Map<String, Instant> fencedRunFrom = new java.util.HashMap<>();
    /** Targets whose node was seen fenced and not seen a replica since: writable again, someone undid the fence. */
    private final java.util.Set<String> fencedSeen = new java.util.HashSet<>();
    /** By target: the epoch of the move for which this instance fenced its node, the old primary. */
    private final Map<String, Long> fencedForMove = new java.util.HashMap<>();
    /** What shows an old primary's fence agent has stopped it. */
    private final AgentLeases agents = new AgentLeases();
    /** Promotions taken back, as target@timeline: the timeline they began counts for nothing. */
    private final java.util.Set<String> takenBack = new java.util.HashSet<>();

    /** A target's node was observed, by a call made after {@code at}. */
    public synchronized void seen(String target, Database.Observation observation, Instant at) {
        nodes.put(target, new DataTier.Node(observation, at));
        if (observation instanceof Database.Observation.Observed) {
            agents.answered(target);
        }
        boolean former = false; // a former primary back writable: a second writer to fence, not the group's history
        if (observation instanceof Database.Observation.Observed o && o.role() == Database.Role.WRITABLE) {
            newest.written(target, o.wal(), takenBack::contains);
            // the node promoted after it stays the writer a move fences and measures against, and its positions the ones
            // a replica's coverage is judged by (ADR 0020, "Lineage before the fence")
            former = formerPrimary(target).isPresent();
            lastWriter = former ? lastWriter : target;
        }
        if (observation instanceof Database.Observation.Observed o && o.role() == Database.Role.FENCED) {
            Instant from = fencedRunFrom.putIfAbsent(target, at);
            if (from != null && at.isAfter(from)) {
                fencedBy.putIfAbsent(target, at);
            }
            fencedSeen.add(target);
        } else if (observation instanceof Database.Observation.Observed) {
            fencedRunFrom.remove(target);
            fencedBy.remove(target);
        }
        if (observation instanceof Database.Observation.Observed o && o.role() == Database.Role.REPLICA) {
            // rebuilt: a replica may be promoted again, and a timeline it begins is a new primary's, however numbered
            fencedSeen.remove(target);
            takenBack.removeIf(key -> key.startsWith(target + "@"));
        }
        if (!former) {
            evidence.seen(target, observation, at);
        }
    }

    /** What this watch knows of what a promotion may lose, to keep beyond this instance's life; empty before any. */
    synchronized Optional<DataTierEvidence> evidence() {
        return evidence.kept().map(e -> new DataTierEvidence(e.primary(), e.covered(), newest.kept().orElse(null)));
    }

    /**
     * Takes in evidence an instance kept (this one in an earlier life, or another): what a promotion may lose
     * ({@link WalEvidence#restore}) and the newest history ({@link NewestHistory#restore}).
     */
    public synchronized void restore(DataTierEvidence kept) {
        evidence.restore(kept);
        Optional.ofNullable(kept.newest()).ifPresent(newest::restore);
    }

    /** See {@link AgentLeases#unreachableSince}. */
    public synchronized Instant unreachableSince(String target, long epoch, Instant now) {
        return agents.unreachableSince(target, epoch, now);
    }

    /** {@code target}'s node's guard or fence agent asked this instance, at {@code at}, whether it may write. */
    public synchronized void askedToWrite(String target, Instant at) {
        agents.asked(target, at);
    }

    /** When {@code target}'s node last asked whether it may write; empty if never since this instance started. */
    public synchronized Optional<Instant> lastAskedToWrite(String target) {
        return agents.lastAsked(target);
    }

    /** Whether {@code target}'s node writes while it is a former primary; see {@link FormerPrimary}. */
    public synchronized Optional<FormerPrimary> formerPrimary(String target) {
        DataTier.Node node = nodes.get(target);
        if (node == null || !node.writable()) {
            return Optional.empty();
        }
        Database.Wal wal = ((Database.Observation.Observed) node.observation()).wal();
        if (wal != null && wal.timeline() != 0) {
            return newest.former(target, wal, t -> promoted != null && promoted.target().equals(t));
        }
        if (promoted != null && !promoted.target().equals(target) && writable(promoted.target())) {
            return Optional.of(new FormerPrimary(promoted.target(), "the plane promoted " + promoted.target()
                    + "'s node at " + promoted.at() + " and it still writes"));
        }
        return Optional.empty();
    }

    /**
     * The way back of a planned move was taken: {@code promoted}'s node began {@code timeline} and was fenced
     * before anything was written to it; {@code restored}'s node, unfenced by the plane, writes {@code restoredTimeline}
     * again. The abandoned timeline no longer makes the restored node a former primary, and its unfencing was no hand's.
     * Called on every pass of the desired state that took it back (a new owner learns it from that state): idempotent.
     */
    public synchronized void takenBack(String promoted, long timeline, String restored, long restoredTimeline) {
        DataTier.Node last = nodes.get(promoted);
        if (last != null && last.observation() instanceof Database.Observation.Observed o
                && o.role() == Database.Role.REPLICA) {
            // rebuilt since: what it begins next is a new primary's timeline (a desired state may still carry it); the
            // abandoned one is not the newest history (a new owner learning of the way back only now saw it written)
            newest.takenBack(promoted, timeline, restored, restoredTimeline);
            return;
        }
        if (takenBack.add(promoted + "@" + timeline)) {
            lastWriter = promoted.equals(lastWriter) ? restored : lastWriter; // the abandoned node writes no history
            fencedSeen.remove(restored);
            if (this.promoted != null && this.promoted.target().equals(promoted)) {
                this.promoted = null;
            }
        }
        newest.takenBack(promoted, timeline, restored, restoredTimeline);
    }

    /**
     * The plane's last promotion as the desired state keeps it from owner to owner (null: none, or not this instance's to
     * say): what shows a former primary without timelines, and where {@link DataTier#unfencedSincePromotion} starts.
     */
    public synchronized void promotedByThePlane(DesiredState.Promoted said) {
        if (said == null || promoted == null || !promoted.target().equals(said.target())
                || !promoted.at().equals(said.at())) {
            promoted = said == null ? null : new DataTier.Promotion(said.target(), said.at(), null);
        }
    }

    /** This instance fenced {@code target}'s node, the old primary, for the move of {@code epoch}. */
    public synchronized void fencedForMove(String target, long epoch) {
        fencedForMove.put(target, epoch);
    }

    /**
     * Whether this instance fenced {@code target}'s node for the move of {@code epoch}: the plane may unfence it when the
     * move cannot go on (a refused promotion). {@code unfenced}: it did, which is no hand's.
     */
    public synchronized boolean fencedForMove(String target, long epoch, boolean unfenced) {
        boolean ours = Long.valueOf(epoch).equals(fencedForMove.get(target));
        if (ours && unfenced) {
            fencedForMove.remove(target);
            fencedSeen.remove(target);
        }
        return ours;
    }

    /** Whether {@code target}'s node writes after it was seen fenced, and not seen a replica since: a fence undone. */
    public synchronized boolean unfencedByHand(String target) {
        return fencedSeen.contains(target) && writable(target);
    }

    /**
     * A time by which {@code target}'s node was certainly fenced, while seen fenced since: a replica shown to hold all
     * written before it holds all the fenced node wrote. Empty before a second fenced observation.
     */
    public synchronized Optional<Instant> fencedBy(String target) {
        return Optional.ofNullable(fencedBy.get(target));
    }

    /** The target whose node was last seen taking writes, a former primary's not counted; empty before any. */
    public synchronized Optional<String> lastSeenWriter() {
        return Optional.ofNullable(lastWriter);
    }

    /** What promoting {@code target}'s replica, as {@code node} shows it, may lose at {@code now}. */
    public synchronized LossExposure exposure(String target, Database.Observation.Observed node, Instant now) {
        return evidence.exposure(target, node, now);
    }

    /** The timeline {@code target}'s replica follows; see {@link WalEvidence#followedTimeline}. */
    public synchronized long followedTimeline(String target, Database.Wal wal) {
        return evidence.followedTimeline(target, wal);
    }

    /** The pass's DNS switch was refused while the target's node already takes writes. */
    public synchronized void switchRefused(Instant now) {
        switchRefusedThisPass = true;
        switchRefusedSince = switchRefusedSince == null ? now : switchRefusedSince;
    }

    /** Whether {@code target}'s node was last seen taking writes. */
    public synchronized boolean writable(String target) {
        return last(target).filter(DataTier.Node::writable).isPresent();
    }

    /** {@code target}'s node as last observed; empty before its first observation. */
    public synchronized Optional<DataTier.Node> last(String target) {
        return Optional.ofNullable(nodes.get(target));
    }

    /** The pass holds an unplanned failover for the data-loss budget. */
    public synchronized void held(Instant now) {
        heldThisPass = true;
        heldSince = heldSince == null ? now : heldSince;
    }

    /** A pass ended: a hold that this pass did not repeat is over. */
    public synchronized void passEnded() {
        if (!heldThisPass) {
            heldSince = null;
        }
        heldThisPass = false;
        if (!switchRefusedThisPass) {
            switchRefusedSince = null;
        }
        switchRefusedThisPass = false;
    }

    /**
     * A promotion was requested; the first request of a desired state starts its clock. Returns how many requests this
     * desired state has made, this one included (the wait after it grows with them).
     */
    public synchronized int promotionRequested(String target, Instant now, LossExposure exposure) {
        if (promotionRequestedAt == null) {
            promotionRequestedAt = now;
            promotionRequests = 0;
            promoted = new DataTier.Promotion(target, now, exposure);
        }
        return ++promotionRequests;
    }

    /** The target's node is writable: the time its promotion took, once, where this instance requested it (kept). */
    public synchronized Optional<Duration> writable(Instant now) {
        if (promotionRequestedAt == null) {
            return Optional.empty();
        }
        lastPromotion = Duration.between(promotionRequestedAt, now);
        promotionRequestedAt = null;
        return Optional.of(lastPromotion);
    }

    /**
     * This instance begins to drive the group (again): what a tenure's passes were doing (a hold, a refused switch, a
     * promotion's clock) is not the new tenure's; what was seen of the nodes (the evidence) stays.
     */
    public synchronized void newTenure() {
        heldSince = null;
        heldThisPass = false;
        switchRefusedSince = null;
        switchRefusedThisPass = false;
        promotionRequestedAt = null;
        promotionRequests = 0;
    }

    /** A new desired state: a promotion requested for the previous one is not this one's. */
    public synchronized void newDesiredState() {
        promotionRequestedAt = null;
    }

    /** The facts as a value, with each replica's loss exposure as of {@code now}. */
    public synchronized DataTier snapshot(Instant now) {
        Map<String, LossExposure> exposures = new LinkedHashMap<>();
        nodes.forEach((target, node) -> {
            if (node.observation() instanceof Database.Observation.Observed o && o.role() == Database.Role.REPLICA) {
                exposures.put(target, exposure(target, o, now));
            }
        });
        return new DataTier(nodes, heldSince, lastPromotion, promoted, exposures, switchRefusedSince);
    }
}
