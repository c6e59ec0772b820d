package dev.failover.decision.domain.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.failover.contract.topology.TopologySafety;

/**
 * The guard's suspicion, over seeded random failures, recoveries, stretches of unknown health and groups leaving (and
 * coming back with their evidence) of many targets in a few regions, is the one the definition gives (ADR 0010): the first window, oldest failure first, whose failures trip
 * it, looked at anew at every evaluation; held until the failing targets are back within bounds. The guard finds it in
 * one pass and looks again only after a change; this model looks at every window every time.
 */
class CorrelatedFailureGuardTest {

    static final Duration WINDOW = Duration.ofSeconds(60);
    static final int MAX_REGIONS = 1;
    static final int MAX_SHARE = 50;

    record Key(String group, String target) {
    }

    record Failing(String region, Instant since) {
    }

    /** The definition, step by step. */
    static final class Model {
        final Set<Key> seen = new HashSet<>();
        final Map<Key, Failing> failing = new LinkedHashMap<>();
        CorrelatedFailureGuard.Suspicion suspicion;

        /** {@code unknown}: neither failing nor shown not to be; a failure keeps its start through it. */
        void observe(String group, String target, String region, boolean isFailing, boolean unknown, Instant now) {
            Key key = new Key(group, target);
            seen.add(key);
            if (isFailing) {
                failing.putIfAbsent(key, new Failing(region, now));
            } else if (!unknown) {
                failing.remove(key);
            }
        }

        /** Since when each of the group's targets has been failing. */
        Map<String, Instant> failingSince(String group) {
            Map<String, Instant> since = new java.util.TreeMap<>();
            failing.forEach((key, f) -> {
                if (key.group().equals(group)) {
                    since.put(key.target(), f.since());
                }
            });
            return since;
        }

        /** The group leaves: what it held, to be taken back when its evidence is kept. */
        Model forget(String group) {
            Model memory = new Model();
            seen.removeIf(k -> k.group().equals(group) && memory.seen.add(k));
            failing.entrySet().removeIf(e -> e.getKey().group().equals(group)
                    && memory.failing.put(e.getKey(), e.getValue()) == null);
            return memory;
        }

        void remember(Model memory) {
            seen.addAll(memory.seen);
            memory.failing.forEach(failing::putIfAbsent);
        }

        Optional<CorrelatedFailureGuard.Suspicion> evaluate(Instant now) {
            if (suspicion == null) {
                suspicion = together(now);
            } else if (!tooMany(failing.values().stream().map(Failing::region).distinct().count(), failing.size())) {
                suspicion = null;
            }
            return Optional.ofNullable(suspicion);
        }

        boolean tooMany(long regions, int targets) {
            return regions > MAX_REGIONS
                    || (regions > 1 && targets * 100L > (long) MAX_SHARE * Math.max(1, seen.size()));
        }

        CorrelatedFailureGuard.Suspicion together(Instant now) {
            List<Map.Entry<Key, Failing>> bySince = new ArrayList<>(failing.entrySet());
            bySince.sort(Comparator.comparing(e -> e.getValue().since()));
            for (int i = 0; i < bySince.size(); i++) {
                Instant from = bySince.get(i).getValue().since();
                TreeSet<String> regions = new TreeSet<>();
                List<String> targets = new ArrayList<>();
                for (int j = i; j < bySince.size() && !bySince.get(j).getValue().since().isAfter(from.plus(WINDOW));
                        j++) {
                    regions.add(bySince.get(j).getValue().region());
                    targets.add(bySince.get(j).getKey().group() + "/" + bySince.get(j).getKey().target());
                }
                if (tooMany(regions.size(), targets.size())) {
                    int all = Math.max(1, seen.size());
                    return new CorrelatedFailureGuard.Suspicion(now, List.copyOf(regions), List.copyOf(targets), all,
                            targets.size() + " of " + all + " targets in " + regions.size() + " regions " + regions
                                    + " began failing within " + WINDOW + " of each other (believed: " + MAX_REGIONS
                                    + " region" + (MAX_REGIONS == 1 ? "" : "s") + ", or " + MAX_SHARE
                                    + " % of the targets this instance decides): suspecting the plane's own probes, network or Kafka");
                }
            }
            return null;
        }
    }

