package dev.failover.actuator.domain.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Database.Observation.Observed;
import dev.failover.actuator.database.Database.Role;
import dev.failover.actuator.database.Database.Standby;

/**
 * What promoting a replica may lose (ADR 0020, "Loss exposure"), table-driven over the group's watch: the
 * primary's samples and the replica's received positions go in, in order; the exposure at {@link #NOW} comes out.
 */
class LossExposureTest {

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final Instant NOW = T0.plusSeconds(5);

    /** One observation fed to the watch: a target's node, seen by a call made after {@code at}. */
    record Seen(String target, Observed node, Instant at) {
    }

    static Observed primary(long timeline, long lsn, boolean commitsWait, Standby... standbys) {
        return Observed.withWal(Role.WRITABLE, new Database.Wal(timeline, lsn, commitsWait, List.of(standbys),
                null, null, 0, 0));
    }

    static Observed replica(long timeline, long received) {
        return Observed.withWal(Role.REPLICA, new Database.Wal(timeline, received, true, List.of(), "replica",
                new Database.Receiver(true, "db-east:5432", T0), 0, 0));
    }

    static Seen at(int second, String target, Observed node) {
        return new Seen(target, node, T0.plusSeconds(second));
    }

    static final Standby ASYNC = new Standby("replica", "async", 0);
    static final Standby SYNC = new Standby("replica", "sync", 0);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("no primary seen since the start", List.of(), replica(1, 100), "Unknown",
                        "seen no primary take writes"),
                Arguments.of("received the sample taken 5 s ago",
                        List.of(at(0, "primary", primary(1, 100, true, ASYNC)),
                                at(1, "secondary", replica(1, 100))),
                        replica(1, 100), "Window 5.0 s", "received everything"),
                Arguments.of("covered by an older sample only: the window runs from it", List.of(
                        at(0, "primary", primary(1, 100, true, ASYNC)), at(2, "primary", primary(1, 200, true, ASYNC)),
                        at(3, "secondary", replica(1, 150))), replica(1, 150), "Window 5.0 s",
                        "the primary was last seen at"),
                Arguments.of("never received a sampled position",
                        List.of(at(0, "primary", primary(1, 100, true, ASYNC)),
                                at(1, "secondary", replica(1, 99))),
                        replica(1, 99), "Unknown", "never seen to have received"),
                Arguments.of("another timeline: replicates an old primary", List.of(
                        at(0, "primary", primary(2, 100, true, ASYNC)), at(1, "secondary", replica(1, 500))),
                        replica(1, 500), "Unknown", "Re-point it at primary's node"),
                // the old primary back writable after third's node was promoted (a later timeline): its positions are
                // a former primary's, not the group's history, and a replica of it lacks what third's node acknowledged
                // (DataTierNemesisIT seed 101, once the last writer was right: promoted after a second failover, 1,608
                // commits lost)
                Arguments.of("a replica of a former primary back writable", List.of(
                        at(0, "primary", primary(1, 100, true, ASYNC)), at(1, "third", primary(2, 150, true, ASYNC)),
                        at(2, "primary", primary(1, 300, true, ASYNC)), at(3, "secondary", replica(1, 300))),
                        replica(1, 300), "Unknown", "Re-point it at third's node"),
                Arguments.of("the only synchronous standby", List.of(at(0, "primary", primary(1, 100, true, SYNC))),
                        replica(1, 50), "None", "only synchronous standby of primary"),
                Arguments.of("synchronous, but a potential standby could take its place", List.of(
                        at(0, "primary", primary(1, 100, true, SYNC, new Standby("replica2", "potential", 0))),
                        at(1, "secondary", replica(1, 100))), replica(1, 100), "Window 5.0 s", "received everything"),
                Arguments.of("synchronous, but commits do not wait",
                        List.of(at(0, "primary", primary(1, 100, false, SYNC)),
                                at(1, "secondary", replica(1, 100))),
                        replica(1, 100), "Window 5.0 s", "received everything"),
                Arguments.of("two standbys by one name: which is synchronous is unknown", List.of(
                        at(0, "primary", primary(1, 100, true, SYNC, new Standby("replica", "async", 0)))),
                        replica(1, 100), "Unknown", "never seen to have received"),
                Arguments.of("a backend without positions: its lag", List.of(),
                        new Observed(Role.REPLICA, 10, 3.5, false, null, null, false),
                        "Window 3.5 s", "replica lag its backend reports"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theExposureIsWhatThePositionsShow(String name, List<Seen> seen, Observed candidate, String expected,
            String basis) {
        DataTierWatch watch = new DataTierWatch();
        seen.forEach(s -> watch.seen(s.target(), s.node(), s.at()));
        LossExposure exposure = watch.exposure("secondary", candidate, NOW);
        assertThat(kind(exposure)).isEqualTo(expected);
        assertThat(exposure.describe()).contains(basis);
        assertThat(exposure.within(0)).isEqualTo(exposure instanceof LossExposure.None);
        assertThat(exposure.within(86_400)).isEqualTo(!(exposure instanceof LossExposure.Unknown));
    }

    static String kind(LossExposure exposure) {
        if (exposure instanceof LossExposure.Window w) {
            return String.format(java.util.Locale.ROOT, "Window %.1f s", w.window().toMillis() / 1000.0);
        }
        return exposure.getClass().getSimpleName();
    }

    /** The node last seen writable is the old primary a move fences, whatever backend reports it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void theLastWriterIsTheNodeLastSeenWritable(String name, List<Seen> seen, String writer) {
        DataTierWatch watch = new DataTierWatch();
        seen.forEach(s -> watch.seen(s.target(), s.node(), s.at()));
        assertThat(watch.lastSeenWriter().orElse("none")).isEqualTo(writer);
    }

    static Stream<Arguments> writers() {
        Observed fenced = Observed.fenced();
        return Stream.of(
                Arguments.of("none yet", List.of(at(0, "secondary", replica(1, 1))), "none"),
                Arguments.of("a backend without positions", List.of(at(0, "primary", Observed.writable())), "primary"),
                Arguments.of("the newest writer",
                        List.of(at(0, "primary", primary(1, 1, true)), at(1, "primary", fenced),
                                at(2, "secondary", primary(2, 5, true))),
                        "secondary"),
                Arguments.of("fenced since, still the last writer", List.of(at(0, "primary", primary(1, 1, true)),
                        at(1, "primary", fenced)), "primary"),
                // a former primary back writable after the promotion (its older timeline) is a second writer the watch
                // fences, not the history a next move must keep: the secondary's node is (DataTierNemesisIT seeds 79
                // and 101: the second failover promoted a replica of the old primary and lost the secondary's writes)
                Arguments.of("a former primary back writable is not the writer", List.of(
                        at(0, "primary", primary(1, 1, true)), at(1, "secondary", primary(2, 5, true)),
                        at(2, "primary", primary(1, 3, true))), "secondary"),
                Arguments.of("a former primary fenced after coming back: still not the writer", List.of(
                        at(0, "primary", primary(1, 1, true)), at(1, "secondary", primary(2, 5, true)),
                        at(2, "primary", primary(1, 3, true)), at(3, "primary", fenced)), "secondary"));
    }

    /**
     * A way back abandons the promoted node's timeline before anything was written to it: the node it restores is the
     * writer a next move fences and measures against at once, not after its next observation.
     */
    @org.junit.jupiter.api.Test
    void aWayBackMakesTheRestoredNodeTheWriterAtOnce() {
        DataTierWatch watch = new DataTierWatch();
        watch.seen("primary", primary(1, 100, true), T0);
        watch.seen("primary", Observed.fenced(), T0.plusSeconds(1));
        watch.seen("secondary", primary(2, 100, true), T0.plusSeconds(2));
        watch.seen("secondary", Observed.fenced(), T0.plusSeconds(3));

        watch.takenBack("secondary", 2, "primary", 1);

        assertThat(watch.lastSeenWriter()).contains("primary");
    }

    /**
     * An instance that learns of a way back only once the promoted node was rebuilt as a replica (it watched the move
     * but did not drive it, then took the group over): the node the way back restored, writing its timeline again, is
     * the group's writer, not a former primary of the abandoned timeline.
     */
    @org.junit.jupiter.api.Test
    void aWayBackLearntAfterThePromotedNodeWasRebuiltLeavesTheRestoredNodeTheWriter() {
        DataTierWatch watch = new DataTierWatch();
        watch.seen("primary", primary(1, 100, true), T0);
        watch.seen("secondary", primary(2, 100, true), T0.plusSeconds(1));
        watch.seen("secondary", replica(1, 120), T0.plusSeconds(3));

        watch.takenBack("secondary", 2, "primary", 1);
        watch.seen("primary", primary(1, 130, true), T0.plusSeconds(4));

        assertThat(watch.formerPrimary("primary")).isEmpty();
        assertThat(watch.lastSeenWriter()).contains("primary");
    }

    /** A sample newer than the replica's reading still counts: what matters is the position received, not when. */
    @org.junit.jupiter.api.Test
    void aReplicaReadBeforeASampleIsCoveredWhenALaterReadingReachesIt() {
        DataTierWatch watch = new DataTierWatch();
        watch.seen("secondary", replica(1, 50), T0);
        watch.seen("primary", primary(1, 100, true, ASYNC), T0.plusSeconds(1));
        assertThat(watch.exposure("secondary", replica(1, 50), NOW)).isInstanceOf(LossExposure.Unknown.class);
        watch.seen("secondary", replica(1, 120), T0.plusSeconds(2));
        assertThat(watch.exposure("secondary", replica(1, 120), NOW)).isEqualTo(new LossExposure.Window(
                Duration.ofSeconds(4),
                ((LossExposure.Window) watch.exposure("secondary", replica(1, 120), NOW)).basis()));
    }
}
