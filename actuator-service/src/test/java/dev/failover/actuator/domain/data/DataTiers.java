package dev.failover.actuator.domain.data;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Data tiers for tests, without the parts a test does not look at. */
public final class DataTiers {

    private DataTiers() {
    }

    /** Nodes seen, nothing promoted, no exposure measured, no refused switch. */
    public static DataTier seen(Map<String, DataTier.Node> nodes, Instant heldSince, Duration lastPromotion) {
        return new DataTier(nodes, heldSince, lastPromotion, null, Map.of(), null);
    }

    /** Without a refused switch. */
    public static DataTier of(Map<String, DataTier.Node> nodes, Instant heldSince, Duration lastPromotion,
            DataTier.Promotion promoted, Map<String, LossExposure> exposures) {
        return new DataTier(nodes, heldSince, lastPromotion, promoted, exposures, null);
    }
}
