package dev.failover.actuator.domain.model;

import java.util.List;
import java.util.Objects;

import dev.failover.actuator.dns.RecordSet;

/** How the reconcile steps compare the sets a record serves with the sets a goal wants. */
public final class RecordSets {

    private RecordSets() {
    }

    /** Whether {@code served} holds exactly the {@code wanted} sets. */
    public static boolean matches(List<RecordSet> served, List<RecordSet> wanted) {
        for (RecordSet w : wanted) {
            boolean found = served.stream().anyMatch(s -> Objects.equals(s.setIdentifier(), w.setIdentifier())
                    && Objects.equals(s.weight(), w.weight()) && Objects.equals(s.values(), w.values())
                    && Objects.equals(s.alias(), w.alias()) && (w.alias() != null || Objects.equals(s.ttl(), w.ttl())));
            if (!found) {
                return false;
            }
        }
        return wanted.size() == served.stream().filter(s -> wanted.stream()
                .anyMatch(w -> Objects.equals(w.setIdentifier(), s.setIdentifier()))).count();
    }

    /** The served sets this group manages: those with a set identifier it writes (the one set, with simple routing). */
    public static List<RecordSet> managed(List<RecordSet> served, List<RecordSet> wanted) {
        return served.stream()
                .filter(s -> wanted.stream().anyMatch(w -> Objects.equals(w.setIdentifier(), s.setIdentifier())))
                .toList();
    }

    public static List<RecordSet> withoutTtl(List<RecordSet> sets) {
        return sets.stream().map(s -> new RecordSet(s.setIdentifier(), s.weight(), null, s.values(), s.alias()))
                .toList();
    }

    public static String describe(List<RecordSet> sets) {
        return sets.stream().map(RecordSet::describe).reduce((a, b) -> a + ", " + b).orElse("nothing");
    }
}
