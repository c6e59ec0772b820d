package dev.failover.actuator.domain.data;

import java.util.Optional;
import java.util.function.Predicate;

import dev.failover.actuator.database.Database;

/**
 * The newest history a node of the group was seen writing (ADR 0020): its timeline, whose node wrote it, and the
 * cluster's system identifier it is of. Timelines compare only within one system identifier: pg_upgrade makes a new
 * cluster that starts again on timeline 1 ("Timelines within one system identifier"). Kept by {@link DataTierWatch},
 * under its lock.
 */
final class NewestHistory {

    /** The newest timeline seen written, 0 before any. */
    private long timeline;
    /** Whose node wrote it; null before any. */
    private String writer;
    /** The system identifier of its cluster; 0 while unknown. */
    private long system;

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
    }

    /**
     * Why {@code target}'s node, writing {@code wal}, writes a history the group left; empty when it does not, or when
     * its WAL says nothing (no timeline).
     */
    Optional<FormerPrimary> former(String target, Database.Wal wal) {
        if (wal == null || wal.timeline() == 0) {
            return Optional.empty();
        }
        if (writer != null && !target.equals(writer) && wal.otherSystemThan(system)) {
            return Optional.of(new FormerPrimary(writer, "it writes the cluster of system identifier "
                    + wal.system() + " while " + writer + "'s node, the group's newest writer, writes system " + system
                    + " (pg_upgrade or a new base backup since): its history is not the group's"));
        }
        return wal.timeline() < timeline ? Optional.of(new FormerPrimary(writer, "it writes timeline "
                + wal.timeline() + " while " + writer + "'s node was seen writing timeline " + timeline
                + ", a later one: it was promoted after this node")) : Optional.empty();
    }
}
