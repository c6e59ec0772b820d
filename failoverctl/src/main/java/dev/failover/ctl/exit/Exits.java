package dev.failover.ctl.exit;

/**
 * failoverctl's exit codes, stable for scripts. Documented in {@code failoverctl --help}, docs/failoverctl.md and the
 * README. Each way of not reaching a server has its own code, so that a script can tell "fix the address or the
 * certificate" (7, 9) from "the server is away" (4) and from "the answer may still come" (8).
 */
public final class Exits {

    /** Done: a read answered, a write applied by the owning decision-service instance. */
    public static final int OK = 0;
    /** Bad command line (picocli's own code for usage errors), or a config file or context that cannot be used. */
    public static final int USAGE = 2;
    /** The server refused the request (a 4xx: not allowed, no such group, not HEALTHY, ...); its message is printed. */
    public static final int REFUSED = 3;
    /** The server could not be reached (connection refused or reset) or could not answer (a 5xx such as state not loaded). */
    public static final int UNREACHABLE = 4;
    /**
     * A write was accepted but the owning instance did not confirm it in time (202): it is on its way and acts at most
     * once; {@code status} shows whether it was applied. Sending it again with the same idempotency key is safe.
     */
    public static final int PENDING = 5;
    /** {@code validate}: the file is not a valid topology (or cannot be read); every bad key is printed. */
    public static final int INVALID = 6;
    /** The server's host name does not resolve (DNS): a wrong URL or context, or no DNS here. Nothing was sent. */
    public static final int NAME_NOT_RESOLVED = 7;
    /**
     * No answer within {@code --timeout}: the request may have arrived. A write may have been applied: check
     * {@code status}, or send it again with the same {@code --idempotency-key} (printed), which acts at most once.
     */
    public static final int TIMEOUT = 8;
    /** The TLS handshake failed (certificate not trusted, expired or for another name; https to a plain-http port). */
    public static final int TLS = 9;
    /** No token could be obtained: the credential command (exec) failed or printed no token. Nothing was sent. */
    public static final int CREDENTIALS = 10;
    /**
     * {@code start-check}: the actuator that drives the group answered that the node is not the group's primary of
     * record (or another node takes writes): its start-up guard starts it read-only (ADR 0020).
     */
    public static final int NOT_PRIMARY = 11;
    /**
     * A write's {@code --wait}: the decision it made is not served: the actuator refused it (NOT_SERVED, its reason
     * printed), or a newer decision took its place. Not a timeout (8): waiting longer would not change it.
     */
    public static final int NOT_SERVED = 12;

    private Exits() {
    }

    /**
     * {@code permissions}: an actuator found a permission its topology needs missing (the action, resource and place
     * are printed): the failover or drill that needs it would fail there.
     */
    public static final int PERMISSION_MISSING = 13;

    /**
     * {@code permissions}: nothing found missing, but not everything is known: an actuator's check is off or has not run
     * yet, a place could not be asked, or an actuator has no such endpoint. Not "granted".
     */
    public static final int PERMISSION_UNKNOWN = 14;

    /**
     * {@code report verify}: the report's signature does not verify against the trusted keys (it was changed, or signed by
     * another key), or the replay of its evidence decides otherwise, or it keeps no evidence to replay.
     */
    public static final int REPORT_REFUSED = 15;
}
