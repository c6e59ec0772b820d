package dev.failover.contract.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Milliseconds spent in each phase of a probe; a phase the protocol does not have (TLS for plain
 * HTTP, first byte for TCP) or the probe did not reach is null.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PhaseTimings(Long dnsMillis, Long connectMillis, Long tlsMillis, Long firstByteMillis, Long totalMillis) {

    public static PhaseTimings total(long totalMillis) {
        return new PhaseTimings(null, null, null, null, totalMillis);
    }
}
