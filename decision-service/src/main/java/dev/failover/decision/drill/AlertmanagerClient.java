package dev.failover.decision.drill;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.decision.domain.model.Alerts;

/**
 * Reads what Alertmanager says is firing: {@code GET /api/v2/alerts?active=true&silenced=false&inhibited=false},
 * the names ({@code alertname}) of the alerts it returns. One read, no retry: the next poll is the retry, and a reading
 * that cannot be had is {@link Alerts.Unreadable}, which guards as a firing alert would.
 */
public final class AlertmanagerClient {

    static final String ALERTS = "/api/v2/alerts?active=true&silenced=false&inhibited=false";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI alerts;
    private final Duration timeout;
    private final HttpClient http;

    /** @param base Alertmanager's base URL (a path prefix is kept: {@code http://host:9093/alertmanager}) */
    public AlertmanagerClient(URI base, Duration timeout) {
        String root = base.toString().replaceAll("/+$", "");
        this.alerts = URI.create(root + ALERTS);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** What fires now, or why that is not known; {@code now} stamps the reading. */
    public Alerts read(Instant now) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(alerts).timeout(timeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new Alerts.Unreadable("GET " + alerts + " answered HTTP " + response.statusCode(), now);
            }
            JsonNode body = JSON.readTree(response.body());
            if (!body.isArray()) {
                return new Alerts.Unreadable("GET " + alerts + " answered no list of alerts", now);
            }
            Set<String> firing = new HashSet<>();
            for (JsonNode alert : body) {
                String state = alert.path("status").path("state").asText("active");
                String name = alert.path("labels").path("alertname").asText("");
                if ("active".equals(state) && !name.isEmpty()) {
                    firing.add(name);
                }
            }
            return new Alerts.Read(firing, now);
        } catch (IOException e) {
            return new Alerts.Unreadable("GET " + alerts + ": " + e, now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Alerts.Unreadable("interrupted", now);
        }
    }
}
