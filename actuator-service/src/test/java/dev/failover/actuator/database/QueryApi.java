package dev.failover.actuator.database;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.net.URI;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.failover.actuator.scaling.AwsScalersTest;

/**
 * A local stand-in for AWS APIs of the query protocol (RDS, CloudWatch) for the real SDK: canned XML answers by
 * {@code Action}, and every request's form body kept for the test to check.
 */
final class QueryApi implements AutoCloseable {

    private final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    QueryApi() {
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    void answers(String action, int status, String body) {
        server.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=" + action))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(body)));
    }

    /** The form bodies of the requests of {@code action}, in order. */
    List<Map<String, String>> requests(String action) {
        return server.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action)))
                .stream()
                .map(LoggedRequest::getBodyAsString).map(AwsScalersTest::form).toList();
    }

    void reset() {
        server.resetAll();
    }

    @Override
    public void close() {
        server.stop();
    }
}
