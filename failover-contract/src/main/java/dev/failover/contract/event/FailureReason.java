package dev.failover.contract.event;

/** Why a probe was DOWN. Classes, not messages, so that alerts and the decision-service can count them. */
public enum FailureReason {
    TIMEOUT,
    CONNECTION_REFUSED,
    CONNECTION_RESET,
    DNS_FAILURE,
    TLS_ERROR,
    UNEXPECTED_STATUS,
    BODY_MISMATCH,
    TOO_SLOW,
    /**
     * A DNS probe's resolver answered NOERROR but with no address of the record type asked for, or only addresses the
     * probe does not expect. An error response (NXDOMAIN, SERVFAIL, REFUSED) is a {@link #DNS_FAILURE}.
     */
    UNEXPECTED_ANSWER,
    /** Anything the probe could not classify; the result's detail says what happened. */
    OTHER
}
