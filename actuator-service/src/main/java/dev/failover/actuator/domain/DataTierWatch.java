package dev.failover.actuator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.failover.actuator.database.Database;

/**
 * One group's data-tier facts as its passes and its watch find them (ADR 0020); changed by the reconcile steps (it is
 * in their {@link Backends}, the one piece of a group's state outside its {@link Progress}, ADR 0021) and by the watch
 * ({@link GroupWatch}) on its own thread, so every method holds the monitor; read as a {@link DataTier} value. It lives as long as the instance, not one tenure of the group: every
 * instance watches every group's nodes, so the evidence is there when it takes a group over ({@link #newTenure}).
 * <p>
 * It also keeps the evidence of what a promotion may lose (issue 50): each observation of a writable node that reports
 * its WAL is a sample of the primary's flushed position, taken at the pass's start (every commit acknowledged before it
 * is at or below that position). When a replica is later seen to have received a sample's position on the sample's
 * timeline, it holds every commit acknowledged before the sample: that sample's time is how far the replica is
 * covered. What was acknowledged after it is the {@link LossExposure}.
 */
final class DataTierWatch {

    /** How many samples of the primary's position are kept: a replica far behind them is covered by none (unknown). */
    static final int SAMPLES = 256;

    /**
     * A writable node's flushed WAL position as a pass found it; {@code restored}: read back from the evidence an instance
     * kept ({@link #restore}), not seen by this one.
     */
    private record Sample(Instant at, String target, Database.Wal wal, boolean restored) {

        DataTierEvidence.Point point() {
            return new DataTierEvidence.Point(target, at, wal.timeline(), wal.lsn(), wal.commitsWait()
                    && wal.standbys().stream().noneMatch(s -> "potential".equals(s.syncState())
                            || "quorum".equals(s.syncState())) ? wal.standbys().stream()
                                    .filter(s -> "sync".equals(s.syncState())).map(Database.Standby::name).toList()
                            : java.util.List.of());
        }

        static Sample of(DataTierEvidence.Point point) {
            return new Sample(point.at(), point.target(), new Database.Wal(point.timeline(), point.lsn(),
                    !point.syncStandbys().isEmpty(), point.syncStandbys().stream().map(name -> new Database.Standby(name,
                            "sync", 0)).toList(), null, null), true);
        }
    }

    private final Map<String, DataTier.Node> nodes = new LinkedHashMap<>();
    private final java.util.ArrayDeque<Sample> samples = new java.util.ArrayDeque<>();
    /** By replica target: the newest sample whose position it was seen to have received (its time and timeline). */
    private final Map<String, Sample> coveredBy = new java.util.HashMap<>();
    /** The target whose node was last seen taking writes, any backend's; null before any. */
    private String lastWriter;
    private Instant heldSince;
    private boolean heldThisPass;
    private Instant switchRefusedSince;
    private boolean switchRefusedThisPass;
    private Instant promotionRequestedAt;
    private int promotionRequests;
    private Duration lastPromotion;
    private DataTier.Promotion promoted;
    /** The latest timeline a node of the group was seen writing, and whose node wrote it (0, null before any). */
    private long newestTimeline;
    private String newestTimelineWriter;
    /**
     * By target: the start of a pass that observed the node fenced after an earlier observation had already returned
     * it fenced, in an unbroken run of fenced observations: a time by which the fence was certainly in force (a pass's
     * own start comes before its read). Absent until then, and once the node is seen otherwise.
     */
    private final Map<String, Instant> fencedBy = new java.util.HashMap<>();
    private final Map<String, Instant> fencedRunFrom = new java.util.HashMap<>();
    /** Targets whose node was seen fenced and not seen a replica since: writable again, someone undid the fence. */
    private final java.util.Set<String> fencedSeen = new java.util.HashSet<>();
    /** Promotions taken back (issue 50), as target@timeline: the timeline they began counts for nothing. */
    private final java.util.Set<String> takenBack = new java.util.HashSet<>();

    /**
     * A writable node that is a former primary: another node of the group was seen writing a later timeline (a
     * promotion after it), or, for a backend that reports no timeline, this instance promoted another node that still
     * writes. Its writes are on a history the group left: it must never get traffic again before it is rebuilt.
     *
     * @param newer the target whose node took over
     * @param why   the evidence, for results and the reason a move is blocked
     */
    record FormerPrimary(String newer, String why) {
    }

