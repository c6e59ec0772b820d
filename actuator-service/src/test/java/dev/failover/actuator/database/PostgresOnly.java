package dev.failover.actuator.database;

import java.util.Map;

/** The database backends of a test that has PostgreSQL nodes only. */
public final class PostgresOnly {

    private PostgresOnly() {
    }

    public static Databases databases(Database<PostgresRef> postgres, Map<String, Databases.Login> logins) {
        return new Databases(postgres, null, null, logins);
    }
}
