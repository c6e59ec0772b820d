package dev.failover.testkit.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.failover.testkit.net.FreePorts;

/**
 * A PostgreSQL primary and its streaming replicas, as the data tier of a pilot-light pair runs them: servers from
 * Debian's packages, each a separate process on its own loopback port, each replica made with {@code pg_basebackup -R}
 * and streaming from the primary, synchronously by default (a commit is acknowledged once the first replica has flushed
 * it) or asynchronously ({@link Replication#ASYNC}). Each replica's {@code cluster_name} is its name ("replica",
 * "replica2", ...), which is the application name its WAL receiver gives the primary. Run as the {@code postgres} user
 * when the tests run as root (the server refuses root).
 * Each node is started and stopped by PID, so a test can stop, kill or freeze one, or its WAL receiver, for real.
 */
public final class PostgresPair implements AutoCloseable {

    /** The database user the nodes trust on loopback (tests only: no password). */
    public static final String USER = "failover";
    /** The database the tests write to. */
    public static final String DATABASE = "app";

    /**
     * {@code jdbcUrl} (a node's, naming a database) on the node's {@code postgres} database instead, which a fence leaves
     * open while it closes the application's (ADR 0020, "A fence no client passes"): where a test asks what a node is.
     */
    public static String onPostgres(String jdbcUrl) {
        return jdbcUrl.substring(0, jdbcUrl.lastIndexOf('/') + 1) + "postgres";
    }

    /** How the primary acknowledges a commit. */
    public enum Replication {
        /**
         * Once the first replica has flushed it ({@code synchronous_standby_names = '*'}): a promotion of that replica
         * loses nothing acknowledged (what a zero-RPO deployment runs).
         */
        SYNC,
        /** Once it is flushed locally: a replica that did not receive it loses it when promoted. */
        ASYNC
    }

    private final Path dir;
    private final Node primary;
    private final List<Node> replicas;

    private final Thread onExit;