    /** A target's node was observed, by a call made after {@code at}. */
    synchronized void seen(String target, Database.Observation observation, Instant at) {
        nodes.put(target, new DataTier.Node(observation, at));
        if (observation instanceof Database.Observation.Observed o && o.role() == Database.Role.WRITABLE) {
            lastWriter = target;
            if (o.wal() != null && o.wal().timeline() > newestTimeline && !takenBack.contains(target + "@"
                    + o.wal().timeline())) {
                newestTimeline = o.wal().timeline();
                newestTimelineWriter = target;
            }
        }
        if (observation instanceof Database.Observation.Observed o && o.role() == Database.Role.FENCED) {
            Instant from = fencedRunFrom.putIfAbsent(target, at);
            if (from != null && at.isAfter(from)) {
                fencedBy.putIfAbsent(target, at);
            }
        } else if (observation instanceof Database.Observation.Observed) {
            fencedRunFrom.remove(target);
            fencedBy.remove(target);
        }
        if (observation instanceof Database.Observation.Observed o && o.role() == Database.Role.FENCED) {
            fencedSeen.add(target);
        } else if (observation instanceof Database.Observation.Observed o && o.role() == Database.Role.REPLICA) {
            fencedSeen.remove(target); // rebuilt: a replica may be promoted again
            // and a timeline it begins then is a new primary's, even one numbered as the timeline taken back
            takenBack.removeIf(key -> key.startsWith(target + "@"));
        }
        if (!(observation instanceof Database.Observation.Observed o) || o.wal() == null) {
            return;
        }
        if (o.role() == Database.Role.WRITABLE) {
            add(new Sample(at, target, o.wal(), false));
        } else if (o.role() == Database.Role.REPLICA && o.wal().timeline() != 0) {
            java.util.Iterator<Sample> newestFirst = samples.descendingIterator();
            while (newestFirst.hasNext()) {
                Sample sample = newestFirst.next();
                if (sample.wal().timeline() == o.wal().timeline() && sample.wal().lsn() <= o.wal().lsn()) {
                    coveredBy.merge(target, sample, (a, b) -> a.at().isAfter(b.at()) ? a : b);
                    break;
                }
            }
        }
    }

    /** Keeps a sample in time order (a restored one may be older than those seen), the newest {@link #SAMPLES}. */
    private void add(Sample sample) {
        if (samples.isEmpty() || !samples.peekLast().at().isAfter(sample.at())) {
            samples.addLast(sample);
        } else {
            java.util.List<Sample> sorted = new java.util.ArrayList<>(samples);
            sorted.add(sample);
            sorted.sort(java.util.Comparator.comparing(Sample::at));
            samples.clear();
            samples.addAll(sorted);
        }
        while (samples.size() > SAMPLES) {
            samples.removeFirst();
        }
    }

    /**
     * What this watch knows of what a promotion may lose, to keep beyond this instance's life; empty before it saw a
     * primary or a replica's coverage.
     */
    synchronized Optional<DataTierEvidence> evidence() {
        if (samples.isEmpty() && coveredBy.isEmpty()) {
            return Optional.empty();
        }
        Map<String, DataTierEvidence.Point> covered = new java.util.TreeMap<>();
        coveredBy.forEach((replica, sample) -> covered.put(replica, sample.point()));
        return Optional.of(new DataTierEvidence(samples.isEmpty() ? null : samples.peekLast().point(), covered));
    }

    /**
     * Takes in evidence an instance kept (this one in an earlier life, or another): the primary's sample and each
     * replica's coverage, where newer than what this watch has. It serves what a promotion may lose, and only once the
     * replica is seen to still hold what the evidence says (a rebuilt replica, or a re-initialised cluster whose
     * positions began again, does not); which node is a former primary is left to what this instance sees.
     */
    synchronized void restore(DataTierEvidence evidence) {
        if (evidence.primary() != null) {
            add(Sample.of(evidence.primary()));
        }
        evidence.covered().forEach((replica, point) -> coveredBy.merge(replica, Sample.of(point),
                (a, b) -> a.at().isAfter(b.at()) ? a : b));
    }

    /** Whether {@code target}'s node writes while it is a former primary; see {@link FormerPrimary}. */
    synchronized Optional<FormerPrimary> formerPrimary(String target) {
        DataTier.Node node = nodes.get(target);
        if (node == null || !node.writable()) {
            return Optional.empty();
        }
        Database.Wal wal = ((Database.Observation.Observed) node.observation()).wal();
        if (wal != null && wal.timeline() != 0) {
            return wal.timeline() < newestTimeline ? Optional.of(new FormerPrimary(newestTimelineWriter, "it writes"
                    + " timeline " + wal.timeline() + " while " + newestTimelineWriter + "'s node was seen writing timeline "
                    + newestTimeline + ", a later one: it was promoted after this node")) : Optional.empty();
        }
        if (promoted != null && !promoted.target().equals(target) && writable(promoted.target())) {
            return Optional.of(new FormerPrimary(promoted.target(), "this actuator promoted " + promoted.target() + "'s node"
                    + " at " + promoted.at() + " and it still writes"));
        }
        return Optional.empty();
    }

