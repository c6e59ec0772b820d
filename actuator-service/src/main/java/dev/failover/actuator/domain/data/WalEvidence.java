package dev.failover.actuator.domain.data;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.failover.actuator.database.Database;

/**
 * The evidence of what a promotion may lose (ADR 0020, "Loss exposure"): each observation of a writable node that
 * reports its WAL is a sample of the primary's flushed position, taken at the pass's start (every commit acknowledged
 * before it is at or below that position). When a replica is later seen to have received a sample's position on the
 * sample's timeline, it holds every commit acknowledged before the sample: that sample's time is how far the replica is
 * covered. What was acknowledged after it is the {@link LossExposure}. Not thread-safe: its {@link DataTierWatch} calls
 * it holding its monitor.
 */
final class WalEvidence {

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
                    !point.syncStandbys().isEmpty(),
                    point.syncStandbys().stream().map(name -> new Database.Standby(name,
                            "sync", 0)).toList(),
                    null, null, 0, 0), true);
        }
    }

    private final java.util.ArrayDeque<Sample> samples = new java.util.ArrayDeque<>();
    /** By replica target: the newest sample whose position it was seen to have received (its time and timeline). */
    private final Map<String, Sample> coveredBy = new java.util.HashMap<>();

    /** A node was observed by a call made after {@code at}: a primary's position sampled, a replica's coverage moved. */
    void seen(String target, Database.Observation observation, Instant at) {
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
     * What this evidence knows of what a promotion may lose, to keep beyond this instance's life; empty before it saw a
     * primary or a replica's coverage.
     */
    Optional<DataTierEvidence> kept() {
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
    void restore(DataTierEvidence evidence) {
        if (evidence.primary() != null) {
            add(Sample.of(evidence.primary()));
        }
        evidence.covered().forEach((replica, point) -> coveredBy.merge(replica, Sample.of(point),
                (a, b) -> a.at().isAfter(b.at()) ? a : b));
    }

    /**
     * What promoting {@code target}'s replica, as {@code node} shows it, may lose at {@code now}. A backend that reports
     * no WAL positions (RDS, Aurora) has only its replica lag to go by.
     */
    LossExposure exposure(String target, Database.Observation.Observed node, Instant now) {
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
            return new LossExposure.None(String.format(java.util.Locale.ROOT,
                    "%s was the only synchronous standby of %s"
                            + " when it was last seen writable, %.1f s ago (a commit waits for it)",
                    name, newest.target(),
                    Duration.between(newest.at(), now).toMillis() / 1000.0));
        }
        Sample coveredSample = covered(target, node.wal());
        long follows = followed(node.wal(), coveredSample);
        if (newest != null && follows != 0 && follows < newest.wal().timeline()) {
            // it follows an old primary: however recently it received that one's WAL, it lacks everything the newer one
            // wrote since its promotion (a second failover must not promote it). A replica whose
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
                        + " primary, " + newest.target() + "'s node, writes timeline " + newest.wal().timeline()
                        + ": it"
                        + " replicates another (an old) primary. Re-point it at " + newest.target()
                        + "'s node (pg_rewind"
                        + " or a new base backup, primary_conninfo)");
            }
            return new LossExposure.Unknown("the replica was never seen to have received a position the primary had"
                    + " flushed (timeline " + newest.wal().timeline() + ", " + Database.Wal.lsn(newest.wal().lsn())
                    + " at the last sample)");
        }
        Duration window = Duration.between(covered, now);
        return new LossExposure.Window(window.isNegative() ? Duration.ZERO : window,
                "it received everything the primary"
                        + " had flushed at " + covered + ", and nothing shows what it acknowledged since"
                        + (newest != null && newest.at().isAfter(covered)
                                ? " (the primary was last seen at " + newest.at() + ")"
                                : ""));
    }

    /**
     * The timeline {@code target}'s replica follows, as {@code wal} shows it or, while its receiver is down (it reports
     * none), the one it was last seen to have received; 0 when neither is known.
     */
    long followedTimeline(String target, Database.Wal wal) {
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
}
