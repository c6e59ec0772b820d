package dev.failover.decision.store;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The state records this process wrote and has not read back yet: the read view takes its own record as it was written
 * instead of decoding its JSON again ({@link StateDirectory}). In a region's failover every group writes several, and
 * decoding them again was two fifths of the worker threads' samples in the plane-mode window (docs/benchmarks.md,
 * "Plane mode"); a group often writes its next record before the first came back (its decision, then the actuator's
 * reports), so each group keeps the few it wrote, in the order written, which is the order its partition gives them
 * back. A record is known by its JSON, character for character, so anything else (another instance's record) is decoded
 * as before. Records written before the one read back are dropped with it: a record whose send failed never comes back.
 */
@ApplicationScoped
public class OwnStateRecords {

    /** Records a group holds at most, the oldest forgotten first. */
    static final int PER_GROUP = 8;

    private record Written(String json, StateRecord record) {
    }

    private final Map<String, Deque<Written>> byGroup = new ConcurrentHashMap<>();

    /** This process is sending {@code json}, the encoding of {@code record}, as the group's state record. */
    public void wrote(String group, String json, StateRecord record) {
        Deque<Written> written = byGroup.computeIfAbsent(group, g -> new ArrayDeque<>());
        synchronized (written) {
            written.addLast(new Written(json, record));
            while (written.size() > PER_GROUP) {
                written.removeFirst();
            }
        }
    }

    /** The record this process wrote as exactly {@code json}, once; empty for anything else. */
    public Optional<StateRecord> readBack(String group, String json) {
        Deque<Written> written = group == null ? null : byGroup.get(group);
        if (written == null) {
            return Optional.empty();
        }
        synchronized (written) {
            for (Iterator<Written> it = written.iterator(); it.hasNext();) {
                if (it.next().json().equals(json)) {
                    Written found;
                    do { // it and the ones written before it, which will not come back after it
                        found = written.removeFirst();
                    } while (!found.json().equals(json));
                    return Optional.of(found.record());
                }
            }
        }
        return Optional.empty();
    }
}
