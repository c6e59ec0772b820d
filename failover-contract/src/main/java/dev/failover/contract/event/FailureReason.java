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
    /** Anything the probe could not classify; the result's detail says what happened. */
    OTHER
}
