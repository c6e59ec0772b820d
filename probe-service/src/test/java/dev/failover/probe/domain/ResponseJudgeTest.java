package dev.failover.probe.domain;

import static dev.failover.probe.domain.ResponseJudge.Progress.CLOSED_EARLY;
import static dev.failover.probe.domain.ResponseJudge.Progress.ENDED;
import static dev.failover.probe.domain.ResponseJudge.Progress.HEAD;
import static dev.failover.probe.domain.ResponseJudge.Progress.LIMIT_REACHED;
import static dev.failover.probe.domain.ResponseJudge.Progress.READING;
import static dev.failover.probe.domain.ResponseJudge.Progress.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.topology.HttpProbe;
import dev.failover.probe.domain.ResponseJudge.Progress;
import dev.failover.probe.domain.ResponseJudge.Verdict;

/** The verdict on a response from what arrived so far: status first, then the body check if any, then the latency. */
class ResponseJudgeTest {

    /** An http probe with a 2 s timeout; null leaves a field at its default. */
    static HttpProbe spec(List<String> status, String contains, String regex, Integer limit, Integer maxLatency) {
        return HttpProbe.get("http://127.0.0.1/").expectedStatus(status).bodyContains(contains).bodyRegex(regex)
                .bodyLimitBytes(limit)
                .timeoutMillis(2000).maxLatencyMillis(maxLatency).build();
    }

    static final HttpProbe NO_CHECK = spec(null, null, null, null, null);
    static final HttpProbe CONTAINS_OK = spec(null, "ok", null, null, null);
    static final HttpProbe CONTAINS_NEEDLE = spec(null, "needle", null, 16, null);
    static final HttpProbe ENDS_WITH_THEN = spec(null, null, "then$", null, null);

    static Stream<Arguments> table() {
        return Stream.of(
                // without a body check the head decides, whatever comes after it
                Arguments.of("no check, 200 at the head", NO_CHECK, 200, "", HEAD, 10, "UP"),
                Arguments.of("no check, 399 at the head (default 200-399)", NO_CHECK, 399, "", HEAD, 10, "UP"),
                Arguments.of("no check, 503 at the head", NO_CHECK, 503, "", HEAD, 10, "DOWN UNEXPECTED_STATUS"),
                Arguments.of("503 accepted by expectedStatus", spec(List.of("503"), null, null, null, null), 503, "",
                        HEAD, 10, "UP"),
                Arguments.of("no check, head later than maxLatency", spec(null, null, null, null, 500), 200, "", HEAD,
                        501,
                        "DOWN TOO_SLOW"),
                Arguments.of("no check, head at maxLatency", spec(null, null, null, null, 500), 200, "", HEAD, 500,
                        "UP"),
                // with a body check the status still comes first
                Arguments.of("check, 503 at the head", CONTAINS_OK, 503, "", HEAD, 10, "DOWN UNEXPECTED_STATUS"),
                Arguments.of("check, 200 at the head", CONTAINS_OK, 200, "", HEAD, 10, "READ_ON"),
                // the bytes so far settle a contains check as soon as they hold the text
                Arguments.of("text in the first bytes", CONTAINS_OK, 200, "all ok", READING, 10, "UP"),
                Arguments.of("text in the first bytes, after maxLatency", spec(null, "ok", null, null, 300), 200,
                        "all ok", READING,
                        301, "DOWN TOO_SLOW"),
                Arguments.of("text not yet there", CONTAINS_NEEDLE, 200, "hay", READING, 10, "READ_ON"),
                Arguments.of("text not within the limit", CONTAINS_NEEDLE, 200, "hay hay hay hay ", LIMIT_REACHED, 10,
                        "DOWN BODY_MISMATCH"),
                Arguments.of("text not in the whole body", CONTAINS_NEEDLE, 200, "hay", ENDED, 10,
                        "DOWN BODY_MISMATCH"),
                Arguments.of("text not in what arrived before the close", CONTAINS_NEEDLE, 200, "hay", CLOSED_EARLY, 10,
                        "DOWN BODY_MISMATCH"),
                Arguments.of("text not in what arrived by the timeout", CONTAINS_NEEDLE, 200, "hay", TIMED_OUT, 2000,
                        "DOWN TIMEOUT"),
                Arguments.of("text in what arrived before the close", CONTAINS_OK, 200, "ok, and th", CLOSED_EARLY, 10,
                        "UP"),
                // a regex match that more bytes could undo waits for the end of the body
                Arguments.of("anchored match so far", ENDS_WITH_THEN, 200, "ok, and then", READING, 10, "READ_ON"),
                Arguments.of("anchored match at the close", ENDS_WITH_THEN, 200, "ok, and then", CLOSED_EARLY, 10,
                        "UP"),
                Arguments.of("anchored match at the end", ENDS_WITH_THEN, 200, "ok, and then", ENDED, 10, "UP"),
                Arguments.of("anchored match undone by more bytes", ENDS_WITH_THEN, 200, "ok, and then more", ENDED, 10,
                        "DOWN BODY_MISMATCH"),
                Arguments.of("unanchored match settles at once", spec(null, null, "st.tus", null, null), 200,
                        "status: up, and more",
                        READING, 10, "UP"),
                // both checks must hold
                Arguments.of("contains holds, regex does not", spec(null, "ok", "x+y", null, null), 200, "ok", ENDED,
                        10,
                        "DOWN BODY_MISMATCH"),
                Arguments.of("both hold", spec(null, "ok", "o.", null, null), 200, "ok", READING, 10, "UP"));
    }

