package dev.failover.actuator.domain.data;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import dev.failover.actuator.database.Database;

/**
 * The newest history a node of the group was seen writing (ADR 0020): its timeline, whose node wrote it, and the
 * cluster's system identifier it is of. Timelines compare only within one system identifier: pg_upgrade makes a new
 * cluster that starts again on timeline 1 ("Timelines within one system identifier"). Kept by {@link DataTierWatch},
 * under its lock.
 * <p>
 * Also what instances kept of it ({@link #restore}): an instance started after a promotion knows the later timeline of
 * each cluster another saw written, so an old primary it first sees writable while the promoted node is out of reach is
 * a former primary to it as well. A kept history only ever adds that verdict, within its own cluster (a record of a
 * long-gone instance may be older than an upgrade, and must not make the upgraded cluster's primary a former one), and
 * only for the node the plane promoted last.
 */
final class NewestHistory {

    /** The newest timeline seen written, 0 before any. */
    private long timeline;
    /** Whose node wrote it; null before any. */
    private String writer;
    /** The system identifier of its cluster; 0 while unknown. */
    private long system;
    /** By system identifier: the latest history instances kept of that cluster, not seen by this one. */
    private final Map<Long, DataTierEvidence.History> fromEvidence = new HashMap<>();

    /**
     * {@code target}'s node was seen writing {@code wal}; {@code takenBack} says whether a timeline of a node was
     * abandoned by a way back (it counts for nothing).
     */
    void written(String target, Database.Wal wal, Predicate<String> takenBack) {
        if (wal == null || wal.timeline() == 0) {
            return;
        }
        if (target.equals(writer) && wal.otherSystemThan(system)) {
            // the newest writer began its history again in a new cluster (pg_upgrade: timeline 1, a new system
            // identifier): it is not a former primary of itself. Only both identifiers known and different show that: a
            // lower timeline alone may be another server behind the same address
            timeline = wal.timeline();
            system = wal.system();
        } else if (wal.timeline() > timeline && !wal.otherSystemThan(system)
                && !takenBack.test(target + "@" + wal.timeline())) {
            timeline = wal.timeline();
            writer = target;
            system = wal.system() != 0 ? wal.system() : system;
        } else if (target.equals(writer) && system == 0 && wal.timeline() == timeline) {
            system = wal.system(); // learnt once it reports one
        }
    }

    /** The way back abandoned {@code promoted}'s {@code abandoned} timeline: {@code restored}'s is the newest again. */
    void takenBack(String promoted, long abandoned, String restored, long restoredTimeline) {
        if (abandoned != 0 && timeline == abandoned && promoted.equals(writer)) {
            timeline = restoredTimeline;
            writer = restored;
        }
        fromEvidence.values().removeIf(h -> h.writer().equals(promoted) && h.timeline() == abandoned);
    }

    /** Takes in a history an instance kept: the latest of its cluster. */
    void restore(DataTierEvidence.History history) {
        fromEvidence.merge(history.system(), history, (a, b) -> b.timeline() > a.timeline() ? b : a);
    }

    /**
     * What to keep of it beyond this instance's life: the newest history seen, or a later one of its cluster an
     * instance kept; while this instance saw none, the one it restored if only one cluster's was (timelines of two
     * clusters do not say which is newer). Empty while no system identifier is known.
     */
    Optional<DataTierEvidence.History> kept() {
        DataTierEvidence.History seen = writer != null && system != 0 ? new DataTierEvidence.History(writer, timeline,
                system) : null;
        if (seen == null) {
            return fromEvidence.size() == 1 ? fromEvidence.values().stream().findFirst() : Optional.empty();
        }
        DataTierEvidence.History later = fromEvidence.get(system);
        return Optional.of(later != null && later.timeline() > timeline ? later : seen);
    }

    /**
     * Why {@code target}'s node, writing {@code wal}, writes a history the group left; empty when it does not, or when
     * its WAL says nothing (no timeline). {@code promotedLast}: whether a target's node is the plane's last promotion
     * (the signed desired state's, ADR 0020 "Lineage of a backend without timelines"); a kept history counts only for
     * that node: a record kept by an instance that watched but did not drive the group never learnt of a way back, and
     * still names the node the way back abandoned, which the desired state no longer names.
     */
    Optional<FormerPrimary> former(String target, Database.Wal wal, Predicate<String> promotedLast) {
        if (wal == null || wal.timeline() == 0) {
            return Optional.empty();
        }
        if (writer != null && !target.equals(writer) && wal.otherSystemThan(system)) {
            return Optional.of(new FormerPrimary(writer, "it writes the cluster of system identifier "
                    + wal.system() + " while " + writer + "'s node, the group's newest writer, writes system " + system
                    + " (pg_upgrade or a new base backup since): its history is not the group's"));
        }
        if (wal.timeline() < timeline) {
            return Optional.of(new FormerPrimary(writer, "it writes timeline " + wal.timeline() + " while " + writer
                    + "'s node was seen writing timeline " + timeline
                    + ", a later one: it was promoted after this node"));
        }
        DataTierEvidence.History later = wal.system() == 0 ? null : fromEvidence.get(wal.system());
        if (later == null || later.writer().equals(target) || wal.timeline() >= later.timeline()
                || !promotedLast.test(later.writer())) {
            return Optional.empty();
        }
        return Optional.of(new FormerPrimary(later.writer(), "it writes timeline " + wal.timeline() + " while "
                + later.writer() + "'s node was seen writing timeline " + later.timeline() + " of the same cluster"
                + " (kept by an instance before this one started): it was promoted after this node"));
    }
}
