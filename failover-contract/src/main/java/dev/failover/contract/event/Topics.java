package dev.failover.contract.event;

/**
 * Kafka topic names. Every topic is keyed by failover-group id so that one group's events stay
 * ordered on one partition, and one consumer instance owns one group at a time.
 */
public final class Topics {

    /** One {@link ProbeResult} per probe, from every probing location. */
    public static final String PROBE_RESULTS = "failover.probe-results";
    /** {@link Decision}s of the decision-service, with a per-group epoch. */
    public static final String DECISIONS = "failover.decisions";
    /** {@link ActuationResult}s: one per step the actuator takes for a decision. */
    public static final String ACTUATIONS = "failover.actuations";

    /** {@link OperatorCommand}s from the override API, processed by the decision-service instance that owns the group. */
    public static final String COMMANDS = "failover.commands";
    /**
     * The decision-service's state per group, compacted: the latest record of a group is what a restarted or new owner
     * rebuilds from. Read only by the decision-service.
     */
    public static final String DECISION_STATE = "failover.decision-state";

    /**
     * The decision-service's explanations of its latest decisions per group, compacted: why each was made, with its
     * evidence (ADR 0011). Written after the decisions they explain; read by a new owner and by any instance asked for
     * an explanation. Read only by the decision-service.
     */
    public static final String DECISION_EXPLANATIONS = "failover.decision-explanations";

    /**
     * The actuator's desired state per group, compacted: the highest-epoch decision seen and the step a stepped failback
     * reached (ADR 0006). Read and written only by the actuator; written before the decision's offset is committed.
     */
    public static final String ACTUATOR_DESIRED = "failover.actuator-desired";

    /**
     * What each actuator instance's watch knows of what a promotion may lose (ADR 0020), compacted, one key
     * per group and instance: the primary's last sampled WAL position and what each replica was seen to receive. Written
     * as it moves on (every 2 s at most); read whole by every actuator at start, so that an instance started after a
     * primary was lost can measure the exposure. Read and written only by the actuator.
     */
    public static final String ACTUATOR_EVIDENCE = "failover.actuator-evidence";

    /** Suffix of the dead-letter topic that receives what a consumer of a topic could not read. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";
    public static final String PROBE_RESULTS_DLQ = PROBE_RESULTS + DEAD_LETTER_SUFFIX;
    public static final String DECISIONS_DLQ = DECISIONS + DEAD_LETTER_SUFFIX;
    public static final String ACTUATIONS_DLQ = ACTUATIONS + DEAD_LETTER_SUFFIX;
    public static final String COMMANDS_DLQ = COMMANDS + DEAD_LETTER_SUFFIX;

    /** Header a dead-letter record carries with the reason it was rejected (set by SmallRye's DLQ strategy). */
    public static final String DEAD_LETTER_REASON_HEADER = "dead-letter-reason";

    /**
     * Header of a signed record (decisions, operator commands) naming the key that signed it, UTF-8: the file name,
     * without {@code .pub}, of the public key in every verifier's trusted-keys directory (ADR 0009).
     */
    public static final String SIGNATURE_KEY_ID_HEADER = "failover-signature-key-id";
    /** Header of a signed record holding its Ed25519 signature, the raw 64 bytes (ADR 0009, RecordSigner). */
    public static final String SIGNATURE_HEADER = "failover-signature";
    /**
     * Header of a record signed as one of a batch (ADR 0029, RecordBatchSigner): the raw 64-byte Ed25519 signature of the
     * batch's Merkle root. Such a record has no {@link #SIGNATURE_HEADER}, so a reader that does not know batches finds
     * it unsigned and refuses it rather than misreading it.
     */
    public static final String BATCH_SIGNATURE_HEADER = "failover-batch-signature";
    /** Header of a batch-signed record: its place in the batch and the hashes from its leaf up to the signed root. */
    public static final String BATCH_PROOF_HEADER = "failover-batch-proof";
    /**
     * Header naming what a record holds when it is not the topic's own kind: on {@link #DECISIONS}, {@value
     * ActuatorRetry#RECORD} for an {@link ActuatorRetry}; on {@link #PROBE_RESULTS}, {@value ResolverObservation#RECORD}
     * for a {@link ResolverObservation}; on {@link #ACTUATIONS}, {@value #PROVIDER_LANE_RECORD} for a {@link
     * ProviderLaneResult}. Absent on decisions, probe results and actuation results (as every release wrote them).
     */
    public static final String RECORD_HEADER = "failover-record";
    /** The {@link #RECORD_HEADER} of a {@link ProviderLaneResult} on {@link #ACTUATIONS} (ADR 0036). */
    public static final String PROVIDER_LANE_RECORD = "provider-lane";

    private Topics() {
    }

    public static String deadLetterOf(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
