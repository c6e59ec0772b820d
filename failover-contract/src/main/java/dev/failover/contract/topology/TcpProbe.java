package dev.failover.contract.topology;

import java.util.function.Function;

/**
 * A TCP probe: UP when a connection to host:port is established within the connect timeout.
 *
 * @param host                 host name or IP address to connect to
 * @param port                 port to connect to
 * @param intervalSeconds      see {@link ProbeSpec#intervalSeconds()}
 * @param connectTimeoutMillis see {@link ProbeSpec#connectTimeoutMillis()}
 * @param timeoutMillis        see {@link ProbeSpec#timeoutMillis()}
 * @param maxLatencyMillis     see {@link ProbeSpec#maxLatencyMillis()}
 */
public record TcpProbe(String host, Integer port, Integer intervalSeconds, Integer connectTimeoutMillis,
        Integer timeoutMillis,
        Integer maxLatencyMillis) implements ProbeSpec {

    public TcpProbe {
        intervalSeconds = ProbeSpec.orDefault(intervalSeconds, DEFAULT_INTERVAL_SECONDS);
        connectTimeoutMillis = ProbeSpec.orDefault(connectTimeoutMillis, DEFAULT_CONNECT_TIMEOUT_MILLIS);
        timeoutMillis = ProbeSpec.orDefault(timeoutMillis, DEFAULT_TIMEOUT_MILLIS);
    }

    @Override
    public <R> R match(Function<HttpProbe, R> http, Function<TcpProbe, R> tcp, Function<DnsProbe, R> dns) {
        return tcp.apply(this);
    }
}
