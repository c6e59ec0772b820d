package dev.failover.probe.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.failover.contract.topology.HttpProbe;
import dev.failover.contract.topology.ProbeSpec;
import dev.failover.contract.topology.TcpProbe;

/** The unauthenticated target view shows header names and the URL's shape, never the values that may be credentials. */
class SecretsHiddenTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            https://api.example.com/health                      | https://api.example.com/health
            http://10.0.0.1:8080/health                         | http://10.0.0.1:8080/health
            https://user:s3cret@api.example.com/health          | https://(hidden)@api.example.com/health
            https://api.example.com/health?token=abc&verbose    | https://api.example.com/health?token=(hidden)&verbose
            https://user@[2001:db8::1]:8443/h?k=v&j=w           | https://(hidden)@[2001:db8::1]:8443/h?k=(hidden)&j=(hidden)
            https://api.example.com                             | https://api.example.com
            """)
    void urlCredentialsAndQueryValuesAreHidden(String url, String shown) {
        assertThat(TargetsResource.urlWithSecretsHidden(url)).as("URL shown for " + url).isEqualTo(shown);
    }

    @ParameterizedTest(name = "header {0}")
    @CsvSource({ "Authorization, Basic dXNlcjpwYXNz", "X-Api-Key, 0123456789abcdef" })
    void headerValuesAreHiddenAndEverythingElseKept(String name, String value) {
        HttpProbe probe = new HttpProbe("https://api.example.com/health", "HEAD",
                Map.of(name, value, "Accept", "text/plain"),
                "api.internal", null, "ok", null, 1024, true, false, 5, 1000, 3000, 500);
        HttpProbe shown = (HttpProbe) TargetsResource.withSecretsHidden(probe);
        assertThat(shown.headers()).as("headers shown").isEqualTo(Map.of(name, "(hidden)", "Accept", "(hidden)"));
        assertThat(shown).as("the probe with only the header values changed")
                .isEqualTo(new HttpProbe(probe.url(), probe.method(), shown.headers(), probe.hostHeader(),
                        probe.expectedStatus(),
                        probe.bodyContains(), probe.bodyRegex(), probe.bodyLimitBytes(), probe.followRedirects(),
                        probe.verifyTls(), probe.intervalSeconds(), probe.connectTimeoutMillis(), probe.timeoutMillis(),
                        probe.maxLatencyMillis()));
    }

    @ParameterizedTest(name = "tcp {0}")
    @CsvSource({ "192.0.2.1, 443" })
    void aTcpProbeHasNothingToHide(String host, int port) {
        ProbeSpec tcp = new TcpProbe(host, port, null, null, null, null);
        assertThat(TargetsResource.withSecretsHidden(tcp)).isEqualTo(tcp);
    }
}
