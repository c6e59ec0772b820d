package dev.failover.probe.probing;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.xbill.DNS.Message;
import org.xbill.DNS.io.TcpIoClient;

/**
 * DNS over TCP for one query on its own connection: connect within the probe's connect timeout, send the
 * length-prefixed query (RFC 1035 4.2.2), read one length-prefixed answer, close. dnsjava's own TCP client keeps one
 * connection per resolver and reuses it, with no connect timeout: a connection that died silently (state dropped by a
 * NAT or a load balancer) would then time every later probe out for as long as the operating system keeps it, and a
 * DNS probe would call a healthy resolver DOWN. Used for {@code transport: tcp} and for a truncated UDP answer's retry.
 */
final class OneQueryTcpClient implements TcpIoClient {

    private final Duration connectTimeout;

    OneQueryTcpClient(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    @Override
    public CompletableFuture<byte[]> sendAndReceiveTcp(InetSocketAddress local, InetSocketAddress remote, Message query,
            byte[] data, Duration timeout) {
        AsynchronousSocketChannel channel;
        try {
            channel = AsynchronousSocketChannel.open();
            if (local != null) {
                channel.bind(local);
            }
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        ByteBuffer request = ByteBuffer.allocate(data.length + 2);
        request.putShort((short) data.length).put(data).flip();
        CompletableFuture<byte[]> answer = connect(channel, remote)
                .orTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenCompose(connected -> write(channel, request))
                .thenCompose(written -> read(channel, ByteBuffer.allocate(2)))
                .thenCompose(length -> read(channel, ByteBuffer.allocate(length.getShort(0) & 0xFFFF)))
                .thenApply(ByteBuffer::array)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((bytes, error) -> close(channel)); // a timed-out connect or read ends with the channel
        return answer;
    }

    private static CompletableFuture<Void> connect(AsynchronousSocketChannel channel, InetSocketAddress remote) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.connect(remote, null, handler(done, result -> done.complete(null)));
        return done;
    }

    private static CompletableFuture<Void> write(AsynchronousSocketChannel channel, ByteBuffer buffer) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.write(buffer, null, handler(done, written -> {
            if (buffer.hasRemaining()) {
                write(channel, buffer).whenComplete((v, e) -> complete(done, null, e));
            } else {
                done.complete(null);
            }
        }));
        return done;
    }

    private static CompletableFuture<ByteBuffer> read(AsynchronousSocketChannel channel, ByteBuffer buffer) {
        CompletableFuture<ByteBuffer> done = new CompletableFuture<>();
        if (!buffer.hasRemaining()) {
            done.complete(buffer);
            return done;
        }
        channel.read(buffer, null, handler(done, count -> {
            if (count < 0) {
                done.completeExceptionally(
                        new EOFException("the resolver closed the connection before its whole answer"));
            } else if (buffer.hasRemaining()) {
                read(channel, buffer).whenComplete((b, e) -> complete(done, b, e));
            } else {
                done.complete(buffer);
            }
        }));
        return done;
    }

    private static <T> void complete(CompletableFuture<T> done, T value, Throwable error) {
        if (error != null) {
            done.completeExceptionally(error);
        } else {
            done.complete(value);
        }
    }

    private static <V> CompletionHandler<V, Void> handler(CompletableFuture<?> done,
            java.util.function.Consumer<V> then) {
        return new CompletionHandler<>() {
            @Override
            public void completed(V result, Void attachment) {
                then.accept(result);
            }

            @Override
            public void failed(Throwable error, Void attachment) {
                done.completeExceptionally(error);
            }
        };
    }

    private static void close(AsynchronousSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do about a failed close of a probe socket
        }
    }
}
