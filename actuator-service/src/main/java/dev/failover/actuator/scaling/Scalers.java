package dev.failover.actuator.scaling;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.failover.contract.topology.ScalingRef;

/** The scalers by the kind of target each serves, at most one per kind; a target's scaler is chosen by its kind alone. */
public final class Scalers {

    private final Map<ScalingRef.Kind, Scaler> byKind = new EnumMap<>(ScalingRef.Kind.class);

    /** @throws IllegalArgumentException when two scalers serve the same kind */
    public Scalers(Collection<? extends Scaler> scalers) {
        for (Scaler scaler : scalers) {
            if (byKind.putIfAbsent(scaler.kind(), scaler) != null) {
                throw new IllegalArgumentException("two scalers for " + scaler.kind() + " targets");
            }
        }
    }

    /** No scaler at all: targets with a scaling ref cannot be switched to. */
    public static Scalers none() {
        return new Scalers(List.of());
    }

    /** The scaler of {@code kind} targets, if one is configured. */
    public Optional<Scaler> of(ScalingRef.Kind kind) {
        return Optional.ofNullable(byKind.get(kind));
    }
}
