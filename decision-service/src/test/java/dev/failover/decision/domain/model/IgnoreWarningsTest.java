package dev.failover.decision.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.Outcome.IgnoreReason;

/** At most one warning per location per minute, however many of its results are ignored, and none is lost. */
class IgnoreWarningsTest {

    /** DecisionEngineTest's start of time. */
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    /** An ignored result at second {@code at} from {@code location}. */
    record Ignored(int at, String location, IgnoreReason reason) {
    }

    static List<Ignored> every(int seconds, int from, int to, String location, IgnoreReason reason) {
        List<Ignored> ignored = new ArrayList<>();
        for (int at = from; at <= to; at += seconds) {
            ignored.add(new Ignored(at, location, reason));
        }
        return ignored;
    }

    static final IgnoreReason FUTURE = IgnoreReason.FROM_THE_FUTURE;
    static final IgnoreReason STALE = IgnoreReason.STALE;

    static Stream<Arguments> timelines() {
        return Stream.of(
                Arguments.of("the first at once, then one summary a minute", every(1, 0, 130, "loc-c", FUTURE),
                        List.of("t=0 loc-c {FROM_THE_FUTURE=1} since t=0", "t=60 loc-c {FROM_THE_FUTURE=60} since t=1",
                                "t=120 loc-c {FROM_THE_FUTURE=60} since t=61")),
                Arguments.of("each location has its own minute",
                        Stream.of(every(10, 0, 60, "loc-a", STALE), every(10, 5, 65, "loc-c", FUTURE))
                                .flatMap(List::stream).sorted(java.util.Comparator.comparingInt(Ignored::at)).toList(),
                        List.of("t=0 loc-a {STALE=1} since t=0", "t=5 loc-c {FROM_THE_FUTURE=1} since t=5",
                                "t=60 loc-a {STALE=6} since t=10", "t=65 loc-c {FROM_THE_FUTURE=6} since t=15")),
                Arguments.of("reasons are counted apart in one line",
                        List.of(new Ignored(0, "loc-b", STALE), new Ignored(20, "loc-b", FUTURE),
                                new Ignored(40, "loc-b", STALE),
                                new Ignored(60, "loc-b", STALE)),
                        List.of("t=0 loc-b {STALE=1} since t=0", "t=60 loc-b {STALE=2, FROM_THE_FUTURE=1} since t=20")),
                Arguments.of("after a quiet spell the next one is reported at once",
                        List.of(new Ignored(0, "loc-b", STALE), new Ignored(300, "loc-b", STALE)),
                        List.of("t=0 loc-b {STALE=1} since t=0", "t=300 loc-b {STALE=1} since t=300")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timelines")
    void warnsOncePerLocationPerMinute(String name, List<Ignored> timeline, List<String> expected) {
        ManualClock clock = new ManualClock(T0);
        IgnoreWarnings warnings = new IgnoreWarnings(clock, Duration.ofMinutes(1));
        List<String> logged = new ArrayList<>();
        for (Ignored i : timeline) {
            clock.set(T0.plusSeconds(i.at()));
            warnings.onIgnored(i.location(), i.reason(), "result at " + i.at())
                    .ifPresent(w -> logged.add("t=" + i.at() + " "
                            + w.location() + " " + w.ignored() + " since t="
                            + Duration.between(T0, w.since()).toSeconds()));
        }
        assertThat(logged).isEqualTo(expected);
    }

    @Test
    void theLineSaysWhichLocationHowManyWhyAndTheLatest() {
        ManualClock clock = new ManualClock(T0);
        IgnoreWarnings warnings = new IgnoreWarnings(clock, Duration.ofMinutes(1));
        String line = warnings.onIgnored("loc-c", FUTURE, "api/primary FROM_THE_FUTURE: started at ...").orElseThrow()
                .message();
        assertThat(line).isEqualTo("results of probe location loc-c are being ignored: 1 since 2026-11-21T10:00:00Z "
                + "(FROM_THE_FUTURE 1); latest: api/primary FROM_THE_FUTURE: started at ...");
    }
}
