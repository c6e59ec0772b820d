package dev.failover.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The network namespaces of scripts/lib/regions.sh, driven from Java: the script is the one place that builds them and
 * causes their faults (links down, silent partitions); this class only calls its functions.
 */
final class Regions {

    static final List<String> REGIONS = List.of("a", "b", "c");
    static final String INTERNET = "inet";

    final String prefix;
    private final Map<String, String> addresses = new ConcurrentHashMap<>();

    Regions(String prefix) {
        this.prefix = prefix;
    }

    String namespace(String side) {
        return prefix + "-" + side;
    }

    String address(String side) {
        return addresses.computeIfAbsent(side, s -> run("regions_address", s).trim());
    }

    /** Region {@code side} loses its network entirely: its link to the backbone goes down. */
    void cut(String side) {
        run("regions_cut", side);
    }

    /** Its link up again and any partition of it lifted. */
    void heal(String side) {
        run("regions_heal", side);
    }

    /** Region {@code side} silently drops every packet from and to these regions; it still reaches the others. */
    void partition(String side, String... from) {
        List<String> args = new ArrayList<>(List.of(side));
        args.addAll(List.of(from));
        run("regions_partition", args.toArray(String[]::new));
    }

    /**
     * The processes of region {@code side} silently lose every connection to {@code port} on any address, their own
     * region's included (all Kafka brokers, for the broker port), while the region reaches everything else and its own
     * server on that port still serves the other regions. Lifted by {@link #heal}.
     */
    void dropPort(String side, int port) {
        run("regions_drop_port", side, String.valueOf(port));
    }

    /** An established TCP connection of a process in a region's namespace, as {@code ss} shows it. */
    record Connection(int localPort, int sendQueue) {
    }

    /** The established TCP connections of process {@code pid}, in region {@code side}, to {@code address:port}. */
    List<Connection> connections(String side, long pid, String address, int port) {
        List<Connection> connections = new ArrayList<>();
        // columns without a state column: Recv-Q Send-Q Local:Port Peer:Port Process
        for (String line : run("regions_exec", side, "ss", "-tnpH", "state", "established", "dst", address + ":" + port)
                .split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 5 && line.contains("pid=" + pid + ",")) {
                String local = columns[2];
                connections.add(new Connection(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1)),
                        Integer.parseInt(columns[1])));
            }
        }
        return connections;
    }

    /**
     * Region {@code side} silently drops the connections between its {@code localPorts} and {@code address:port}: one
     * process's connections to one server, whatever else runs in the region. Lifted by {@link #heal}.
     */
    void dropConnections(String side, String address, int port, List<Integer> localPorts) {
        List<String> args = new ArrayList<>(List.of(side, address, String.valueOf(port)));
        localPorts.forEach(p -> args.add(String.valueOf(p)));
        run("regions_drop_connections", args.toArray(String[]::new));
    }

    private String run(String function, String... args) {
        StringBuilder script = new StringBuilder("source scripts/lib/regions.sh && ").append(function);
        for (String arg : args) {
            script.append(' ').append(arg);
        }
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", script.toString())
                    .directory(ServiceProcess.ROOT.toFile())
                    .redirectErrorStream(true);
            builder.environment().put("REGIONS_PREFIX", prefix);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(function + " " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
