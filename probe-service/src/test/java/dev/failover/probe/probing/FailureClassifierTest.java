package dev.failover.probe.probing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.FailureReason;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.impl.NoStackTraceTimeoutException;

/** What the JDK, netty and Vert.x throw, as the probers meet it, and the failure class each one is. */
class FailureClassifierTest {

    static Stream<Arguments> table() {
        return Stream.of(
                // timeouts
                Arguments.of(new NoStackTraceTimeoutException("The timeout period of 900ms has been exceeded"),
                        FailureReason.TIMEOUT),
                Arguments.of(new TimeoutException(), FailureReason.TIMEOUT),
                Arguments.of(new ConnectTimeoutException("connection timed out: /10.0.0.1:80"), FailureReason.TIMEOUT),
                Arguments.of(new SslHandshakeTimeoutException("handshake timed out after 10000ms"),
                        FailureReason.TIMEOUT),
                Arguments.of(new SocketTimeoutException("Read timed out"), FailureReason.TIMEOUT),
                // names
                Arguments.of(new UnknownHostException("nowhere.invalid"), FailureReason.DNS_FAILURE),
                Arguments.of(new UnresolvedAddressException(), FailureReason.DNS_FAILURE),
                // TLS
                Arguments.of(new SSLHandshakeException("PKIX path building failed"), FailureReason.TLS_ERROR),
                Arguments.of(new NotSslRecordException("not an SSL/TLS record"), FailureReason.TLS_ERROR),
                Arguments.of(new DecoderException(new SSLHandshakeException("bad certificate")),
                        FailureReason.TLS_ERROR),
                // nobody there
                Arguments.of(new ConnectException("Connection refused"), FailureReason.CONNECTION_REFUSED),
                Arguments.of(new NoRouteToHostException("No route to host"), FailureReason.CONNECTION_REFUSED),
                // an established connection that ended
                Arguments.of(new HttpClosedException("Connection was closed"), FailureReason.CONNECTION_RESET),
                Arguments.of(new StreamResetException(8), FailureReason.CONNECTION_RESET),
                Arguments.of(new SocketException("Connection reset"), FailureReason.CONNECTION_RESET),
                Arguments.of(new SocketException("Broken pipe"), FailureReason.CONNECTION_RESET),
                Arguments.of(new ClosedChannelException(), FailureReason.CONNECTION_RESET),
                Arguments.of(new EOFException(), FailureReason.CONNECTION_RESET),
                // wrapped on the way through futures, or as a cause
                Arguments.of(new CompletionException(new HttpClosedException("Connection was closed")),
                        FailureReason.CONNECTION_RESET),
                Arguments.of(new ExecutionException(new UnknownHostException("x")), FailureReason.DNS_FAILURE),
                Arguments.of(new IOException("while reading", new SocketException("Connection reset")),
                        FailureReason.CONNECTION_RESET),
                // the message does not count, only the type
                Arguments.of(new VertxException("Connection was closed"), FailureReason.OTHER),
                Arguments.of(new IOException("connection reset, timed out, closed"), FailureReason.OTHER),
                Arguments.of(new IllegalStateException("timed out"), FailureReason.OTHER));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("table")
    void classifiesByTheTypeOfWhatWasThrown(Throwable error, FailureReason expected) {
        assertThat(FailureClassifier.classify(error)).as("class of %s", error).isEqualTo(expected);
    }
}
