package dev.failover.contract.event;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a DNS probe's resolver answered (issue 56): the addresses of the record type asked for (after any CNAME), the
 * smallest TTL among them, and the resolver, so that a reader sees what clients asking that resolver are sent to and
 * for how long it may keep saying so.
 *
 * @param rcode      the response code (NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...)
 * @param addresses  the addresses answered, in the resolver's order; empty for none
 * @param ttlSeconds the smallest TTL of those addresses; null when there are none
 * @param resolver   the resolver asked, host:port
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DnsAnswer(String rcode, List<String> addresses, Long ttlSeconds, String resolver) {

    public DnsAnswer {
        Required.present(rcode, "rcode");
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        Required.present(resolver, "resolver");
    }
}
