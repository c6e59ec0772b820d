package dev.failover.decision.bench;

import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.engine.Engines;

/**
 * Decision-core benchmark (a program, not a test): latency of one probe result through the engine, and the heap the
 * engine holds for G groups x 2 targets x L locations.
 *
 * <pre>scripts/bench-decision.sh core [GROUPS] [LOCATIONS] [RESULTS]</pre>
 */
public final class CoreBenchmark {

    public static void main(String[] args) {
        int groups = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int locations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int results = args.length > 2 ? Integer.parseInt(args[2]) : 2_000_000;
        Runtime rt = Runtime.getRuntime();
        long heapBefore = usedHeap(rt);
        Instant start = Instant.parse("2026-11-21T10:00:00Z");
        ManualClock clock = new ManualClock(start);
        int[] ids = { 0 };
        DecisionEngine engine = Engines.minimal(BenchTopology.of(groups, locations, 10), clock, () -> "d" + ++ids[0]);
        Random random = new Random(42);
        String[] targets = { "primary", "secondary" };
        ProbeResult[] pool = new ProbeResult[groups * 2 * locations];
        long[] latencies = new long[results];
        int switches = 0;
        for (int i = 0; i < results; i++) {
            int slot = i % pool.length;
            int g = slot / (2 * locations);
            String target = targets[(slot / locations) % 2];
            String location = "loc-" + slot % locations;
            // one full round of every (target, location) per 10 simulated seconds; 2 % failures at random
            Instant at = start.plusMillis((long) i * 10_000L / pool.length);
            clock.set(at);
            boolean down = random.nextInt(100) < 2;
            ProbeResult r = ProbeResult
                    .of("g-" + g, target, "r", location, at, down ? ProbeOutcome.DOWN : ProbeOutcome.UP)
                    .durationMillis(5L).failureReason(down ? FailureReason.TIMEOUT : null).build();
            long t0 = System.nanoTime();
            var outcome = engine.onProbeResult(r);
            latencies[i] = System.nanoTime() - t0;
            if (outcome instanceof dev.failover.decision.domain.model.Outcome.Switched) {
                switches++;
            }
        }
        long heapAfter = usedHeap(rt);
        long[] measured = Arrays.copyOfRange(latencies, results / 2, results); // second half: after JIT warm-up
        Arrays.sort(measured);
        System.out.printf("core: %d groups x 2 targets x %d locations = %d trackers, %d results (%d switches)%n",
                groups,
                locations, pool.length, results, switches);
        System.out.printf(
                "latency per result (second half, %d samples): p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us%n",
                measured.length, us(measured, 0.50), us(measured, 0.99), us(measured, 0.999),
                measured[measured.length - 1] / 1000.0);
        System.out.printf("heap held by the engine: %.1f MiB (%.0f bytes per target x location)%n",
                (heapAfter - heapBefore) / 1048576.0, (heapAfter - heapBefore) / (double) pool.length);
        if (engine.view("g-0").isEmpty()) {
            throw new IllegalStateException("engine lost group g-0");
        }
    }

    private static double us(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * sorted.length))] / 1000.0;
    }

    private static long usedHeap(Runtime rt) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
