package dev.failover.decision.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.model.Alerts;

/**
 * The Alertmanager adapter and the scheduled drill's start guard against a fake Alertmanager API v2:
 * an HTTP server answering {@code GET /api/v2/alerts} with the shape Alertmanager sends, recording what it was asked.
 */
class AlertmanagerClientTest {

    static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

    HttpServer server;
    volatile int status = 200;
    volatile String body = "[]";
    final List<String> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            asked.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    AlertmanagerClient client(String prefix) {
        return new AlertmanagerClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix),
                Duration.ofSeconds(2));
    }

    static String alert(String name, String state) {
        return "{\"labels\":{\"alertname\":\"" + name + "\",\"severity\":\"critical\",\"group\":\"api\"},"
                + "\"annotations\":{\"summary\":\"s\"},\"startsAt\":\"2026-11-28T09:58:00.000Z\","
                + "\"endsAt\":\"2026-11-28T10:03:00.000Z\",\"updatedAt\":\"2026-11-28T09:59:00.000Z\","
                + "\"fingerprint\":\"0123456789abcdef\",\"receivers\":[{\"name\":\"pager\"}],"
                + "\"status\":{\"state\":\"" + state + "\",\"silencedBy\":[],\"inhibitedBy\":[]},"
                + "\"generatorURL\":\"http://prometheus:9090/graph\"}";
    }

    @Test
    void theActiveAlertsNotSilencedNorInhibitedAreRead() {
        body = "[" + alert("FailoverRegionDown", "active") + "," + alert("CheckoutErrors", "active") + ","
                + alert("OldThing", "suppressed") + "]";
        Alerts reading = client("/").read(NOW);
        assertThat(reading).isEqualTo(new Alerts.Read(java.util.Set.of("FailoverRegionDown", "CheckoutErrors"), NOW));
        assertThat(asked).containsExactly("GET /api/v2/alerts?active=true&silenced=false&inhibited=false");
    }

    @Test
    void aPathPrefixIsKept() {
        client("/alertmanager/").read(NOW);
        assertThat(asked).containsExactly("GET /alertmanager/api/v2/alerts?active=true&silenced=false&inhibited=false");
    }

    @Test
    void anErrorAnswerOrNoServerIsUnreadableWithWhy() {
        status = 503;
        assertThat(client("").read(NOW)).isInstanceOfSatisfying(Alerts.Unreadable.class,
                u -> assertThat(u.why()).contains("HTTP 503"));
        status = 200;
        body = "{\"not\":\"a list\"}";
        assertThat(client("").read(NOW)).isInstanceOfSatisfying(Alerts.Unreadable.class,
                u -> assertThat(u.why()).contains("no list of alerts"));
        AlertmanagerClient gone = client("");
        server.stop(0);
        assertThat(gone.read(NOW)).isInstanceOfSatisfying(Alerts.Unreadable.class,
                u -> assertThat(u.since()).isEqualTo(NOW));
    }

    static FailoverGroup group(String drill) {
        return TopologyLoader.parse("""
                version: 1
                locations: [loc-a]
                groups:
                  - id: api
                    dns: {zone: example.test., name: api.example.test.}
                    targets:
                      - id: primary
                        region: us-east-1
                        probe: {type: tcp, host: 192.0.2.1, port: 443}
                        dns: {values: [192.0.2.1]}
                      - id: secondary
                        region: us-west-2
                        probe: {type: tcp, host: 192.0.2.2, port: 443}
                        dns: {values: [192.0.2.2]}
                    drill: %s
                """.formatted(drill), "test").groups().get(0);
    }

    Optional<String> whyNot(FailoverGroup group) {
        ZonedDateTime now = ZonedDateTime.ofInstant(NOW, ZoneOffset.UTC);
        return DrillStartGuard.whyNot(group, now, () -> client("").read(NOW));
    }

    @Test
    void aScheduledDrillDoesNotStartWhileABlockingAlertFires() {
        FailoverGroup guarded = group(
                "{enabled: true, blockingAlerts: [FailoverRegionDown, FailoverDecidedNotServed]}");
        body = "[" + alert("FailoverWatchdog", "active") + "]";
        assertThat(whyNot(guarded)).isEmpty();
        body = "[" + alert("FailoverWatchdog", "active") + "," + alert("FailoverRegionDown", "active") + "]";
        assertThat(whyNot(guarded)).contains("alert FailoverRegionDown firing in Alertmanager (read at " + NOW + ")");
        status = 500;
        assertThat(whyNot(guarded)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("Alertmanager not readable since "
                        + NOW + ": GET ")
                .contains("HTTP 500", "the alerts [FailoverRegionDown, FailoverDecidedNotServed] are unknown"));
    }

    @Test
    void aDrillWithoutBlockingAlertsDoesNotAskAlertmanagerAndABlockedWindowComesFirst() {
        assertThat(whyNot(group("{enabled: true}"))).isEmpty();
        assertThat(asked).isEmpty();
        assertThat(whyNot(group("{enabled: true, blockedWindows: [\"* * 10 ? * *\"], blockingAlerts: [X]}")))
                .contains("inside a blocked window");
        assertThat(asked).isEmpty();
    }
}
