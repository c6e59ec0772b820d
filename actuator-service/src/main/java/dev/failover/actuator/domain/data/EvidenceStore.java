package dev.failover.actuator.domain.data;

/**
 * Where each instance keeps its {@link DataTierEvidence} beyond its life (a compacted Kafka topic in production, one
 * key per group and instance): saved by the watch as the evidence moves on, read by every instance at start.
 */
public interface EvidenceStore {

    /** Keeps nothing: the evidence lives as long as the instance. */
    EvidenceStore NONE = (group, evidence) -> {
    };

    /**
     * Hands the group's evidence over for keeping and returns at once: a save that fails loses only this version (the
     * next one follows), and never holds the watch.
     */
    void save(String group, DataTierEvidence evidence);
}
