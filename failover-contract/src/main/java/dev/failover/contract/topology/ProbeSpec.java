package dev.failover.contract.topology;

import java.util.List;
import java.util.Map;

/**
 * How a target is probed.
 *
 * @param type               http (also https) or tcp
 * @param url                http: the URL to request
 * @param method             http: request method, GET by default
 * @param headers            http: extra request headers
 * @param hostHeader         http: Host header and TLS SNI to send while connecting to the URL's address
 * @param expectedStatus     http: accepted status codes and ranges ("200", "200-399"); default 200-399 as Route 53
 * @param bodyContains       http: the body must contain this text within {@code bodyLimitBytes}
 * @param bodyRegex          http: the body must match this regular expression within {@code bodyLimitBytes}
 * @param bodyLimitBytes     http: how much of the body is searched; default 5120 as Route 53
 * @param followRedirects    http: follow redirects; off by default, so a redirect is judged by its own status
 * @param verifyTls          https: verify the certificate chain and host name; on by default
 * @param host               tcp: host to connect to
 * @param port               tcp: port to connect to
 * @param intervalSeconds    seconds between probes, at least 1; default 10
 * @param connectTimeoutMillis connect timeout; default 2000
 * @param timeoutMillis      total timeout of one probe; default 5000
 * @param maxLatencyMillis   a probe slower than this counts as DOWN (TOO_SLOW); off when absent
 */
public record ProbeSpec(
        ProbeType type,
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
        String host,
        Integer port,
        Integer intervalSeconds,
        Integer connectTimeoutMillis,
        Integer timeoutMillis,
        Integer maxLatencyMillis) {

    public static final int DEFAULT_INTERVAL_SECONDS = 10;
    public static final int DEFAULT_BODY_LIMIT_BYTES = 5120;
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 2000;
    public static final int DEFAULT_TIMEOUT_MILLIS = 5000;
    public static final List<String> DEFAULT_EXPECTED_STATUS = List.of("200-399");

    public ProbeSpec {
        method = method == null ? "GET" : method;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        expectedStatus = expectedStatus == null || expectedStatus.isEmpty() ? DEFAULT_EXPECTED_STATUS : Lists.copy(expectedStatus);
        bodyLimitBytes = bodyLimitBytes == null ? DEFAULT_BODY_LIMIT_BYTES : bodyLimitBytes;
        followRedirects = followRedirects != null && followRedirects;
        verifyTls = verifyTls == null || verifyTls;
        intervalSeconds = intervalSeconds == null ? DEFAULT_INTERVAL_SECONDS : intervalSeconds;
        connectTimeoutMillis = connectTimeoutMillis == null ? DEFAULT_CONNECT_TIMEOUT_MILLIS : connectTimeoutMillis;
        timeoutMillis = timeoutMillis == null ? DEFAULT_TIMEOUT_MILLIS : timeoutMillis;
    }

    /** The accepted statuses, parsed. Only valid after {@link TopologyValidator} accepted the spec. */
    public StatusRanges statusRanges() {
        return StatusRanges.parse(expectedStatus);
    }
}