    /** The guard looks again when a target it has seen before fails again, not only at a new target. */
    @org.junit.jupiter.api.Test
    void aTargetFailingAgainIsLookedAtAgain() {
        CorrelatedFailureGuard guard = new CorrelatedFailureGuard(new TopologySafety.CorrelatedFailure(
                (int) WINDOW.toSeconds(), MAX_REGIONS, MAX_SHARE, 30));
        Instant t0 = Instant.parse("2026-11-27T00:00:00Z");
        guard.observe("g2", "west", "us-west-2", true, false, t0);
        assertThat(guard.evaluate(t0)).isEmpty();
        guard.observe("g2", "west", "us-west-2", false, false, t0.plusSeconds(1));
        assertThat(guard.evaluate(t0.plusSeconds(1))).isEmpty();
        guard.observe("g1", "east", "us-east-1", true, false, t0.plusSeconds(2));
        assertThat(guard.evaluate(t0.plusSeconds(2))).isEmpty();

        guard.observe("g2", "west", "us-west-2", true, false, t0.plusSeconds(3));

        assertThat(guard.evaluate(t0.plusSeconds(3))).as("two regions failing within the window")
                .hasValueSatisfying(s -> assertThat(s.regions()).containsExactly("us-east-1", "us-west-2"));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })
    void theSuspicionIsTheOneTheDefinitionGives(long seed) {
        Random random = new Random(seed);
        CorrelatedFailureGuard guard = new CorrelatedFailureGuard(new TopologySafety.CorrelatedFailure(
                (int) WINDOW.toSeconds(), MAX_REGIONS, MAX_SHARE, 30));
        Model model = new Model();
        List<String> regions = List.of("us-east-1", "us-west-2", "eu-west-1");
        Instant now = Instant.parse("2026-11-27T00:00:00Z");
        int suspected = 0;
        String usual = regions.get(0);
        for (int step = 0; step < 4_000; step++) {
            if (random.nextInt(150) == 0) { // a while later, another region's trouble
                now = now.plus(Duration.ofSeconds(30 + random.nextInt(90)));
                usual = regions.get(random.nextInt(regions.size()));
            }
            now = now.plusMillis(random.nextInt(400));
            int group = random.nextInt(60);
            if (random.nextInt(200) == 0) { // the group's partition moves away; half the time it comes straight back
                CorrelatedFailureGuard.Memory kept = guard.forget("g" + group);
                Model modelKept = model.forget("g" + group);
                if (random.nextBoolean()) {
                    guard.remember(kept);
                    model.remember(modelKept);
                }
            }
            String region = random.nextInt(25) == 0 ? regions.get(random.nextInt(regions.size())) : usual;
            String target = "t-" + region; // a group's target in a region
            int verdict = random.nextInt(6); // failing, shown not failing, or unknown (its results stale)
            boolean failing = verdict > 1;
            boolean unknown = verdict == 1;
            guard.observe("g" + group, target, region, failing, unknown, now);
            model.observe("g" + group, target, region, failing, unknown, now);
            assertThat(guard.failingSince("g" + group)).as("step %d", step).isEqualTo(model.failingSince("g" + group));
            if (random.nextInt(3) == 0) {
                Optional<CorrelatedFailureGuard.Suspicion> expected = model.evaluate(now);
                assertThat(guard.evaluate(now)).as("step %d", step).isEqualTo(expected);
                suspected += expected.isPresent() ? 1 : 0;
            }
        }
        assertThat(suspected).as("the schedule trips the guard at times").isPositive();
    }
}
