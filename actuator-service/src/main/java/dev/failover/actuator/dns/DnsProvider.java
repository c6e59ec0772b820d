package dev.failover.actuator.dns;

import java.time.Duration;

/** One DNS backend. Implementations: dry-run now; Route 53 and RFC 2136 to come, each its own class. */
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

        record Failed(String reason) implements ApplyOutcome {
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