    /**
     * The way back of a planned move was taken (issue 50): {@code promoted}'s node began {@code timeline} and was fenced
     * before anything was written to it; {@code restored}'s node, unfenced by the plane, writes {@code restoredTimeline}
     * again. The abandoned timeline no longer makes the restored node a former primary, and its unfencing was no hand's.
     * Called on every pass of the desired state that took it back (a new owner learns it from that state): idempotent.
     */
    synchronized void takenBack(String promoted, long timeline, String restored, long restoredTimeline) {
        DataTier.Node last = nodes.get(promoted);
        if (last != null && last.observation() instanceof Database.Observation.Observed o && o.role() == Database.Role.REPLICA) {
            return; // rebuilt since: what it begins next is a new primary's timeline (a desired state may still carry it)
        }
        if (takenBack.add(promoted + "@" + timeline)) {
            fencedSeen.remove(restored);
            if (this.promoted != null && this.promoted.target().equals(promoted)) {
                this.promoted = null;
            }
        }
        if (timeline != 0 && newestTimeline == timeline && promoted.equals(newestTimelineWriter)) {
            newestTimeline = restoredTimeline;
            newestTimelineWriter = restored;
        }
    }

    /** Whether {@code target}'s node writes after it was seen fenced, and not seen a replica since: a fence undone. */
    synchronized boolean unfencedByHand(String target) {
        return fencedSeen.contains(target) && writable(target);
    }

    /**
     * A time by which {@code target}'s node was certainly fenced, while it has been seen fenced since: what a replica
     * shown to hold everything written before it holds everything the fenced node wrote. Empty before a second fenced
     * observation (the first one's pass started before its read).
     */
    synchronized Optional<Instant> fencedBy(String target) {
        return Optional.ofNullable(fencedBy.get(target));
    }

    /** The target whose node was last seen taking writes; empty before any. */
    synchronized Optional<String> lastSeenWriter() {
        return Optional.ofNullable(lastWriter);
    }

    /**
     * What promoting {@code target}'s replica, as {@code node} shows it, may lose at {@code now}. A backend that reports
     * no WAL positions (RDS, Aurora) has only its replica lag to go by.
     */
    synchronized LossExposure exposure(String target, Database.Observation.Observed node, Instant now) {
        if (node.wal() == null) {
            return new LossExposure.Window(Duration.ofMillis((long) (node.lagSeconds() * 1000)), "the replica lag its"
                    + " backend reports");
        }
        Sample newest = samples.peekLast();
        String name = node.wal().name();
        if (newest != null && name != null && newest.wal().commitsWait()
                && newest.wal().standby(name).filter(s -> "sync".equals(s.syncState())).isPresent()
                && newest.wal().standbys().stream().noneMatch(s -> !s.name().equals(name)
                        && ("potential".equals(s.syncState()) || "quorum".equals(s.syncState())))
                && (!newest.restored() || holds(node.wal(), newest))) {
            return new LossExposure.None(String.format(java.util.Locale.ROOT, "%s was the only synchronous standby of %s"
                    + " when it was last seen writable, %.1f s ago (a commit waits for it)", name, newest.target(),
                    Duration.between(newest.at(), now).toMillis() / 1000.0));
        }
        Sample coveredSample = covered(target, node.wal());
        long follows = followed(node.wal(), coveredSample);
        if (newest != null && follows != 0 && follows < newest.wal().timeline()) {
            // it follows an old primary: however recently it received that one's WAL, it lacks everything the newer one
            // wrote since its promotion (issue 50, lineage: a second failover must not promote it). A replica whose
            // receiver is down reports no timeline: the one it was last seen to receive stands in
            return new LossExposure.Unknown("the replica follows timeline " + follows + " while the primary, "
                    + newest.target() + "'s node, writes timeline " + newest.wal().timeline() + ": it replicates an old"
                    + " primary and lacks everything written since the promotion. Re-point it at " + newest.target()
                    + "'s node (pg_rewind or a new base backup, primary_conninfo)");
        }
        Instant covered = coveredSample == null ? null : coveredSample.at();
        if (covered == null) {
            if (newest == null) {
                return new LossExposure.Unknown("this actuator has seen no primary take writes since it started, so"
                        + " nothing shows what the replica lacks");
            }
            if (node.wal().timeline() != 0 && node.wal().timeline() != newest.wal().timeline()) {
                return new LossExposure.Unknown("the replica follows timeline " + node.wal().timeline() + " while the"
                        + " primary, " + newest.target() + "'s node, writes timeline " + newest.wal().timeline() + ": it"
                        + " replicates another (an old) primary. Re-point it at " + newest.target() + "'s node (pg_rewind"
                        + " or a new base backup, primary_conninfo)");
            }
            return new LossExposure.Unknown("the replica was never seen to have received a position the primary had"
                    + " flushed (timeline " + newest.wal().timeline() + ", " + Database.Wal.lsn(newest.wal().lsn())
                    + " at the last sample)");
        }
        Duration window = Duration.between(covered, now);
        return new LossExposure.Window(window.isNegative() ? Duration.ZERO : window, "it received everything the primary"
                + " had flushed at " + covered + ", and nothing shows what it acknowledged since"
                + (newest != null && newest.at().isAfter(covered) ? " (the primary was last seen at " + newest.at() + ")"
                        : ""));
    }

