package dev.failover.actuator.domain.data;

import java.time.Instant;
import java.util.Map;

/**
 * What one instance's watch of a group last knew of what a promotion may lose, kept beyond its life: the
 * newest sample of the primary's flushed position, and for each replica the newest sample it was seen to have received.
 * An instance started after the primary was lost (every actuator restarted at once, or the only one) restores it and
 * measures against it as if it had watched the primary itself, where it found the exposure unknown and held the
 * failover until a force. Written by every instance under its own key ({@link EvidenceStore}), merged on restore: the
 * newest of each.
 *
 * @param primary the newest sample of a writable node's flushed position; null before any
 * @param covered by replica target: the newest primary sample whose position it was seen to have received
 * @param newest  the newest history a node was seen writing, by which a node that writes an older one is a former
 *                primary (ADR 0020, "Lineage before the fence"); null while unknown, and in records of releases that
 *                did not keep it
 */
public record DataTierEvidence(Point primary, Map<String, Point> covered, History newest) {

    public DataTierEvidence {
        covered = Map.copyOf(covered);
    }

    /** Evidence without a newest history. */
    public DataTierEvidence(Point primary, Map<String, Point> covered) {
        this(primary, covered, null);
    }

    /**
     * A history a node was seen writing: a timeline of the cluster of one system identifier (timelines compare within
     * one only, ADR 0020 "Timelines within one system identifier").
     *
     * @param writer   the target whose node wrote it
     * @param timeline its timeline
     * @param system   the cluster's system identifier, never 0
     */
    public record History(String writer, long timeline, long system) {

        public History {
            if (writer == null || timeline <= 0 || system == 0) {
                throw new IllegalArgumentException("a history needs a writer, a timeline and a system identifier");
            }
        }
    }

    /**
     * A writable node's flushed WAL position as a watch or pass found it.
     *
     * @param target          whose node wrote it
     * @param at              taken before the call that read it: every commit acknowledged before {@code at} is at or
     *                        below {@code lsn}
     * @param timeline        the timeline it wrote
     * @param lsn             its flushed position
     * @param syncStandbys    the application names of the primary's synchronous standbys while a commit waited for
     *                        them and none was a potential or quorum one (each then holds every acknowledged commit);
     *                        empty otherwise, and for a replica's coverage
     */
    public record Point(String target, Instant at, long timeline, long lsn, java.util.List<String> syncStandbys) {

        public Point {
            syncStandbys = syncStandbys == null ? java.util.List.of() : java.util.List.copyOf(syncStandbys);
        }
    }
}
