package dev.failover.actuator.domain.data;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Databases;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;

/**
 * One group's database nodes, watched by every actuator instance whether it drives the group or not: the
 * facts they yield ({@link DataTierWatch}: the primary's WAL positions, what each replica was seen to receive) belong to
 * the instance, not to one tenure of the group, so that an instance that takes the group over (its owner lost with the
 * primary's region) knows from its first pass what a promotion may lose, instead of finding it unknown and holding the
 * failover until an operator forces it. A node whose call fails slowly (its region cut off: each call costs the call
 * timeout) is left for a growing while (doubling from the interval, up to 30 s), so that it holds no thread of the
 * watch for a call timeout every interval; one that refuses at once (its server down on a host that answers) costs
 * nothing and is looked at every interval, so that an old primary whose server starts again is seen, and fenced, within
 * an interval (DataTierNemesisIT found it writable for 3.5 s when it was left for the growing while too).
 * Observed by one thread at a time (each group's watch is scheduled after the last one ended).
 * <p>
 * What the facts say a promotion may lose ({@link DataTierEvidence}) is handed to the {@link EvidenceStore} when it has
 * moved on, at most every {@link #KEEP_EVERY}: an instance started after the primary was lost restores it.
 */
public final class GroupWatch {

    /**
     * How often at most the evidence is kept. An instance that restores it measures from a sample up to this much older
     * than the newest this one had, so a restored exposure is larger by as much (never smaller); one record a group
     * every two seconds is nothing to Kafka.
     */
    static final Duration KEEP_EVERY = Duration.ofSeconds(2);

    private final String group;
    private final EvidenceStore store;
    private final DataTierWatch facts = new DataTierWatch();
    private DataTierEvidence kept;
    private Instant keptAt;
    /** By target: how many watches in a row its node did not answer, and when it is tried again. */
    private final Map<String, Integer> misses = new ConcurrentHashMap<>();
    private final Map<String, Instant> againAt = new ConcurrentHashMap<>();

    public GroupWatch(String group, EvidenceStore store) {
        this.group = group;
        this.store = store;
    }

    /** The facts the watch and the passes of the group's current tenure keep. */
    public DataTierWatch facts() {
        return facts;
    }

    /** Observes each database node of {@code config} that its breaker lets, once; records what answered. */
    public void observe(FailoverGroup config, Databases databases, Clock clock, Duration interval) {
        for (Target target : config.targets()) {
            if (target.database() == null) {
                continue;
            }
            Instant now = clock.instant(); // before the call: every commit acknowledged before it is in the sample
            Instant again = againAt.get(target.id());
            if (again != null && now.isBefore(again)) {
                continue;
            }
            Optional<Database.Observation> seen = databases.observe(target.database());
            if (seen.isEmpty()) {
                continue; // no backend or login: the passes block on it and say so
            }
            facts.seen(target.id(), seen.get(), now);
            boolean slow = Duration.between(now, clock.instant()).compareTo(interval.dividedBy(2)) >= 0;
            if (seen.get() instanceof Database.Observation.Unavailable && slow) {
                int missed = misses.merge(target.id(), 1, Integer::sum);
                againAt.put(target.id(), clock.instant().plus(unanswered(interval).after(missed)));
            } else {
                misses.remove(target.id());
                againAt.remove(target.id());
            }
        }
        keep(clock.instant());
    }

    /** Hands the evidence to the store when it moved on since it was last kept, at most every {@link #KEEP_EVERY}. */
    private void keep(Instant now) {
        Optional<DataTierEvidence> evidence = facts.evidence();
        if (evidence.isEmpty() || evidence.get().equals(kept)
                || keptAt != null && now.isBefore(keptAt.plus(KEEP_EVERY))) {
            return;
        }
        store.save(group, evidence.get());
        kept = evidence.get();
        keptAt = now;
    }

    private static Backoff unanswered(Duration interval) {
        return new Backoff(interval, Duration.ofSeconds(30), Duration.ZERO, () -> 0.0);
    }
}
