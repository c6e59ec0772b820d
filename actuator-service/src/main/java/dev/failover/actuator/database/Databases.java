package dev.failover.actuator.database;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import dev.failover.actuator.lease.Lease;
import dev.failover.contract.topology.DatabaseRef;

/**
 * The database backends by kind, with the logins the actuator's configuration gives by name: a target's node is reached
 * with the credentials its topology entry names, whichever region this actuator runs in (ADR 0005, ADR 0020). Every name
 * the topology uses is checked at start (ActuatorConfigResolver), so a call finds its login. An RDS instance needs no
 * login: its backend calls the instance's region with the credentials of its place.
 */
public final class Databases {

    /** A login: user and password (null where the server trusts the actuator otherwise). */
    public record Login(String user, String password) {
        @Override
        public String toString() {
            return user; // never the password
        }
    }

    private final Database<PostgresRef> postgres;
    private final Database<DatabaseRef.Rds> rds;
    private final Database<DatabaseRef.AuroraGlobal> aurora;
    private final Map<String, Login> logins;
    private final Lease lease;
    /** How late a PostgreSQL write, and an RDS or Aurora one, may take effect after it is asked for. */
    private final Duration postgresLandsWithin;
    private final Duration awsLandsWithin;

    /** @param postgres, rds, aurora the backends, null where none is configured */
    public Databases(Database<PostgresRef> postgres, Database<DatabaseRef.Rds> rds,
            Database<DatabaseRef.AuroraGlobal> aurora,
            Map<String, Login> logins) {
        this(postgres, rds, aurora, logins, Lease.HELD, Duration.ZERO, Duration.ZERO);
    }

    private Databases(Database<PostgresRef> postgres, Database<DatabaseRef.Rds> rds,
            Database<DatabaseRef.AuroraGlobal> aurora,
            Map<String, Login> logins, Lease lease, Duration postgresLandsWithin, Duration awsLandsWithin) {
        this.postgres = postgres;
        this.rds = rds;
        this.aurora = aurora;
        this.logins = Map.copyOf(logins);
        this.lease = lease;
        this.postgresLandsWithin = postgresLandsWithin;
        this.awsLandsWithin = awsLandsWithin;
    }

    /**
     * These backends with every write (promote, fence, unfence) asking {@code lease} first: while it has
     * lapsed, or would end with its margin before the write may have landed, nothing is written and the outcome is
     * {@link Database.WriteOutcome.Unavailable} with its reason (ADR 0006, "A write lands within the lease's margin").
     *
     * @param postgresLandsWithin how late a PostgreSQL write may take effect after it is asked for: its connection, then
     *                            its first statement, each up to the call timeout
     * @param awsLandsWithin      the same for RDS and Aurora: a read, then the write (a fence by parameter group), each
     *                            up to their clients' call timeout
     */
    public Databases leasedBy(Lease lease, Duration postgresLandsWithin, Duration awsLandsWithin) {
        return new Databases(postgres, rds, aurora, logins, lease, postgresLandsWithin, awsLandsWithin);
    }

    /** No database backend: a target with a database node cannot be switched to (its step blocks). */
    public static Databases none() {
        return new Databases(null, null, null, Map.of());
    }

    /** The backend's name for reports ("postgres", "rds", "aurora-global"). */
    public static String kind(DatabaseRef ref) {
        return DatabaseRef.kindOf(ref);
    }

    /** What the node of {@code ref} is; empty when no backend or login is configured for it. */
    public Optional<Database.Observation> observe(DatabaseRef ref) {
        return call(ref, Database::observe, Database::observe, Database::observe);
    }

    /** Asks the node of {@code ref} to become writable; empty when no backend or login is configured for it. */
    public Optional<Database.WriteOutcome> promote(DatabaseRef ref, Database.Move move) {
        return write(ref, (db, r) -> db.promote(r, move), (db, r) -> db.promote(r, move),
                (db, r) -> db.promote(r, move));
    }

    /** Makes the node of {@code ref} refuse writes; empty when no backend or login is configured for it. */
    public Optional<Database.WriteOutcome> fence(DatabaseRef ref) {
        return write(ref, Database::fence, Database::fence, Database::fence);
    }

    /** See {@link Database#unfence}; empty without a backend or login for the ref. */
    public Optional<Database.WriteOutcome> unfence(DatabaseRef ref) {
        return write(ref, Database::unfence, Database::unfence, Database::unfence);
    }

    /** Whether the backend of {@code ref} makes a planned move atomically, demoting the old primary itself (Aurora). */
    public boolean switchesOverItself(DatabaseRef ref) {
        return call(ref, (db, r) -> db.switchesOverItself(), (db, r) -> db.switchesOverItself(),
                (db, r) -> db.switchesOverItself()).orElse(false);
    }

    /** A {@link #call} that writes: only while the lease holds. */
    private Optional<Database.WriteOutcome> write(DatabaseRef ref,
            BiFunction<Database<PostgresRef>, PostgresRef, Database.WriteOutcome> onPostgres,
            BiFunction<Database<DatabaseRef.Rds>, DatabaseRef.Rds, Database.WriteOutcome> onRds,
            BiFunction<Database<DatabaseRef.AuroraGlobal>, DatabaseRef.AuroraGlobal, Database.WriteOutcome> onAurora) {
        Optional<String> lapsed = lease.lapsedFor(ref instanceof DatabaseRef.Postgres ? postgresLandsWithin
                : awsLandsWithin);
        if (lapsed.isPresent()) {
            return call(ref, (db, r) -> unwritten(lapsed.get()), (db, r) -> unwritten(lapsed.get()),
                    (db, r) -> unwritten(lapsed.get()));
        }
        return call(ref, onPostgres, onRds, onAurora);
    }

    private static Database.WriteOutcome unwritten(String lapsed) {
        return new Database.WriteOutcome.Unavailable("not written: " + lapsed);
    }

    private <T> Optional<T> call(DatabaseRef ref, BiFunction<Database<PostgresRef>, PostgresRef, T> onPostgres,
            BiFunction<Database<DatabaseRef.Rds>, DatabaseRef.Rds, T> onRds,
            BiFunction<Database<DatabaseRef.AuroraGlobal>, DatabaseRef.AuroraGlobal, T> onAurora) {
        if (ref instanceof DatabaseRef.Rds instance) {
            return rds == null ? Optional.empty() : Optional.of(onRds.apply(rds, instance));
        }
        if (ref instanceof DatabaseRef.AuroraGlobal member) {
            return aurora == null ? Optional.empty() : Optional.of(onAurora.apply(aurora, member));
        }
        return postgresRef(ref).map(p -> onPostgres.apply(postgres, p));
    }

    private Optional<PostgresRef> postgresRef(DatabaseRef ref) {
        Login login = logins.get(ref.credentials());
        if (postgres == null || login == null || !(ref instanceof DatabaseRef.Postgres p)) {
            return Optional.empty();
        }
        return Optional.of(new PostgresRef(p.url(), login.user(), login.password()));
    }
}
