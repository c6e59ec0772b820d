package dev.failover.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import dev.failover.testkit.topology.TestTopology;

/** The test topology ({@link TestTopology}) with a dependency added to the primary, probed over TCP. */
public final class TopologyWithDependency {

    public static final String DEPENDENCY = "db";

    private TopologyWithDependency() {
    }

    /** @param dependencyPort the port the primary's dependency is probed on, at 127.0.0.1, every second */
    public static String yaml(String primaryUrl, String secondaryUrl, int dependencyPort) {
        String primaryDns = "        dns: {values: [" + TestTopology.PRIMARY_IP + "]}\n";
        String yaml = TestTopology.yaml(primaryUrl, secondaryUrl);
        if (!yaml.contains(primaryDns)) {
            throw new IllegalStateException("the test topology changed shape: no line '" + primaryDns.strip() + "'");
        }
        return yaml.replace(primaryDns, primaryDns + """
                        dependencies:
                          - id: %s
                            probe: {type: tcp, host: 127.0.0.1, port: %d, intervalSeconds: 1, connectTimeoutMillis: 1000, timeoutMillis: 1000}
                """.formatted(DEPENDENCY, dependencyPort));
    }

    /** A local port nothing listens on: a connection to it is refused. */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
