package dev.failover.contract.topology;

import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A DNS probe: resolve {@code name} through one resolver and judge its answer. UP when the resolver answers
 * NOERROR with at least one record of {@code recordType} and, when {@code expect} is given, at least one of the
 * answered addresses is expected; DOWN when it answers an error (NXDOMAIN, SERVFAIL, REFUSED), no record, or only
 * unexpected ones, or does not answer in time. The answer, its TTL and the resolver are reported with the result. For
 * a DNS service as a target, or a region's resolver as a dependency.
 *
 * @param name                 the name to resolve (absolute or not; a trailing dot is added)
 * @param recordType           A (default) or AAAA
 * @param resolver             the resolver's host name or IP address, one every location reaches (every location
 *                             probes every target): an authoritative server, a Route 53 Resolver inbound endpoint, a
 *                             public one
 * @param port                 the resolver's port, default 53
 * @param transport            udp (default) or tcp
 * @param expect               addresses that count as UP; absent: any address does
 * @param intervalSeconds      see {@link ProbeSpec#intervalSeconds()}
 * @param connectTimeoutMillis see {@link ProbeSpec#connectTimeoutMillis()} (tcp only)
 * @param timeoutMillis        see {@link ProbeSpec#timeoutMillis()}: the query's whole time
 * @param maxLatencyMillis     see {@link ProbeSpec#maxLatencyMillis()}
 */
public record DnsProbe(String name, AddressType recordType, String resolver, Integer port, Transport transport,
        List<String> expect, Integer intervalSeconds, Integer connectTimeoutMillis, Integer timeoutMillis,
        Integer maxLatencyMillis) implements ProbeSpec {

    public static final int DEFAULT_PORT = 53;

    /** The record type asked for: the probe judges addresses. */
    public enum AddressType {
        A,
        AAAA
    }

    /** How the query travels. */
    public enum Transport {
        @JsonProperty("udp")
        UDP,
        @JsonProperty("tcp")
        TCP
    }

    public DnsProbe {
        recordType = recordType == null ? AddressType.A : recordType;
        port = ProbeSpec.orDefault(port, DEFAULT_PORT);
        transport = transport == null ? Transport.UDP : transport;
        expect = expect == null ? List.of() : Lists.copy(expect);
        intervalSeconds = ProbeSpec.orDefault(intervalSeconds, DEFAULT_INTERVAL_SECONDS);
        connectTimeoutMillis = ProbeSpec.orDefault(connectTimeoutMillis, DEFAULT_CONNECT_TIMEOUT_MILLIS);
        timeoutMillis = ProbeSpec.orDefault(timeoutMillis, DEFAULT_TIMEOUT_MILLIS);
    }

    /** Resolve {@code name} through {@code resolver}:53 over UDP, any A record UP; every other key at its default. */
    public static DnsProbe of(String name, String resolver, int port, List<String> expect) {
        return new DnsProbe(name, null, resolver, port, null, expect, null, null, null, null);
    }

    @Override
    public <R> R match(Function<HttpProbe, R> http, Function<TcpProbe, R> tcp, Function<DnsProbe, R> dns) {
        return dns.apply(this);
    }
}
