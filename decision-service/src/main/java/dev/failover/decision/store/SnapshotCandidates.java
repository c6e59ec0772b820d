package dev.failover.decision.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.failover.decision.domain.model.GroupSnapshot;

/**
 * The readable snapshots of the state topic, by group, to restore each group from the best one that is trusted. A
 * group's state takes the snapshot of the highest rank, and of equal ranks the latest in the log
 * ({@code GroupState.restore}); trying a group's snapshots in that order and stopping at the first trusted one restores
 * what taking every trusted one in log order would, while checking the signature of one snapshot a group rather than of
 * every one the topic still holds (a check is the restore's main cost: 3,519 records of 1,000 groups took 33 s on a
 * busy two-core machine).
 */
final class SnapshotCandidates {

    /** One readable snapshot and the record it was read from. */
    record Candidate(ConsumerRecord<String, String> record, GroupSnapshot snapshot) {
    }

    private static final Comparator<Candidate> BEST_FIRST = Comparator
            .comparing((Candidate c) -> c.snapshot().rank()).thenComparingLong(c -> c.record().offset()).reversed();

    private final Map<String, List<Candidate>> byGroup = new LinkedHashMap<>();

    void add(ConsumerRecord<String, String> record, GroupSnapshot snapshot) {
        byGroup.computeIfAbsent(snapshot.group(), g -> new ArrayList<>()).add(new Candidate(record, snapshot));
    }

    /**
     * For each group, its best snapshot that {@code trusted} accepts, asked best first and no further than that one;
     * none for a group whose every snapshot it refuses.
     */
    List<Candidate> bestTrusted(Predicate<Candidate> trusted) {
        List<Candidate> chosen = new ArrayList<>();
        for (List<Candidate> candidates : byGroup.values()) {
            candidates.stream().sorted(BEST_FIRST).filter(trusted).findFirst().ifPresent(chosen::add);
        }
        return chosen;
    }
}
