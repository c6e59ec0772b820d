package dev.failover.probe.probing;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import dev.failover.contract.event.FailureReason;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;

/**
 * Maps what a network call threw to a failure class, by the exception's type alone (messages differ between JDKs,
 * transports and versions). The first rule that matches the exception, or else one of its causes, decides; the rules go
 * from the most specific type to the most general, since several of these types extend one another (a netty
 * {@link ConnectTimeoutException} is a {@link ConnectException}, which is a {@link SocketException}).
 */
public final class FailureClassifier {

    private record Rule(Class<? extends Throwable> type, FailureReason reason) {
    }

    private static final List<Rule> RULES = List.of(
            // timeouts: of the whole call, of a read, of the connect (netty's), of a TLS handshake (netty's), Vert.x's
            // request timeout (a java.util.concurrent.TimeoutException)
            new Rule(TimeoutException.class, FailureReason.TIMEOUT),
            new Rule(HttpTimeoutException.class, FailureReason.TIMEOUT),
            new Rule(InterruptedByTimeoutException.class, FailureReason.TIMEOUT),
            new Rule(SocketTimeoutException.class, FailureReason.TIMEOUT),
            new Rule(ConnectTimeoutException.class, FailureReason.TIMEOUT),
            new Rule(SslHandshakeTimeoutException.class, FailureReason.TIMEOUT),
            new Rule(UnknownHostException.class, FailureReason.DNS_FAILURE),
            new Rule(UnresolvedAddressException.class, FailureReason.DNS_FAILURE),
            // a failed handshake, a bad certificate, a plain-text answer to TLS (netty's NotSslRecordException)
            new Rule(SSLException.class, FailureReason.TLS_ERROR),
            // nobody listens, or the host cannot be reached
            new Rule(ConnectException.class, FailureReason.CONNECTION_REFUSED),
            new Rule(NoRouteToHostException.class, FailureReason.CONNECTION_REFUSED),
            new Rule(PortUnreachableException.class, FailureReason.CONNECTION_REFUSED),
            // an established connection that ended under the probe: Vert.x's "Connection was closed", an HTTP/2 stream
            // reset, "Connection reset" / "Broken pipe" (SocketException), a closed channel, an early end of stream
            new Rule(HttpClosedException.class, FailureReason.CONNECTION_RESET),
            new Rule(StreamResetException.class, FailureReason.CONNECTION_RESET),
            new Rule(SocketException.class, FailureReason.CONNECTION_RESET),
            new Rule(ClosedChannelException.class, FailureReason.CONNECTION_RESET),
            new Rule(EOFException.class, FailureReason.CONNECTION_RESET));

    private FailureClassifier() {
    }

    public static FailureReason classify(Throwable error) {
        for (Throwable t = unwrap(error); t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Rule rule : RULES) {
                if (rule.type().isInstance(t)) {
                    return rule.reason();
                }
            }
        }
        return FailureReason.OTHER;
    }

    public static String describe(Throwable error) {
        Throwable e = unwrap(error);
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
