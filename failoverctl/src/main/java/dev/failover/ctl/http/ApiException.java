package dev.failover.ctl.http;

import dev.failover.ctl.exit.Exits;

/** Why a call to a server did not give an answer to show; each kind has its exit code. */
public sealed abstract class ApiException extends Exception
        permits ApiException.Refused, ApiException.Unreachable, ApiException.NameNotResolved, ApiException.TimedOut,
        ApiException.TlsFailed, ApiException.NoCredentials {

    private final int exitCode;

    ApiException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public final int exitCode() {
        return exitCode;
    }

    /** A 4xx: the server understood and said no; the message is the server's. */
    public static final class Refused extends ApiException {
        private final int status;

        public Refused(int status, String message) {
            super(message, Exits.REFUSED);
            this.status = status;
        }

        /** The HTTP status the server answered with. */
        public int status() {
            return status;
        }
    }

    /** No connection (refused, reset), or a 5xx: the server is away or not ready. */
    public static final class Unreachable extends ApiException {
        public Unreachable(String message) {
            super(message, Exits.UNREACHABLE);
        }
    }

    /** The host name does not resolve. */
    public static final class NameNotResolved extends ApiException {
        public NameNotResolved(String message) {
            super(message, Exits.NAME_NOT_RESOLVED);
        }
    }

    /** No answer in time: the request may have arrived. */
    public static final class TimedOut extends ApiException {
        public TimedOut(String message) {
            super(message, Exits.TIMEOUT);
        }
    }

    /** The TLS handshake failed. */
    public static final class TlsFailed extends ApiException {
        public TlsFailed(String message) {
            super(message, Exits.TLS);
        }
    }

    /** The token source gave no token (a failed credential command). */
    public static final class NoCredentials extends ApiException {
        public NoCredentials(String message) {
            super(message, Exits.CREDENTIALS);
        }
    }
}
