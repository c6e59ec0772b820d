package dev.failover.actuator.dns;

import java.time.Duration;

/** One DNS backend, one class each: dry-run, RFC 2136, Route 53. Chosen by {@code failover.dns.provider}. */
public interface DnsProvider {

    /** Short name used in actuation results and metrics: "dry-run", "route53", "rfc2136". */
    String name();

    /** Applies the change in one atomic request. Re-applying the same change must be harmless. */
    ApplyOutcome apply(DnsChange change);

    /** Waits, at most {@code timeout}, until the change is served. */
    VerifyOutcome verify(DnsChange change, ApplyOutcome.Applied applied, Duration timeout);

    sealed interface ApplyOutcome {
        /** @param reference the provider's id of the change, if it has one (a Route 53 change id) */
        record Applied(String details, String reference) implements ApplyOutcome {
        }

        /** The provider refused the change; trying again will not help (bad change batch, access denied, bad TSIG). */
        record Rejected(String reason) implements ApplyOutcome {
        }

        /** The provider could not be reached or asked to slow down (timeout, throttling, 5xx): worth retrying. */
        record Unavailable(String reason) implements ApplyOutcome {
        }
    }

    sealed interface VerifyOutcome {
        record Verified(String details) implements VerifyOutcome {
        }

        record NotVerified(String reason) implements VerifyOutcome {
        }

        /** Nothing to verify, as after a dry run. */
        record NotApplicable(String why) implements VerifyOutcome {
        }
    }
}
