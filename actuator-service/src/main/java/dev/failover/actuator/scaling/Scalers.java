package dev.failover.actuator.scaling;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.failover.actuator.scaling.Scaler.CapacityOutcome;
import dev.failover.actuator.scaling.Scaler.ScaleOutcome;
import dev.failover.contract.topology.ScalingRef;

/** The scalers by the kind of target each serves, at most one per kind; a target's scaler is chosen by its kind alone. */
public final class Scalers {

    private final Map<ScalingRef.Kind, Scaler<?>> byKind = new EnumMap<>(ScalingRef.Kind.class);

    /** @throws IllegalArgumentException when two scalers serve the same kind */
    public Scalers(Collection<? extends Scaler<?>> scalers) {
        for (Scaler<?> scaler : scalers) {
            if (byKind.putIfAbsent(scaler.kind(), scaler) != null) {
                throw new IllegalArgumentException("two scalers for " + scaler.kind() + " targets");
            }
        }
    }

    /** No scaler at all: targets with a scaling ref cannot be switched to. */
    public static Scalers none() {
        return new Scalers(List.of());
    }

    /** Reads the capacity of the target of {@code ref} with the scaler of its kind; empty when none is configured. */
    public Optional<CapacityOutcome> observe(ScalingRef ref) {
        return Optional.ofNullable(byKind.get(ref.kind())).map(scaler -> observe(scaler, ref));
    }

    /** Asks for the target's active size with the scaler of its kind; empty when none is configured. */
    public Optional<ScaleOutcome> scaleUp(ScalingRef ref) {
        return Optional.ofNullable(byKind.get(ref.kind())).map(scaler -> up(scaler, ref));
    }

    /** Returns the target of {@code ref} to pilot light with the scaler of its kind; empty when none is configured. */
    public Optional<ScaleOutcome> scaleDown(ScalingRef ref) {
        return Optional.ofNullable(byKind.get(ref.kind())).map(scaler -> down(scaler, ref));
    }

    // A scaler is kept under its own kind(), and every ref of a kind is that kind's variant: the casts cannot fail.
    @SuppressWarnings("unchecked")
    private static <R extends ScalingRef> CapacityOutcome observe(Scaler<R> scaler, ScalingRef ref) {
        return scaler.observe((R) ref);
    }

    @SuppressWarnings("unchecked")
    private static <R extends ScalingRef> ScaleOutcome up(Scaler<R> scaler, ScalingRef ref) {
        return scaler.scaleUp((R) ref);
    }

    @SuppressWarnings("unchecked")
    private static <R extends ScalingRef> ScaleOutcome down(Scaler<R> scaler, ScalingRef ref) {
        return scaler.scaleDown((R) ref);
    }
}
