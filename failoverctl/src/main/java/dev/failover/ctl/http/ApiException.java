package dev.failover.ctl.http;

import dev.failover.ctl.Exits;

/** Why a call to the decision-service did not give an answer to show; each kind has its exit code. */
public sealed abstract class ApiException extends Exception
        permits ApiException.Refused, ApiException.Unreachable {

    ApiException(String message) {
        super(message);
    }

    public abstract int exitCode();

    /** A 4xx: the server understood and said no; the message is the server's. */
    public static final class Refused extends ApiException {
        public Refused(String message) {
            super(message);
        }

        @Override
        public int exitCode() {
            return Exits.REFUSED;
        }
    }

    /** No answer, or a 5xx: the server is away or not ready. */
    public static final class Unreachable extends ApiException {
        public Unreachable(String message) {
            super(message);
        }

        @Override
        public int exitCode() {
            return Exits.UNREACHABLE;
        }
    }
}
