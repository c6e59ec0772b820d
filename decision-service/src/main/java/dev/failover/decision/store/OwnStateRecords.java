package dev.failover.decision.store;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The state records this process wrote and has not read back yet, the latest of each group: the read view takes its own
 * record as it was written instead of decoding its JSON again ({@link StateDirectory}). In a region's failover every
 * group writes several, and decoding them again was two fifths of the worker threads' samples in the plane-mode window
 * (docs/benchmarks.md, "Plane mode"). A record is known by its JSON, character for character, so anything else (another
 * instance's record, one of this process's written before the latest) is decoded as before; what is held is at most a
 * record a group, until it is read back or the group's next one replaces it.
 */
@ApplicationScoped
public class OwnStateRecords {

    private record Written(String json, StateRecord record) {
    }

    private final Map<String, Written> byGroup = new ConcurrentHashMap<>();

    /** This process is sending {@code json}, the encoding of {@code record}, as the group's state record. */
    public void wrote(String group, String json, StateRecord record) {
        byGroup.put(group, new Written(json, record));
    }

    /** The record this process wrote as exactly {@code json}, once; empty for anything else. */
    public Optional<StateRecord> readBack(String group, String json) {
        Written written = group == null ? null : byGroup.get(group);
        if (written == null || !written.json().equals(json)) {
            return Optional.empty();
        }
        byGroup.remove(group, written);
        return Optional.of(written.record());
    }
}
