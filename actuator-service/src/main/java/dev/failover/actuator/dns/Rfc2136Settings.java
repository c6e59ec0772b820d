package dev.failover.actuator.dns;

import java.time.Duration;
import java.util.List;

/**
 * An RFC 2136 server and the TSIG key to sign updates with, checked by the config resolver.
 *
 * @param server        host name or address of the authoritative server that takes the updates
 * @param port          its port
 * @param tsigKeyName   name of the TSIG key the server accepts updates with
 * @param tsigAlgorithm TSIG algorithm as BIND names it, e.g. hmac-sha256
 * @param tsigSecret    the key's secret, base64; never logged (left out of {@link #toString()})
 * @param callTimeout   timeout of one update or query
 * @param secondaries   the zone's other authoritative servers: a written change is propagated once each serves it
 */
public record Rfc2136Settings(String server, int port, String tsigKeyName, String tsigAlgorithm, String tsigSecret,
        Duration callTimeout, List<Server> secondaries) implements DnsSettings {

    public Rfc2136Settings {
        secondaries = List.copyOf(secondaries);
    }

    /** One of the zone's secondary servers: host name or address, and port. */
    public record Server(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    @Override
    public <R> R match(Cases<R> cases) {
        return cases.rfc2136(this);
    }

    @Override
    public String toString() {
        return "Rfc2136Settings[server=" + server + ", port=" + port + ", tsigKeyName=" + tsigKeyName
                + ", tsigAlgorithm="
                + tsigAlgorithm + ", tsigSecret=(hidden), callTimeout=" + callTimeout + ", secondaries=" + secondaries
                + "]";
    }
}
