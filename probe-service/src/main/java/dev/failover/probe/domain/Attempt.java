package dev.failover.probe.domain;

import java.time.Duration;

/** How one scheduled probe went, as far as this location can tell: the input of {@link Attribution}. */
public sealed interface Attempt {

    /** The location's bound on probes in flight was reached at the tick: no probe was made. */
    record Refused() implements Attempt {
    }

    /**
     * A probe that was made.
     *
     * @param startDelay from the scheduled tick to the start of the connect attempt; null when the connect attempt never
     *                   began (the probe ended before it: name look-up failed or took the whole timeout)
     * @param loopLag    the worst hold-up of the location's event loops while the probe ran
     */
    record Made(Observation observation, Duration startDelay, Duration loopLag) implements Attempt {
    }
}
