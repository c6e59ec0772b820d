package dev.failover.probe.domain;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import dev.failover.contract.event.FailureReason;

/** Maps what a network call threw to a failure class. */
public final class FailureClassifier {

    private FailureClassifier() {
    }

    public static FailureReason classify(Throwable error) {
        Throwable e = unwrap(error);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException || t instanceof TimeoutException || t instanceof InterruptedByTimeoutException) {
                return FailureReason.TIMEOUT;
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return FailureReason.DNS_FAILURE;
            }
            if (t instanceof SSLException) {
                return FailureReason.TLS_ERROR;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                return message.contains("timed out") ? FailureReason.TIMEOUT : FailureReason.CONNECTION_REFUSED;
            }
        }
        if (e instanceof IOException) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("reset") || message.contains("closed") || message.contains("eof")
                    || message.contains("broken pipe")) {
                return FailureReason.CONNECTION_RESET;
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
