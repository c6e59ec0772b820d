package dev.failover.contract.topology;

import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * How a target is probed: over HTTP(S) ({@link HttpProbe}, {@code type: http}), by opening a TCP connection
 * ({@link TcpProbe}, {@code type: tcp}), or by resolving a name through a resolver ({@link DnsProbe}, {@code type: dns}).
 * Each kind takes only its own keys, so a {@code url} on a tcp probe is an unknown key; the timing keys below are common
 * to all.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = HttpProbe.class, name = "http"),
        @JsonSubTypes.Type(value = TcpProbe.class, name = "tcp"),
        @JsonSubTypes.Type(value = DnsProbe.class, name = "dns") })
public sealed interface ProbeSpec permits HttpProbe, TcpProbe, DnsProbe {

    int DEFAULT_INTERVAL_SECONDS = 10;
    int DEFAULT_CONNECT_TIMEOUT_MILLIS = 2000;
    int DEFAULT_TIMEOUT_MILLIS = 5000;

    /** Seconds between probes, at least 1; default 10. */
    Integer intervalSeconds();

    /** Connect timeout; default 2000. */
    Integer connectTimeoutMillis();

    /** Total timeout of one probe; default 5000. */
    Integer timeoutMillis();

    /** A probe slower than this counts as DOWN (TOO_SLOW); off when absent. */
    Integer maxLatencyMillis();

    /** Applies the function for this kind of probe: every kind must be handled, checked by the compiler. */
    <R> R match(Function<HttpProbe, R> http, Function<TcpProbe, R> tcp, Function<DnsProbe, R> dns);

    static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
