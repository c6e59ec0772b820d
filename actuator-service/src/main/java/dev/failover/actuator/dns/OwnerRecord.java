package dev.failover.actuator.dns;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The ownership TXT record as a provider read it: its name, TTL and values. A conditional write is based on exactly one
 * value — RFC 2136's prerequisite compares the whole TXT set, Route 53's DELETE the value and the TTL — so a record a
 * person gave a second value, or another TTL than the provider writes (the Route 53 console's default is 300), would
 * make every write fail as an owner change for ever. {@link #problem} says what to remove or change instead.
 *
 * @param name   the record's name, e.g. {@code _failover-owner.api.example.com}
 * @param ttl    its TTL in seconds; null when not known
 * @param values its TXT values as text, in the order read
 */
public record OwnerRecord(String name, Long ttl, List<String> values) {

    public OwnerRecord {
        values = List.copyOf(values);
    }

    /** The text a conditional write is based on: the only value; null when there is none. */
    public String text() {
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    /**
     * What makes the record unusable for a conditional write, saying exactly what to remove or change; empty when it is
     * usable.
     *
     * @param requiredTtl the TTL the provider writes and deletes the record with, or null when any TTL does (RFC 2136)
     */
    public Optional<String> problem(Long requiredTtl) {
        String then = ", then retry the group (POST /groups/{id}/retry on the actuator)";
        if (values.size() > 1) {
            Optional<String> keep = values.stream().filter(v -> OwnerMark.parse(v).isPresent())
                    .max(Comparator.comparingLong(v -> OwnerMark.parse(v).orElseThrow().epoch()));
            List<String> remove = values.stream().filter(v -> keep.isEmpty() || !v.equals(keep.get())).toList();
            return Optional
                    .of("the ownership record " + name + " TXT holds " + values.size() + " values (" + quoted(values)
                            + "); a conditional write needs exactly one, the mark the actuator wrote: "
                            + (keep.isPresent() ? "remove " + quoted(remove) + " and keep '" + keep.get() + "'"
                                    : "none of them is a mark, remove the record")
                            + then);
        }
        if (requiredTtl != null && ttl != null && !ttl.equals(requiredTtl)) {
            return Optional.of("the ownership record " + name + " TXT has TTL " + ttl + " (value '" + text()
                    + "'); the actuator writes and conditionally deletes it with TTL " + requiredTtl
                    + " only, so every write is refused: set its TTL to " + requiredTtl + " and keep its value" + then);
        }
        return Optional.empty();
    }

    private static String quoted(List<String> values) {
        return values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", "));
    }
}
