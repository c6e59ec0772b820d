package dev.failover.actuator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.failover.actuator.database.Database;

/**
 * One group's data-tier facts as its passes find them (ADR 0020); changed only by the passes, through the group's
 * {@link PassContext}, and read as a {@link DataTier} value.
 */
final class DataTierWatch {

    private final Map<String, DataTier.Node> nodes = new LinkedHashMap<>();
    private Instant heldSince;
    private boolean heldThisPass;
    private Instant promotionRequestedAt;
    private int promotionRequests;
    private Duration lastPromotion;

    /** A target's node was observed. */
    void seen(String target, Database.Observation observation, Instant at) {
        nodes.put(target, new DataTier.Node(observation, at));
    }

    /** The pass holds an unplanned failover for the data-loss budget. */
    void held(Instant now) {
        heldThisPass = true;
        if (heldSince == null) {
            heldSince = now;
        }
    }

    /** A pass ended: a hold that this pass did not repeat is over. */
    void passEnded() {
        if (!heldThisPass) {
            heldSince = null;
        }
        heldThisPass = false;
    }

    /**
     * A promotion was requested; the first request of a desired state starts its clock. Returns how many requests this
     * desired state has made, this one included (the wait after it grows with them).
     */
    int promotionRequested(Instant now) {
        if (promotionRequestedAt == null) {
            promotionRequestedAt = now;
            promotionRequests = 0;
        }
        return ++promotionRequests;
    }

    /**
     * The target's node is writable: when this instance had requested its promotion, the time the promotion took (kept as
     * the last promotion's), once.
     */
    Optional<Duration> writable(Instant now) {
        if (promotionRequestedAt == null) {
            return Optional.empty();
        }
        lastPromotion = Duration.between(promotionRequestedAt, now);
        promotionRequestedAt = null;
        return Optional.of(lastPromotion);
    }

    /** A new desired state: a promotion requested for the previous one is not this one's. */
    void newDesiredState() {
        promotionRequestedAt = null;
    }

    DataTier snapshot() {
        return new DataTier(nodes, heldSince, lastPromotion);
    }
}
