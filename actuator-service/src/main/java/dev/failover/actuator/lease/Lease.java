package dev.failover.actuator.lease;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether this actuator may write to the world now: DNS, ARC routing controls, scaling, databases (ADR 0006).
 * Every external write asks first; a write refused by the lease is not made, and is reported as not made.
 */
@FunctionalInterface
public interface Lease {

    /** A lease that always holds: tools and tests without a consumer group. */
    Lease HELD = Optional::empty;

    /** Empty while the lease holds; otherwise why this instance must not write. */
    Optional<String> lapsed();

    /**
     * Empty while the lease holds long enough for a write that may still take effect {@code landsWithin} after it is
     * asked for (ADR 0006, "A write lands within the lease's margin"); otherwise why it must not be made now. A lease
     * that knows no margin answers as {@link #lapsed()}.
     */
    default Optional<String> lapsedFor(Duration landsWithin) {
        return lapsed();
    }
}
