package dev.failover.testkit.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import dev.failover.testkit.db.PostgresPair;

/**
 * The local stack's data tier ({@code scripts/demo.sh --data-tier}): a PostgreSQL primary and its synchronous streaming
 * replica ({@link PostgresPair}), kept running until this process is stopped (SIGTERM stops both servers). Once both run,
 * it writes a shell file of their JDBC URLs, ports and PIDs, so the script can crash the primary by PID.
 *
 * <pre>java -cp failover-testkit.jar dev.failover.testkit.demo.DemoDatabases STACK_DIR/db.env 15432 15433</pre>
 */
public final class DemoDatabases {

    private DemoDatabases() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: DemoDatabases ENV_FILE PRIMARY_PORT REPLICA_PORT");
            System.exit(2);
        }
        Path env = Path.of(args[0]);
        Files.deleteIfExists(env);
        PostgresPair pair = PostgresPair.start(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pair.close();
            stopped.countDown();
        }, "demo-databases-stop"));
        Path written = env.resolveSibling(env.getFileName() + ".tmp");
        Files.writeString(written, "DB_USER=" + PostgresPair.USER + "\n"
                + "DB_PRIMARY_URL=" + pair.primary().jdbcUrl() + "\nDB_PRIMARY_PORT=" + pair.primary().port()
                + "\nDB_PRIMARY_PID=" + pair.primary().pid() + "\n"
                + "DB_REPLICA_URL=" + pair.replica().jdbcUrl() + "\nDB_REPLICA_PORT=" + pair.replica().port()
                + "\nDB_REPLICA_PID=" + pair.replica().pid() + "\n");
        Files.move(written, env, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("primary " + pair.primary() + ", replica " + pair.replica() + " (streaming, synchronous)");
        stopped.await();
    }
}
