package dev.failover.testkit.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client of the service, for the data tier's system test and the demo: writes a row at a time, without pause, into
 * {@code orders (id bigint PRIMARY KEY, at timestamptz)} of the database the service's DNS record names now (the
 * application runs in each region and uses its own region's database), one connection at a time, reconnecting after an
 * error. A row counts as acknowledged when its commit returned. JDK only (java.sql): the PostgreSQL driver comes from
 * the caller's class path.
 */
public final class WritingClient implements AutoCloseable {

    /** Where the record points now, as a JDBC URL; may fail (the DNS server did not answer): the write counts as failed. */
    @FunctionalInterface
    public interface Route {
        String url() throws Exception;
    }

    private final Route route;
    private final String user;
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    /** When each acknowledged row's commit returned. */
    private final java.util.Map<Long, Instant> acknowledgedAt = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> firstFailure = new AtomicReference<>();
    private final AtomicReference<Instant> firstSuccessAfterFailure = new AtomicReference<>();
    private final AtomicReference<String> lastUrl = new AtomicReference<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile boolean readWrite;
    private Thread thread;

    public WritingClient(Route route, String user) {
        this.route = route;
        this.user = user;
    }

    /**
     * Each session asks for read-write transactions explicitly ({@code SET SESSION CHARACTERISTICS AS TRANSACTION READ
     * WRITE}), as some drivers and pools do: such a client passes {@code default_transaction_read_only}, the soft part of
     * a PostgreSQL fence (ADR 0020, "A fence no client passes"). Before {@link #start()}.
     */
    public WritingClient askingForReadWrite() {
        readWrite = true;
        return this;
    }

    /** Creates the table where the record points now (if it is not there), then writes on a thread of its own. */
    public WritingClient start() throws Exception {
        try (Connection connection = connect(route.url()); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, at timestamptz NOT NULL)");
        }
        thread = new Thread(this::run, "writing-client");
        thread.start();
        return this;
    }

    private void run() {
        long next = 1;
        Connection connection = null;
        String connectedTo = null;
        while (running.get()) {
            try {
                String url = route.url();
                if (connection == null || !url.equals(connectedTo)) {
                    close(connection);
                    connection = DriverManager.getConnection(url + "?connectTimeout=1&socketTimeout=2", user, "");
                    connectedTo = url;
                    if (readWrite) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
                        }
                    }
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("INSERT INTO orders (id, at) VALUES (" + next + ", now())");
                }
                acknowledgedAt.put(next, Instant.now());
                acknowledged.add(next);
                lastUrl.set(url);
                next++;
                if (firstFailure.get() != null) {
                    firstSuccessAfterFailure.compareAndSet(null, Instant.now());
                }
            } catch (Exception e) {
                // the write's outcome is unknown (a commit can reach the synchronous replica and lose its
                // acknowledgement with the crash): not counted, and the next write takes the next id, never the same
                // one again (it would be a duplicate key on the promoted replica for ever)
                next++;
                firstFailure.compareAndSet(null, Instant.now());
                String message = String.valueOf(e.getMessage());
                if (errors.size() < 20 || errors.size() < 40 && !message.startsWith("Connection to")) {
                    errors.add(Instant.now() + " " + message);
                }
                close(connection);
                connection = null;
                sleep(50); // a paced retry, as a client's would be
            }
        }
        close(connection);
    }

    /** Stops writing; returns once the last write ended. */
    public void stop() throws InterruptedException {
        running.set(false);
        if (thread != null) {
            thread.join(10_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The ids of the rows whose commit returned. */
    public Set<Long> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    /** The ids of the rows whose commit returned, each with when it returned (the commit was made before). */
    public java.util.Map<Long, Instant> acknowledgedAt() {
        return java.util.Map.copyOf(acknowledgedAt);
    }

    public int acknowledgedCount() {
        return acknowledged.size();
    }

    /** When the first write failed; empty while none did. */
    public Optional<Instant> firstFailure() {
        return Optional.ofNullable(firstFailure.get());
    }

    /** When the first write after the first failure succeeded; empty while none did. */
    public Optional<Instant> firstSuccessAfterFailure() {
        return Optional.ofNullable(firstSuccessAfterFailure.get());
    }

    /** The URL of the last acknowledged write. */
    public Optional<String> lastUrl() {
        return Optional.ofNullable(lastUrl.get());
    }

    /** The first errors (up to 20 connection errors and 20 others), each with its time. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /**
     * The acknowledged ids whose rows {@code url}'s node lacks, in order: what a check of "nothing acknowledged lost"
     * asserts empty. One hash lookup an id (AssertJ's {@code containsAll} scans the actual set for each: quadratic, minutes
     * for the ~60,000 rows a partition test acknowledges).
     */
    public List<Long> missingOn(String url) throws SQLException {
        Set<Long> present = ids(url, user);
        return acknowledged.stream().filter(id -> !present.contains(id)).sorted().toList();
    }

    /**
     * The ids stored in {@code orders} at {@code url}. A node whose database a fence closed to new sessions (ADR 0020) is
     * read all the same, as an operator auditing it would: opened from its {@code postgres} database for the read, then
     * closed again.
     */
    public static Set<Long> ids(String url, String user) throws SQLException {
        try {
            return readIds(url, user);
        } catch (SQLException e) {
            if (!CLOSED.equals(e.getSQLState())) {
                throw e;
            }
        }
        String database = url.substring(url.lastIndexOf('/') + 1);
        String maintenance = PostgresPair.onPostgres(url);
        allowConnections(maintenance, user, database, true);
        try {
            return readIds(url, user);
        } finally {
            allowConnections(maintenance, user, database, false);
        }
    }

    /** SQLSTATE object_not_in_prerequisite_state: "database ... is not currently accepting connections". */
    private static final String CLOSED = "55000";

    private static Set<Long> readIds(String url, String user) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection connection = connect(url, user); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id FROM orders")) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }

    private static void allowConnections(String maintenance, String user, String database, boolean allow)
            throws SQLException {
        try (Connection connection = connect(maintenance, user); Statement statement = connection.createStatement()) {
            statement.execute("SET synchronous_commit TO local"); // a fenced old primary's standby may be gone
            statement.execute("SET default_transaction_read_only TO off"); // the fence's own setting
            statement.execute("ALTER DATABASE \"" + database + "\" WITH ALLOW_CONNECTIONS " + allow);
        }
    }

    private Connection connect(String url) throws SQLException {
        return connect(url, user);
    }

    private static Connection connect(String url, String user) throws SQLException {
        return DriverManager.getConnection(url + "?connectTimeout=2&socketTimeout=5", user, "");
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a connection to a crashed server is gone anyway
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
