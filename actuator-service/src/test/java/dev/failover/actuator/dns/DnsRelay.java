package dev.failover.actuator.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;

/**
 * A TCP relay on loopback in front of a real DNS server, for the RFC 2136 provider's tests: it passes every message on
 * unchanged (TSIG signatures included, so the server and the provider verify each other as without it), keeps each
 * UPDATE message it passed, and can hold UPDATE messages until released, so that a test knows how many messages the
 * provider sent and can make others wait behind one.
 */
final class DnsRelay implements AutoCloseable {

    private final ServerSocket socket;
    private final int serverPort;
    private final List<Message> updates = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dns-relay");
        t.setDaemon(true);
        return t;
    });
    private volatile CountDownLatch gate = new CountDownLatch(0);

    private DnsRelay(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    /** A relay to the server on 127.0.0.1:{@code serverPort}. */
    static DnsRelay to(int serverPort) {
        try {
            return new DnsRelay(serverPort);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on loopback", e);
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The UPDATE messages passed on (or held) so far, in order. */
    List<Message> updates() {
        return List.copyOf(updates);
    }

    /** Holds every UPDATE message from now on until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    /** Lets held UPDATE messages go on, and those that come later. */
    void release() {
        gate.countDown();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort), 2000);
                connections.add(client);
                connections.add(server);
                threads.submit(() -> forward(client, server));
                threads.submit(() -> copy(server.getInputStream(), client.getOutputStream()));
            } catch (IOException e) {
                // closed, or the server is away: the client sees its connection end
            }
        }
    }

    /** Client to server, message by message (two-byte length, then the message): UPDATEs are kept and may be held. */
    private Void forward(Socket client, Socket server) throws IOException {
        try (DataInputStream in = new DataInputStream(client.getInputStream());
                DataOutputStream out = new DataOutputStream(server.getOutputStream())) {
            while (true) {
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                Message message = new Message(wire);
                if (message.getHeader().getOpcode() == Opcode.UPDATE) {
                    updates.add(message);
                    awaitGate();
                }
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            }
        } catch (IOException e) {
            return null; // the connection ended
        }
    }

    private void awaitGate() {
        try {
            gate.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Void copy(InputStream from, OutputStream to) {
        try (from; to) {
            from.transferTo(to);
        } catch (IOException e) {
            // the connection ended
        }
        return null;
    }

    @Override
    public void close() {
        release();
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }
}
