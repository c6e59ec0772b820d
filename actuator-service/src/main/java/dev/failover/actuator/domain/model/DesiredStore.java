package dev.failover.actuator.domain.model;

/** Where desired states are kept durably (a compacted Kafka topic in production). */
public interface DesiredStore {

    /** Returns once the state is stored durably; throws when it cannot be. */
    void save(DesiredState state);
}
