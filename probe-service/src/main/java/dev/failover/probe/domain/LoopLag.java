package dev.failover.probe.domain;

import java.time.Duration;

/** How much the location's event loops were held up: the CPU-starvation signal of {@link Attribution}. */
public interface LoopLag {

    /** Never held up: for probers and tests that run without event loops to watch. */
    LoopLag NONE = (from, to) -> Duration.ZERO;

    /** The worst hold-up of any event loop between these {@link System#nanoTime()} marks, including one still going on. */
    Duration worstBetween(long fromNanos, long toNanos);
}
