package dev.failover.actuator.database;

import java.util.Objects;

/**
 * One target's PostgreSQL node: where it is and the role the actuator logs in as (a superuser, or the owner of the
 * application's database granted pg_promote, ALTER SYSTEM on default_transaction_read_only and pg_signal_backend).
 * The URL names the application's database, which a fence closes; the actuator itself logs in to the node's
 * maintenance database (ADR 0020, "A fence no client passes").
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

    private static final String SCHEME = "jdbc:postgresql://";

    /** The database the URL names: the application's; null where it names none (PgJDBC then takes the user's name). */
    public String database() {
        int path = pathStart();
        if (path < 0) {
            return null;
        }
        int query = jdbcUrl.indexOf('?', path);
        String name = jdbcUrl.substring(path + 1, query < 0 ? jdbcUrl.length() : query);
        return name.isEmpty() ? null : java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** This URL with {@code database} in place of the one it names (its hosts and parameters kept). */
    public String jdbcUrlOn(String database) {
        String encoded = java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8);
        int path = pathStart();
        if (path < 0) {
            int query = jdbcUrl.indexOf('?');
            return query < 0 ? jdbcUrl + "/" + encoded : jdbcUrl.substring(0, query) + "/" + encoded
                    + jdbcUrl.substring(query);
        }
        int query = jdbcUrl.indexOf('?', path);
        return jdbcUrl.substring(0, path + 1) + encoded + (query < 0 ? "" : jdbcUrl.substring(query));
    }

    /** Where the path after the hosts begins (its '/'), or -1 where the URL has none. */
    private int pathStart() {
        int hosts = jdbcUrl.startsWith(SCHEME) ? SCHEME.length() : 0;
        int slash = jdbcUrl.indexOf('/', hosts);
        int query = jdbcUrl.indexOf('?', hosts);
        return slash < 0 || (query >= 0 && query < slash) ? -1 : slash;
    }

    @Override
    public String toString() {
        return jdbcUrl + " as " + user; // never the password
    }
}