    /**
     * The timeline {@code target}'s replica follows, as {@code wal} shows it or, while its receiver is down (it reports
     * none), the one it was last seen to have received; 0 when neither is known (issue 50, lineage).
     */
    synchronized long followedTimeline(String target, Database.Wal wal) {
        return followed(wal, covered(target, wal));
    }

    /** The newest sample the replica was seen to have received, unless it is kept evidence the replica no longer bears out. */
    private Sample covered(String target, Database.Wal wal) {
        Sample sample = coveredBy.get(target);
        return sample != null && sample.restored() && !holds(wal, sample) ? null : sample; // rebuilt, or begun again
    }

    private static long followed(Database.Wal wal, Sample covered) {
        return wal.timeline() != 0 ? wal.timeline() : covered != null ? covered.wal().timeline() : 0;
    }

    /** Whether a replica's position is at or past a sample's, on its timeline (a replica not receiving: unknown, 0). */
    private static boolean holds(Database.Wal replica, Sample sample) {
        return (replica.timeline() == 0 || replica.timeline() == sample.wal().timeline())
                && replica.lsn() >= sample.wal().lsn();
    }

    /** The pass's DNS switch was refused while the target's node already takes writes. */
    synchronized void switchRefused(Instant now) {
        switchRefusedThisPass = true;
        if (switchRefusedSince == null) {
            switchRefusedSince = now;
        }
    }

    /** Whether {@code target}'s node was last seen taking writes. */
    synchronized boolean writable(String target) {
        DataTier.Node node = nodes.get(target);
        return node != null && node.writable();
    }

    /** The pass holds an unplanned failover for the data-loss budget. */
    synchronized void held(Instant now) {
        heldThisPass = true;
        if (heldSince == null) {
            heldSince = now;
        }
    }

    /** A pass ended: a hold that this pass did not repeat is over. */
    synchronized void passEnded() {
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
    synchronized int promotionRequested(String target, Instant now, LossExposure exposure) {
        if (promotionRequestedAt == null) {
            promotionRequestedAt = now;
            promotionRequests = 0;
            promoted = new DataTier.Promotion(target, now, exposure);
        }
        return ++promotionRequests;
    }

    /**
     * The target's node is writable: when this instance had requested its promotion, the time the promotion took (kept as
     * the last promotion's), once.
     */
    synchronized Optional<Duration> writable(Instant now) {
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
    synchronized void newTenure() {
        heldSince = null;
        heldThisPass = false;
        switchRefusedSince = null;
        switchRefusedThisPass = false;
        promotionRequestedAt = null;
        promotionRequests = 0;
    }

    /** A new desired state: a promotion requested for the previous one is not this one's. */
    synchronized void newDesiredState() {
        promotionRequestedAt = null;
    }

    /** The facts as a value, with each replica's loss exposure as of {@code now}. */
    synchronized DataTier snapshot(Instant now) {
        Map<String, LossExposure> exposures = new LinkedHashMap<>();
        nodes.forEach((target, node) -> {
            if (node.observation() instanceof Database.Observation.Observed o && o.role() == Database.Role.REPLICA) {
                exposures.put(target, exposure(target, o, now));
            }
        });
        return new DataTier(nodes, heldSince, lastPromotion, promoted, exposures, switchRefusedSince);
    }
}
