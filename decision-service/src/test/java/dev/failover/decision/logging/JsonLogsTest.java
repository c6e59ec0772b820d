package dev.failover.decision.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.kafka.logging.GroupLogContext;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.signing.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With QUARKUS_LOG_CONSOLE_JSON_ENABLED=true, as the container images set it, the console writes one JSON
 * object a line with the date, the level, the logger and the MDC of the group as fields; without it (the jars the local
 * demo runs) plain text.
 */
@QuarkusTest
@TestProfile(JsonLogsTest.Json.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class JsonLogsTest {

    public static class Json implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.console.json.enabled", "true");
        }
    }

    @Test
    void theConsoleWritesAJsonObjectALineWithTheGroupDecisionAndEpoch() throws Exception {
        Formatter console = consoleFormatter();
        String line;
        try (GroupLogContext logged = GroupLogContext.decision("api", "d-42", 7L)) {
            ExtLogRecord record = new ExtLogRecord(org.jboss.logmanager.Level.WARN,
                    "decision %s of %s not acknowledged",
                    ExtLogRecord.FormatStyle.PRINTF, JsonLogsTest.class.getName());
            record.setParameters(new Object[] { "d-42", "api" });
            record.setLoggerName("dev.failover.decision.publication.DecisionPublisher");
            line = console.format(record);
        }
        assertThat(line.strip()).as("one line").doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("loggerName").asText()).isEqualTo("dev.failover.decision.publication.DecisionPublisher");
        assertThat(json.path("message").asText()).isEqualTo("decision d-42 of api not acknowledged");
        assertThat(json.path("timestamp").asText()).as("a full date, not a time of day")
                .matches("\\d{4}-\\d{2}-\\d{2}T.*");
        assertThat(json.path("mdc").path(GroupLogContext.GROUP).asText()).isEqualTo("api");
        assertThat(json.path("mdc").path(GroupLogContext.DECISION_ID).asText()).isEqualTo("d-42");
        assertThat(json.path("mdc").path(GroupLogContext.EPOCH).asText()).isEqualTo("7");
    }

    /** The formatter of the console handler Quarkus installed, under whatever wraps it (delayed, async). */
    static Formatter consoleFormatter() {
        List<Handler> found = new ArrayList<>();
        collect(java.util.logging.Logger.getLogger("").getHandlers(), found);
        return found.stream().filter(h -> h.getClass().getSimpleName().contains("Console")).map(Handler::getFormatter)
                .findFirst().orElseThrow(() -> new AssertionError("no console handler among " + found));
    }

    private static void collect(Handler[] handlers, List<Handler> into) {
        for (Handler handler : handlers) {
            into.add(handler);
            if (handler instanceof ExtHandler ext) {
                collect(ext.getHandlers(), into);
            }
        }
    }
}
