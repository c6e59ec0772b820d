package dev.failover.contract.topology;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An HTTP(S) probe.
 *
 * @param url                  the URL to request (scheme http or https)
 * @param method               request method, GET by default
 * @param headers              extra request headers
 * @param hostHeader           Host header and TLS SNI to send while connecting to the URL's address
 * @param expectedStatus       accepted status codes and ranges ("200", "200-399"); default 200-399 as Route 53
 * @param bodyContains         the body must contain this text within {@code bodyLimitBytes}
 * @param bodyRegex            the body must match this regular expression within {@code bodyLimitBytes}
 * @param bodyLimitBytes       how much of the body is searched; default 5120 as Route 53
 * @param followRedirects      follow redirects; off by default, so a redirect is judged by its own status
 * @param verifyTls            https: verify the certificate chain and host name; on by default
 * @param intervalSeconds      see {@link ProbeSpec#intervalSeconds()}
 * @param connectTimeoutMillis see {@link ProbeSpec#connectTimeoutMillis()}
 * @param timeoutMillis        see {@link ProbeSpec#timeoutMillis()}
 * @param maxLatencyMillis     see {@link ProbeSpec#maxLatencyMillis()}
 */
public record HttpProbe(
        String url,
        String method,
        Map<String, String> headers,
        String hostHeader,
        List<String> expectedStatus,
        String bodyContains,
        String bodyRegex,
        Integer bodyLimitBytes,
        Boolean followRedirects,
        Boolean verifyTls,
        Integer intervalSeconds,
        Integer connectTimeoutMillis,
        Integer timeoutMillis,
        Integer maxLatencyMillis) implements ProbeSpec {

    public static final int DEFAULT_BODY_LIMIT_BYTES = 5120;
    public static final List<String> DEFAULT_EXPECTED_STATUS = List.of("200-399");

    public HttpProbe {
        method = method == null ? "GET" : method;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        expectedStatus = expectedStatus == null || expectedStatus.isEmpty() ? DEFAULT_EXPECTED_STATUS
                : Lists.copy(expectedStatus);
        bodyLimitBytes = ProbeSpec.orDefault(bodyLimitBytes, DEFAULT_BODY_LIMIT_BYTES);
        followRedirects = followRedirects != null && followRedirects;
        verifyTls = verifyTls == null || verifyTls;
        intervalSeconds = ProbeSpec.orDefault(intervalSeconds, DEFAULT_INTERVAL_SECONDS);
        connectTimeoutMillis = ProbeSpec.orDefault(connectTimeoutMillis, DEFAULT_CONNECT_TIMEOUT_MILLIS);
        timeoutMillis = ProbeSpec.orDefault(timeoutMillis, DEFAULT_TIMEOUT_MILLIS);
    }

    /** A GET of the URL with every other key at its default; the builder sets the few a caller needs. */
    public static Builder get(String url) {
        return new Builder(url);
    }

    /** The accepted statuses, parsed. Only valid after {@link TopologyValidator} accepted the spec. */
    public StatusRanges statusRanges() {
        return StatusRanges.parse(expectedStatus);
    }

    @Override
    public <R> R match(Function<HttpProbe, R> http, Function<TcpProbe, R> tcp, Function<DnsProbe, R> dns) {
        return http.apply(this);
    }

    /** Builds an {@link HttpProbe} in code (the topology file is read by Jackson); unset keys keep their defaults. */
    public static final class Builder {
        private final String url;
        private String hostHeader;
        private List<String> expectedStatus;
        private String bodyContains;
        private String bodyRegex;
        private Integer bodyLimitBytes;
        private Boolean followRedirects;
        private Boolean verifyTls;
        private Integer connectTimeoutMillis;
        private Integer timeoutMillis;
        private Integer maxLatencyMillis;

        private Builder(String url) {
            this.url = url;
        }

        public Builder hostHeader(String hostHeader) {
            this.hostHeader = hostHeader;
            return this;
        }

        public Builder expectedStatus(List<String> expectedStatus) {
            this.expectedStatus = expectedStatus;
            return this;
        }

        public Builder bodyContains(String bodyContains) {
            this.bodyContains = bodyContains;
            return this;
        }

        public Builder bodyRegex(String bodyRegex) {
            this.bodyRegex = bodyRegex;
            return this;
        }

        public Builder bodyLimitBytes(Integer bodyLimitBytes) {
            this.bodyLimitBytes = bodyLimitBytes;
            return this;
        }

        public Builder followRedirects(Boolean followRedirects) {
            this.followRedirects = followRedirects;
            return this;
        }

        public Builder verifyTls(Boolean verifyTls) {
            this.verifyTls = verifyTls;
            return this;
        }

        public Builder connectTimeoutMillis(Integer connectTimeoutMillis) {
            this.connectTimeoutMillis = connectTimeoutMillis;
            return this;
        }

        public Builder timeoutMillis(Integer timeoutMillis) {
            this.timeoutMillis = timeoutMillis;
            return this;
        }

        public Builder maxLatencyMillis(Integer maxLatencyMillis) {
            this.maxLatencyMillis = maxLatencyMillis;
            return this;
        }

        public HttpProbe build() {
            return new HttpProbe(url, null, null, hostHeader, expectedStatus, bodyContains, bodyRegex, bodyLimitBytes,
                    followRedirects,
                    verifyTls, null, connectTimeoutMillis, timeoutMillis, maxLatencyMillis);
        }
    }
}
