package dev.failover.testkit.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for servers a test starts later (a packaged service, a broker, BIND), chosen below the kernel's ephemeral range.
 *
 * <p>A port the kernel hands out for {@code new ServerSocket(0)} comes from the ephemeral range, the same range every
 * outgoing connection takes its local port from. Between closing that probe socket and the server's bind, seconds later
 * when the server is a JVM, a Kafka client or HTTP client of any process could take it, and the server fails with
 * "port in use" (CI saw exactly this). Ports below the range are never given to outgoing connections, so only another
 * listener can take them: each JVM starts at a random point of the range and walks it, and a port is handed out only
 * when both TCP and UDP can bind it on every address at that moment.
 *
 * <p>JVMs that run side by side (the modules' test JVMs under {@code mvn -T 2}, the system tests' parallel forks) each
 * take a slice of the range of their own, named by the system property {@value #SLICE} as {@code k/n} (the k-th of n,
 * from 1): two of them never hand out the same port, which the moment between choosing and binding could otherwise
 * allow. A module whose tests run in forks of their own divides its slice again, {@code k/n,j/m} (the j-th of m parts of
 * the k-th of n), one part a fork. The name lies outside {@code failover.*}: a {@code @QuarkusTest} sees the test JVM's system properties, and the
 * services' configuration mappings refuse an unknown key under their prefix.
 */
public final class FreePorts {

    /** The system property naming this JVM's slice of the range: {@code k/n}, the k-th of n slices. */
    public static final String SLICE = "testkit.free-ports.slice";

    /** The scripts' fixed ports (local stack, benchmarks) all lie below this. */
    private static final int LOWEST = 30_000;
    private static final Range RANGE = Range.belowEphemeral().slice(System.getProperty(SLICE));
    private static final AtomicInteger NEXT = new AtomicInteger(
            ThreadLocalRandom.current().nextInt(Math.max(1, RANGE.size())));

    private FreePorts() {
    }

    /** A port no listener holds now, for TCP and UDP, outside the kernel's ephemeral range where it has one. */
    public static int next() {
        if (RANGE.size() == 0) {
            return ephemeral();
        }
        for (int tries = 0; tries < RANGE.size(); tries++) {
            int port = RANGE.low() + Math.floorMod(NEXT.getAndIncrement(), RANGE.size());
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + RANGE);
    }

    static boolean bindable(int port) {
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.setReuseAddress(false);
            tcp.bind(new InetSocketAddress((InetAddress) null, port));
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress((InetAddress) null, port))) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeral() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    /** Ports [low, high], both inclusive; empty when the ephemeral range leaves nothing above {@link #LOWEST}. */
    record Range(int low, int high) {

        int size() {
            return Math.max(0, high - low + 1);
        }

        /**
         * The {@code k}-th of {@code n} equal parts of this range, from {@code "k/n"}; the whole range for null or
         * blank.
         *
         * @throws IllegalArgumentException naming {@value FreePorts#SLICE} when the text is not {@code k/n} with
         *                                  {@code 1 <= k <= n}
         */
        Range slice(String text) {
            if (text == null || text.isBlank()) {
                return this;
            }
            if (text.contains(",")) { // "5/6,2/2": the second half of the fifth sixth, a module's second fork
                String[] parts = text.split(",", -1);
                try {
                    Range range = this;
                    for (int i = 0; i < parts.length; i++) {
                        range = range.slice(i == 0 ? blankAsInvalid(parts[i]) : forkPart(parts[i]));
                    }
                    return range;
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(SLICE + "=" + text + ": expected k/n or k/n,j/m with 1 <= k <= n"
                            + " and 1 <= j, e.g. 5/6,2/2");
                }
            }
            String[] parts = text.trim().split("/");
            int k;
            int n;
            try {
                k = parts.length == 2 ? Integer.parseInt(parts[0].trim()) : -1;
                n = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : -1;
            } catch (NumberFormatException e) {
                k = -1;
                n = -1;
            }
            if (n < 1 || k < 1 || k > n) {
                throw new IllegalArgumentException(SLICE + "=" + text + ": expected k/n with 1 <= k <= n, e.g. 2/2");
            }
            int part = size() / n;
            return new Range(low + (k - 1) * part, k == n ? high : low + k * part - 1);
        }

        private static String blankAsInvalid(String part) {
            return part.isBlank() ? "-" : part;
        }

        /**
         * A divided part {@code j/m}, its {@code j} a fork's number: surefire numbers the forks of a parallel build
         * across its modules (the lowest number free), so a module's second fork may be number 3 while another
         * module's fork runs; {@code j} above {@code m} wraps around. Two forks that wrap onto one part only share
         * its ports, as two JVMs without slices would.
         */
        private static String forkPart(String part) {
            String[] jm = part.trim().split("/");
            try {
                int j = jm.length == 2 ? Integer.parseInt(jm[0].trim()) : -1;
                int m = jm.length == 2 ? Integer.parseInt(jm[1].trim()) : -1;
                return j < 1 || m < 1 ? "-" : ((j - 1) % m + 1) + "/" + m; // "-": refused by slice
            } catch (NumberFormatException e) {
                return "-";
            }
        }

        static Range belowEphemeral() {
            return below(ephemeralLow(Path.of("/proc/sys/net/ipv4/ip_local_port_range")));
        }

        static Range below(int ephemeralLow) {
            return new Range(LOWEST, ephemeralLow - 1);
        }

        /** The first port of the kernel's ephemeral range; Linux's default 32768 when the file cannot be read. */
        static int ephemeralLow(Path file) {
            try {
                // readAllLines, not readString: JDK 17's readString trusts the size /proc reports (0) and reads one byte
                String[] parts = Files.readAllLines(file).get(0).trim().split("\\s+");
                return Integer.parseInt(parts[0]);
            } catch (IOException | RuntimeException e) {
                return 32_768;
            }
        }
    }
}
