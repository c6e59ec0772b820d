package dev.failover.contract.event;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a DNS probe's resolver answered: the addresses of the record type asked for (after any CNAME), the
 * smallest TTL of the chain, and the resolver, so that a reader sees what clients asking that resolver are sent to and
 * for how long it may keep saying so.
 *
 * @param rcode      the response code (NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...)
 * @param addresses  the addresses answered, in the resolver's order (IPv6 written as people write it, RFC 5952); empty
 *                   for none
 * @param ttlSeconds the smallest TTL of the answer's records, the CNAMEs on the way included (how long a cache may keep
 *                   saying so); null for an empty answer
 * @param resolver   the resolver asked, host:port ([address]:port for IPv6)
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
