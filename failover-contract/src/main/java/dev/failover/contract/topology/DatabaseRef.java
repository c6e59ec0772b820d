package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A target's node of the data tier (issue 32, ADR 0020): the database the target's application writes to while the
 * target is active, and which the actuator makes writable before it moves traffic there. One variant per backend, chosen
 * in the file by {@code kind}; PostgreSQL streaming replication now.
 * <p>
 * No secret is written here: {@code credentials} names a login that the actuator's configuration gives
 * ({@code failover.database.credentials.<name>.*}), so each region's actuator can hold its own.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({ @JsonSubTypes.Type(value = DatabaseRef.Postgres.class, name = "postgres") })
public sealed interface DatabaseRef permits DatabaseRef.Postgres {

    /** The credentials' name in the actuator's configuration. */
    String credentials();

    /** For people and for the duplicate check: which node, without any secret. */
    String node();

    /**
     * A PostgreSQL server of a streaming-replication pair.
     *
     * @param url         {@code jdbc:postgresql://host:port/database}
     * @param credentials the login's name in the actuator's configuration
     */
    record Postgres(String url, String credentials) implements DatabaseRef {

        @Override
        public String node() {
            return url;
        }
    }
}
