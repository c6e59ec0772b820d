package dev.failover.actuator.database;

import java.util.Objects;

/**
 * One target's PostgreSQL node: where it is and the role the actuator logs in as (a superuser or a role granted
 * pg_promote, ALTER SYSTEM on default_transaction_read_only and pg_signal_backend).
 *
 * @param jdbcUrl  {@code jdbc:postgresql://host:port/database}
 * @param user     the login role
 * @param password its password; null where the server trusts the actuator otherwise (certificate, trust)
 */
public record PostgresRef(String jdbcUrl, String user, String password) {

    public PostgresRef {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
    }

    @Override
    public String toString() {
        return jdbcUrl + " as " + user; // never the password
    }
}