    @ParameterizedTest(name = "{0}: {6}")
    @MethodSource("table")
    void judgesWhatArrived(String situation, HttpProbe spec, int status, String body, Progress progress,
            long elapsedMillis,
            String expected) {
        Verdict verdict = new ResponseJudge(spec).judge(status, body, progress, elapsedMillis);
        assertThat(name(verdict))
                .as("%s: status %d, body '%s', %s after %d ms -> %s", situation, status, body, progress,
                        elapsedMillis, verdict)
                .isEqualTo(expected);
    }

    @Test
    void detailsSayWhatWasExpectedAndWhatArrived() {
        assertThat(detail(new ResponseJudge(NO_CHECK).judge(503, "", HEAD, 10)))
                .isEqualTo("status 503 is not in [200-399]");
        assertThat(detail(new ResponseJudge(CONTAINS_NEEDLE).judge(200, "hay hay hay hay ", LIMIT_REACHED, 10)))
                .isEqualTo("body does not contain 'needle' within its first 16 bytes");
        assertThat(detail(new ResponseJudge(CONTAINS_NEEDLE).judge(200, "hay", CLOSED_EARLY, 10)))
                .isEqualTo("body does not contain 'needle' in the 3 bytes received before the connection closed");
        assertThat(detail(new ResponseJudge(CONTAINS_NEEDLE).judge(200, "hay", TIMED_OUT, 2000)))
                .isEqualTo("body does not contain 'needle' in the 3 bytes received within 2000 ms");
        assertThat(detail(new ResponseJudge(ENDS_WITH_THEN).judge(200, "then more", ENDED, 10)))
                .isEqualTo("body does not match /then$/ (the whole body, 9 bytes)");
        assertThat(detail(new ResponseJudge(spec(null, null, null, null, 500)).judge(200, "", HEAD, 501)))
                .isEqualTo("took 501 ms, more than 500 ms");
    }

    @Test
    void onlyABodyCheckNeedsTheBody() {
        assertThat(new ResponseJudge(NO_CHECK).needsBody()).isFalse();
        assertThat(new ResponseJudge(CONTAINS_OK).needsBody()).isTrue();
        assertThat(new ResponseJudge(ENDS_WITH_THEN).needsBody()).isTrue();
    }

    static String name(Verdict verdict) {
        if (verdict instanceof Verdict.Down down) {
            return "DOWN " + down.reason();
        }
        return verdict instanceof Verdict.Up ? "UP" : "READ_ON";
    }

    static String detail(Verdict verdict) {
        assertThat(verdict).as("a DOWN verdict").isInstanceOf(Verdict.Down.class);
        return ((Verdict.Down) verdict).detail();
    }
}
