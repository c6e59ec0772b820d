package dev.failover.decision.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs one of the page's test scripts (src/test/resources/ui) with node (which the suite has for the page's browser
 * test, OperatorPageIT) over the page's own ui.js: {@code input} on its stdin, its JSON answer read back.
 */
final class PageScript {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PageScript() {
    }

    static JsonNode run(String script, String input) throws IOException, InterruptedException {
        Process node = new ProcessBuilder("node", Path.of("src/test/resources/ui", script).toString(),
                Path.of("src/main/resources/META-INF/resources/ui/ui.js").toString()).redirectErrorStream(true).start();
        try (OutputStream in = node.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("node ended").isTrue();
        assertThat(node.exitValue()).as(out).isZero();
        return JSON.readTree(out);
    }
}
