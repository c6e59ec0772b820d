package dev.failover.testkit.net;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A partition of one path to one server, caused for real: nftables drops every packet this host sends to
 * {@code address:port}, in a table of its own that {@link #close} removes. A server that listens on two addresses (a
 * {@code PostgresPair} node on 127.0.0.1 and 127.0.0.2) is then cut off from whoever reaches it by the one (the plane)
 * and still reached by whoever uses the other (its region's clients over pooled connections). Needs root (CAP_NET_ADMIN),
 * as the suite runs here and in CI.
 */
public final class PathCut implements AutoCloseable {

    private final String address;
    private final int port;
    private final String table;
    private boolean cut;

    public PathCut(String address, int port) {
        this.address = address;
        this.port = port;
        this.table = "failover_cut_" + address.replace('.', '_') + "_" + port;
    }

    /** From now on, packets to the path are dropped: a connection neither opens nor gets an answer. */
    public synchronized void drop() throws IOException, InterruptedException {
        nft("add table inet " + table);
        nft("add chain inet " + table + " out { type filter hook output priority 0; policy accept; }");
        nft("add rule inet " + table + " out ip daddr " + address + " tcp dport " + port + " drop");
        cut = true;
    }

    /** The path carries packets again. */
    public synchronized void heal() throws IOException, InterruptedException {
        if (cut) {
            nft("delete table inet " + table);
            cut = false;
        }
    }

    /** Whether the path is cut now. */
    public synchronized boolean isCut() {
        return cut;
    }

    @Override
    public synchronized void close() throws IOException, InterruptedException {
        new ProcessBuilder(List.of("nft", "delete", "table", "inet", table)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        cut = false;
    }

    private static void nft(String command) throws IOException, InterruptedException {
        Process nft = new ProcessBuilder(List.of("nft", command)).redirectErrorStream(true).start();
        String out = new String(nft.getInputStream().readAllBytes());
        if (!nft.waitFor(10, TimeUnit.SECONDS) || nft.exitValue() != 0) {
            throw new IllegalStateException("nft " + command + ": " + out);
        }
    }
}
