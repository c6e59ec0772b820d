package dev.failover.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port that never completes another connection, as a broker in a region cut off by a firewall: it listens
 * with an accept queue of one and never accepts, and the queue is filled at once, so Linux drops every further SYN
 * and a client's connect hangs until its own timeout (not refused, which a client would skip at once).
 */
final class SilentPort implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    private SilentPort(ServerSocket server) {
        this.server = server;
    }

    static SilentPort open() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SilentPort port = new SilentPort(server);
        // the accept queue holds backlog + 1 connections; a few more make sure it is full whatever the kernel's count
        for (int i = 0; i < 3; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 300);
            } catch (IOException full) {
                filler.close();
                break; // the queue is full: this connect already hung
            }
            port.fillers.add(filler);
        }
        return port;
    }

    String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket filler : fillers) {
            filler.close();
        }
        server.close();
    }
}
