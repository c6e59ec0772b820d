package dev.failover.ctl;

/**
 * failoverctl's exit codes, stable for scripts. Documented in {@code failoverctl --help} and docs/failoverctl.md.
 */
public final class Exits {

    /** Done: a read answered, a write applied by the owning decision-service instance. */
    public static final int OK = 0;
    /** Bad command line (picocli's own code for usage errors). */
    public static final int USAGE = 2;
    /** The server refused the request (a 4xx: not allowed, no such group, not HEALTHY, ...); its message is printed. */
    public static final int REFUSED = 3;
    /** The server could not be reached or could not answer (connection refused, timeout, a 5xx such as state not loaded). */
    public static final int UNREACHABLE = 4;
    /**
     * A write was accepted but the owning instance did not confirm it in time (202): it is on its way and acts at most
     * once; {@code status} shows whether it was applied. Sending it again with the same idempotency key is safe.
     */
    public static final int PENDING = 5;
    /** {@code validate}: the file is not a valid topology (or cannot be read); every bad key is printed. */
    public static final int INVALID = 6;

    private Exits() {
    }
}