    private PostgresPair(Path dir, Node primary, List<Node> replicas) {
        this.dir = dir;
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        // a test JVM that is stopped (SIGTERM, a failsafe timeout) does not leave servers running
        this.onExit = new Thread(() -> {
            this.replicas.forEach(Node::crash);
            primary.crash();
        }, "postgres-pair-stop");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** Creates, starts and connects both nodes on free ports; the replica is streaming when this returns. */
    public static PostgresPair start() {
        return start(FreePorts.next(), FreePorts.next());
    }

    /** The same on the given loopback ports (the local stack's, which its topology names before the nodes run). */
    public static PostgresPair start(int primaryPort, int replicaPort) {
        return start(Replication.SYNC, List.of(primaryPort, replicaPort));
    }

    /** A primary and {@code replicas} streaming replicas on free ports, replicating as {@code replication} says. */
    public static PostgresPair start(Replication replication, int replicas) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i <= replicas; i++) {
            ports.add(FreePorts.next());
        }
        return start(replication, ports);
    }

    /** The primary on the first port, a replica on each further one. */
    private static PostgresPair start(Replication replication, List<Integer> ports) {
        int primaryPort = ports.get(0);
        Path dir = null;
        Node primary = null;
        List<Node> replicas = new ArrayList<>();
        try {
            dir = Files.createTempDirectory("failover-pg-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            owned(dir);
            primary = new Node("primary", dir.resolve("primary"), primaryPort);
            run(dir, List.of(bin("initdb"), "-D", primary.data.toString(), "-U", USER, "--auth=trust", "--no-sync",
                    "--encoding=UTF8", "--locale=C"));
            Files.writeString(primary.data.resolve("postgresql.conf"), config(primary.port, dir)
                    + "wal_level = replica\nmax_wal_senders = 4\n", java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(primary.data.resolve("pg_hba.conf"), "host replication all 127.0.0.1/32 trust\n",
                    java.nio.file.StandardOpenOption.APPEND);
            primary.start("database system is ready to accept connections");
            run(dir, List.of(bin("createdb"), "-h", "127.0.0.1", "-p", Integer.toString(primary.port), "-U", USER,
                    DATABASE));

            for (int i = 1; i < ports.size(); i++) {
                String name = i == 1 ? "replica" : "replica" + i;
                Node replica = new Node(name, dir.resolve(name), ports.get(i));
                run(dir, List.of(bin("pg_basebackup"), "-h", "127.0.0.1", "-p", Integer.toString(primary.port), "-U",
                        USER,
                        "-D", replica.data.toString(), "-R", "-X", "stream", "--no-sync", "--checkpoint=fast"));
                // once promoted it has no standby of its own: it must not wait for one (it inherited the primary's
                // setting); its cluster_name is the application name the primary sees its WAL receiver by
                Files.writeString(replica.data.resolve("postgresql.auto.conf"), "port = " + replica.port
                        + "\nsynchronous_standby_names = ''\ncluster_name = '" + name + "'\n",
                        java.nio.file.StandardOpenOption.APPEND);
                replica.start("started streaming WAL");
                replicas.add(replica);
            }
            if (replication == Replication.SYNC) {
                // synchronous from now on: a commit is acknowledged once a replica has flushed it, so a promotion of it
                // loses nothing acknowledged; replay can still lag, and be paused. Set only now: before the replica
                // streams, every commit (createdb's too) would wait for it. SIGHUP reloads the setting.
                Files.writeString(primary.data.resolve("postgresql.auto.conf"), "synchronous_standby_names = '*'\n",
                        java.nio.file.StandardOpenOption.APPEND);
                primary.signal("HUP");
            }
            return new PostgresPair(dir, primary, replicas);
        } catch (IOException e) {
            replicas.forEach(PostgresPair::stopQuietly);
            stopQuietly(primary);
            delete(dir);
            throw new UncheckedIOException("cannot set up the PostgreSQL pair", e);
        } catch (RuntimeException e) {
            replicas.forEach(PostgresPair::stopQuietly);
            stopQuietly(primary);
            delete(dir);
            throw e;
        }
    }

    public Node primary() {
        return primary;
    }

    /** The first replica (the synchronous one of a {@link Replication#SYNC} pair). */
    public Node replica() {
        return replicas.get(0);
    }

    /** Every replica, the first one first. */
    public List<Node> replicas() {
        return replicas;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // the JVM is exiting: the hook stops the servers
        }
        stopQuietly(primary);
        replicas.forEach(PostgresPair::stopQuietly);
        delete(dir);
    }

    private static String config(int port, Path dir) {
        // 127.0.0.2 too: a second path to the same server, which a test cuts (nftables) while clients keep the first
        return "\nlisten_addresses = '127.0.0.1,127.0.0.2'\nport = " + port + "\nunix_socket_directories = '" + dir
                + "'\n"
                + "fsync = off\nfull_page_writes = off\nshared_buffers = 16MB\nmax_connections = 20\n"
                + "hot_standby = on\nlogging_collector = off\n";
    }

    /** One PostgreSQL server of the pair: its data directory, port and process. */
    public static final class Node {

        private final String name;
        private final Path data;
        private final int port;
        private Process process;

        private Node(String name, Path data, int port) {
            this.name = name;
            this.data = data;
            this.port = port;
        }

        /** The JDBC URL of the test database on this node. */
        public String jdbcUrl() {
            return jdbcUrl("127.0.0.1");
        }

        /**
         * The node's URL through {@code address}: 127.0.0.1, or 127.0.0.2, the second path a test cuts on its own (the
         * plane's, while the region's clients keep the first).
         */
        public String jdbcUrl(String address) {
            return "jdbc:postgresql://" + address + ":" + port + "/" + DATABASE;
        }

        public int port() {
            return port;
        }

        /** The node's data directory (PGDATA), for a start-up guard's files. */
        public Path dataDirectory() {
            return data;
        }

        /** The node's name: "primary", "replica", "replica2", ... (a replica's cluster_name). */
        public String name() {
            return name;
        }

        /**
         * Sends {@code signal} ("STOP", "CONT", "KILL") by PID to this replica's WAL receiver process, the one that
         * streams from the primary: STOP freezes the replication link for real (the primary, asynchronous, keeps
         * acknowledging commits the replica does not receive) while the server itself keeps answering. Returns the PID
         * signalled.
         */
        public long signalWalReceiver(String signal) throws java.sql.SQLException {
            long receiver;
            try (java.sql.Connection connection = java.sql.DriverManager.getConnection(jdbcUrl()
                    + "?connectTimeout=2&socketTimeout=5", USER, ""); java.sql.Statement statement = connection
                            .createStatement();
                    java.sql.ResultSet row = statement.executeQuery(
                            "SELECT pid FROM pg_stat_wal_receiver")) {
                if (!row.next()) {
                    throw new IllegalStateException(this + " has no WAL receiver");
                }
                receiver = row.getLong(1);
            }
            try {
                int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(receiver)).start().waitFor();
                if (exit != 0) {
                    throw new IllegalStateException("kill -" + signal + " " + receiver + " exited " + exit);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return receiver;
        }

        /** The server's PID, or -1 when it is not running. */
        public synchronized long pid() {
            return process != null && process.isAlive() ? process.pid() : -1;
        }

        /** The server's log (its stderr and stdout), appended across starts. */
        public String log() {
            try {
                Path log = data.resolveSibling(name + ".log");
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                return e.toString();
            }
        }

        /** Starts the server again after {@link #stop}, and waits until it accepts connections. */
        public void start() {
            start("database system is ready to accept");
        }

        synchronized void start(String readyWhenLogged) {
            if (pid() > 0) {
                throw new IllegalStateException(name + " is already running, PID " + pid());
            }
            Path log = data.resolveSibling(name + ".log");
            try {
                long from = Files.exists(log) ? Files.size(log) : 0;
                process = new ProcessBuilder(asPostgres(List.of(bin("postgres"), "-D", data.toString())))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
                process.getOutputStream().close();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (true) {
                    String all = Files.exists(log) ? Files.readString(log) : "";
                    String thisRun = from < all.length() ? all.substring((int) from) : "";
                    if (thisRun.contains(readyWhenLogged)) {
                        return;
                    }
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("PostgreSQL " + name + " did not log \"" + readyWhenLogged
                                + "\" within 30 s: " + thisRun);
                    }
                    Thread.sleep(50);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start PostgreSQL " + name, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void signal(String name) throws IOException {
            try {
                new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * SIGQUIT by PID: PostgreSQL's immediate shutdown, as a crash (no checkpoint; the next start recovers from the
         * WAL), without leaving children behind as SIGKILL of the postmaster would. Waits for the exit.
         */
        public synchronized void crash() {
            shutdown("QUIT");
        }

        /**
         * SIGINT by PID: PostgreSQL's fast shutdown, which ends its sessions (a "smart" shutdown, SIGTERM, would wait for
         * every client, and a writer waiting for a stopped synchronous replica waits for ever). Waits for the exit.
         */
        public synchronized void stop() {
            shutdown("INT");
        }

        /** Signals the server by PID and waits for its exit; SIGKILL after 20 s. */
        private void shutdown(String signal) {
            if (process == null || !process.isAlive()) {
                return;
            }
            try {
                new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * An operator's major-version upgrade of this node, by the real pg_upgrade (to the same version: what matters is
         * what it leaves): the server stopped (fast), a new cluster made by initdb, the old one's data copied into it,
         * and the new one started on the same port from the same data directory path. The new cluster has a system
         * identifier of its own and starts on timeline 1, whatever timeline the old one had reached. Everything the old
         * cluster committed is in the new one.
         */
        public synchronized void upgrade() {
            stop();
            Path dir = data.getParent();
            Path next = data.resolveSibling(name + "-upgraded");
            String bin = Path.of(bin("pg_upgrade")).getParent().toString();
            try {
                run(dir, List.of(bin("initdb"), "-D", next.toString(), "-U", USER, "--auth=trust", "--no-sync",
                        "--encoding=UTF8", "--locale=C"));
                Files.writeString(next.resolve("postgresql.conf"), config(port, dir) + "wal_level = replica\n"
                        + "max_wal_senders = 4\n", java.nio.file.StandardOpenOption.APPEND);
                run(dir, List.of(bin("pg_upgrade"), "-b", bin, "-B", bin, "-d", data.toString(), "-D", next.toString(),
                        "-p", Integer.toString(port), "-P", Integer.toString(port), "-U", USER, "--no-sync",
                        "-s", dir.toString()));
                Path old = data.resolveSibling(name + "-before-upgrade");
                Files.move(data, old);
                Files.move(next, data);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot upgrade PostgreSQL " + name, e);
            }
            start();
        }

        @Override
        public String toString() {
            return "PostgreSQL " + name + " on 127.0.0.1:" + port;
        }
    }

    private static void stopQuietly(Node node) {
        if (node != null) {
            node.stop();
        }
    }

    /** The Debian package's binary of the newest installed major version, e.g. pg_ctl: for a tool run beside a node. */
    public static String bin(String name) {
        Path versions = Path.of("/usr/lib/postgresql");
        try (Stream<Path> installed = Files.isDirectory(versions) ? Files.list(versions) : Stream.empty()) {
            return installed.map(v -> v.resolve("bin").resolve(name)).filter(Files::isExecutable)
                    .max(Comparator.comparing(p -> Integer.parseInt(p.getParent().getParent().getFileName().toString()
                            .replaceAll("\\D", "0"))))
                    .map(Path::toString).orElseThrow(() -> new IllegalStateException(name
                            + " not found under /usr/lib/postgresql: install the Debian package postgresql"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * The command as the postgres user when this JVM runs as root (PostgreSQL refuses to run as root; so does pg_ctl, and
     * a tool run beside a node runs as the server's OS user). setpriv execs the command in its own place, so the
     * process's PID is the server's, for signals by PID.
     */
    public static List<String> asPostgres(List<String> command) {
        if (!root()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(
                List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
                        "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** The directory owned by the postgres user when this JVM runs as root. */
    private static void owned(Path dir) throws IOException {
        if (root()) {
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
        }
    }

    private static void run(Path dir, List<String> command) throws IOException {
        Process process = new ProcessBuilder(asPostgres(command)).directory(dir.toFile()).redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a test for
        }
    }
}
