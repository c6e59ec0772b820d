package dev.failover.decision.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;

class ReplayTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path dir;

    /** Three locations every 10 s for 5 min; the primary fails from 30 s on. */
    Path recording() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int at = 0; at <= 300; at += 10) {
            for (String location : new String[] { "loc-a", "loc-b", "loc-c" }) {
                lines.add(line("secondary", location, at, ProbeOutcome.UP));
                lines.add(line("primary", location, at, at >= 30 ? ProbeOutcome.DOWN : ProbeOutcome.UP));
            }
        }
        lines.add("{ this line is not a result }");
        // a resolver's observation, on the same topic (ADR 0026): passed over without a word
        lines.add(
                EventCodec.instance().encode(new dev.failover.contract.event.ResolverObservation(1, "demo-api", "loc-a",
                        "vpc", null, null, "TIMEOUT", T0, "probe-loc-a")));
        Path file = dir.resolve("results.jsonl");
        Files.write(file, lines);
        return file;
    }

    static String line(String target, String location, int at, ProbeOutcome outcome) {
        return EventCodec.instance()
                .encode(ProbeResult.of("demo-api", target, "r", location, T0.plusSeconds(at), outcome)
                        .durationMillis(20L).failureReason(outcome == ProbeOutcome.DOWN ? FailureReason.TIMEOUT : null)
                        .build());
    }

    String replay(String... extra) throws IOException {
        List<String> args = new ArrayList<>(
                List.of("--topology", "../config/failover.yaml", "--results", recording().toString()));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Replay.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("skipped: not valid JSON");
        assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("skipped"))).hasSize(1);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsEachSwitchWithItsDetectionDelay() throws IOException {
        // the sample topology: 3 failures to DOWN; the third failure of the second location is at 50 s, the incident
        // (a majority down) began at 30 s
        assertThat(replay()).contains("Group demo-api: no setting differs")
                .containsPattern("switches +1 +1")
                .containsPattern("2026-11-21 10:00:30 +\\d+ +primary +20\\.0 s +20\\.0 s");
    }

    @Test
    void alternativeThresholdsChangeTheDelay() throws IOException {
        assertThat(replay("--failures-to-down", "5")).contains("Group demo-api: failuresToDown: 3 -> 5")
                .containsPattern("2026-11-21 10:00:30 +\\d+ +primary +20\\.0 s +40\\.0 s");
    }

    @Test
    void badOptionsAreRefusedNamingThem() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Replay.run(
                new String[] { "--topology", "../config/failover.yaml", "--results", "x", "--failures-to-down",
                        "many" },
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--failures-to-down: 'many' is not a whole number");
    }
}
