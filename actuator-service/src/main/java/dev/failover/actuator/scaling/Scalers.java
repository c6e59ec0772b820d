package dev.failover.actuator.scaling;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.scaling.Scaler.CapacityOutcome;
import dev.failover.actuator.scaling.Scaler.ScaleOutcome;
import dev.failover.actuator.scaling.ScalingSettings.Placed;
import dev.failover.contract.topology.ScalingRef;

/**
 * The scalers by the kind of target each serves and the place it reaches (an AWS region and role, a Kubernetes cluster):
 * a target is scaled through the scaler of its own ref's place, whichever region this actuator runs in (ADR 0005).
 */
public final class Scalers {

    private final Map<Placed, Scaler<?>> byPlace;
    private final Lease lease;
    /** How late a scale-up or scale-down may take effect after it is asked for. */
    private final java.time.Duration landsWithin;

    /** @throws IllegalArgumentException when a scaler is given under a kind it does not serve */
    public Scalers(Map<Placed, ? extends Scaler<?>> scalers) {
        scalers.forEach((placed, scaler) -> {
            if (placed.kind() != scaler.kind()) {
                throw new IllegalArgumentException("a " + scaler.kind() + " scaler given for " + placed);
            }
        });
        this.byPlace = Collections.unmodifiableMap(new LinkedHashMap<>(scalers));
        this.lease = Lease.HELD;
        this.landsWithin = java.time.Duration.ZERO;
    }

    private Scalers(Map<Placed, Scaler<?>> byPlace, Lease lease, java.time.Duration landsWithin) {
        this.byPlace = byPlace;
        this.lease = lease;
        this.landsWithin = landsWithin;
    }

    /**
     * These scalers with every scale-up and scale-down asking {@code lease} first (ADR 0006): while it has lapsed, or
     * would end with its margin before the write may have landed ({@code landsWithin}: a read, then the write, each up
     * to the clients' call timeout; ADR 0006), nothing is asked of the platform and the outcome is
     * {@link ScaleOutcome.Unavailable} with its reason. Reads go through.
     */
    public Scalers leasedBy(Lease lease, java.time.Duration landsWithin) {
        return new Scalers(byPlace, lease, landsWithin);
    }

    /** No scaler at all: targets with a scaling ref cannot be switched to. */
    public static Scalers none() {
        return new Scalers(Map.of());
    }

    /** Reads the capacity of the target of {@code ref} with the scaler of its place; empty when none is configured. */
    public Optional<CapacityOutcome> observe(ScalingRef ref) {
        return scalerOf(ref).map(scaler -> observe(scaler, ref));
    }

    /** Asks for the target's active size with the scaler of its place; empty when none is configured. */
    public Optional<ScaleOutcome> scaleUp(ScalingRef ref) {
        return scalerOf(ref).map(scaler -> leased().orElseGet(() -> up(scaler, ref)));
    }

    /** Returns the target of {@code ref} to pilot light with the scaler of its place; empty when none is configured. */
    public Optional<ScaleOutcome> scaleDown(ScalingRef ref) {
        return scalerOf(ref).map(scaler -> leased().orElseGet(() -> down(scaler, ref)));
    }

    /** The outcome of a write the lease refuses; empty while it holds. */
    private Optional<ScaleOutcome> leased() {
        return lease.lapsedFor(landsWithin).map(why -> new ScaleOutcome.Unavailable("not asked: " + why));
    }

    private Optional<Scaler<?>> scalerOf(ScalingRef ref) {
        return Optional.ofNullable(byPlace.get(Placed.of(ref)));
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
