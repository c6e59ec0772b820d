package dev.failover.probe.domain;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.topology.HttpProbe;
import dev.failover.contract.topology.StatusRanges;

/**
 * The verdict on one HTTP response, from what has arrived so far, as Route 53 judges it: without a body check the status
 * decides as soon as the response head arrives (the body is never waited for); with one ({@code bodyContains},
 * {@code bodyRegex}) the bytes received decide — once they settle the check, once {@code bodyLimitBytes} arrived, or once
 * the body ended, whether complete, cut short by the peer, or stopped by the probe's timeout. A body check not met when
 * the timeout stops the body is a TIMEOUT, not a BODY_MISMATCH: the target did not finish in time, and the text might
 * still have come. {@code maxLatencyMillis} counts up to the point of judgement. Pure: no I/O, no clock.
 */
public final class ResponseJudge {

    /** How far the response has come when it is judged. */
    public enum Progress {
        /** the status line and headers; no body yet */
        HEAD,
        /** part of the body; more may come */
        READING,
        /** {@code bodyLimitBytes} of the body arrived; the rest is not read */
        LIMIT_REACHED,
        /** the body ended as announced */
        ENDED,
        /** the peer closed or reset the connection before the body ended */
        CLOSED_EARLY,
        /** the probe's timeout stopped the body */
        TIMED_OUT
    }

    /** What the judge decided: read on, or a final verdict. */
    public sealed interface Verdict {
        record ReadOn() implements Verdict {
        }

        record Up() implements Verdict {
        }

        record Down(FailureReason reason, String detail) implements Verdict {
        }
    }

    private static final Verdict.ReadOn READ_ON = new Verdict.ReadOn();
    private static final Verdict.Up UP = new Verdict.Up();

    /** Whether one check of the body holds on the bytes so far, and whether more bytes could change that. */
    private enum Match {
        FOUND_FOR_GOOD, FOUND_SO_FAR, NOT_FOUND
    }

    private final HttpProbe spec;
    private final StatusRanges accepted;
    private final Pattern regex;

    public ResponseJudge(HttpProbe spec) {
        this.spec = spec;
        this.accepted = spec.statusRanges();
        this.regex = spec.bodyRegex() == null ? null : Pattern.compile(spec.bodyRegex());
    }

    /** Whether any byte of the body matters; without a body check the judgement is made at the head. */
    public boolean needsBody() {
        return spec.bodyContains() != null || regex != null;
    }

    /**
     * @param body          the body received so far, at most {@code bodyLimitBytes} of it (empty at the head)
     * @param elapsedMillis time from the start of the probe to this point
     */
    public Verdict judge(int status, String body, Progress progress, long elapsedMillis) {
        if (!accepted.accepts(status)) {
            return new Verdict.Down(FailureReason.UNEXPECTED_STATUS,
                    "status " + status + " is not in " + spec.expectedStatus());
        }
        if (!needsBody()) {
            return latency(elapsedMillis);
        }
        Match contains = spec.bodyContains() == null ? Match.FOUND_FOR_GOOD
                : body.contains(spec.bodyContains()) ? Match.FOUND_FOR_GOOD : Match.NOT_FOUND;
        Match matches = regex == null ? Match.FOUND_FOR_GOOD : match(body);
        if (contains == Match.FOUND_FOR_GOOD && matches == Match.FOUND_FOR_GOOD) {
            return latency(elapsedMillis);
        }
        if (progress == Progress.HEAD || progress == Progress.READING) {
            return READ_ON;
        }
        if (contains != Match.NOT_FOUND && matches != Match.NOT_FOUND) {
            return latency(elapsedMillis);
        }
        String check = contains == Match.NOT_FOUND ? "body does not contain '" + spec.bodyContains() + "'"
                : "body does not match /" + spec.bodyRegex() + "/";
        int bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return switch (progress) {
            case LIMIT_REACHED -> new Verdict.Down(FailureReason.BODY_MISMATCH,
                    check + " within its first " + spec.bodyLimitBytes() + " bytes");
            case ENDED ->
                new Verdict.Down(FailureReason.BODY_MISMATCH, check + " (the whole body, " + bytes + " bytes)");
            case CLOSED_EARLY -> new Verdict.Down(FailureReason.BODY_MISMATCH,
                    check + " in the " + bytes + " bytes received before the connection closed");
            case TIMED_OUT ->
                new Verdict.Down(FailureReason.TIMEOUT, check + " in the " + bytes + " bytes received within "
                        + spec.timeoutMillis() + " ms");
            case HEAD, READING -> throw new IllegalStateException("judged above");
        };
    }

    /** A regex match on a prefix is final only when the matcher did not need to look past the bytes so far. */
    private Match match(String body) {
        Matcher matcher = regex.matcher(body);
        if (!matcher.find()) {
            return Match.NOT_FOUND;
        }
        return matcher.hitEnd() ? Match.FOUND_SO_FAR : Match.FOUND_FOR_GOOD;
    }

    private Verdict latency(long elapsedMillis) {
        if (spec.maxLatencyMillis() != null && elapsedMillis > spec.maxLatencyMillis()) {
            return new Verdict.Down(FailureReason.TOO_SLOW,
                    "took " + elapsedMillis + " ms, more than " + spec.maxLatencyMillis()
                            + " ms");
        }
        return UP;
    }
}
