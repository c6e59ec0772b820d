package dev.failover.ctl.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code -o jsonpath=TEMPLATE}: the part of kubectl's JSONPath kept, and what is refused rather than printed empty. */
class JsonPathTemplateTest {

    static final JsonNode ANSWER;

    static {
        try {
            ANSWER = new ObjectMapper().readTree("""
                    {"group":"api","epoch":2,"paused":false,"pin":{"target":"secondary"},"missing":null,
                     "targets":[{"target":"primary","health":"UNHEALTHY"},{"target":"secondary","health":"HEALTHY"}],
                     "odd.key":"dotted"}
                    """);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> templates() {
        return Stream.of(
                Arguments.of("{.group}", "api"),
                Arguments.of("{$.group}", "api"),
                Arguments.of("{.epoch}", "2"),
                Arguments.of("{.paused}", "false"),
                Arguments.of("{.pin.target}", "secondary"),
                Arguments.of("{.pin}", "{\"target\":\"secondary\"}"),
                Arguments.of("{.targets[0].target}", "primary"),
                Arguments.of("{.targets[-1].health}", "HEALTHY"),
                Arguments.of("{.targets[*].target}", "primary secondary"),
                Arguments.of("{.targets.*.health}", "UNHEALTHY HEALTHY"),
                Arguments.of("{['odd.key']}", "dotted"),
                Arguments.of("{.absent}", ""),
                Arguments.of("{.targets[7].target}", ""),
                Arguments.of("{.group} is at epoch {.epoch}", "api is at epoch 2"),
                Arguments.of("{.group}{\"\\t\"}{.epoch}{\"\\n\"}", "api\t2\n"),
                Arguments.of("{\"}\"}", "}"),
                Arguments.of("{.}", ANSWER.toString()),
                Arguments.of("{.missing}", "null"),
                Arguments.of(" {.group} ", " api "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void picksWhatKubectlWould(String template, String printed) {
        assertThat(JsonPathTemplate.parse(template).render(ANSWER)).isEqualTo(printed);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("{.group", "'{' at 0 is not closed"),
                Arguments.of("{range .targets[*]}{.target}{end}", "range, filters and functions are not supported"),
                Arguments.of("{.targets[?(@.health==\"HEALTHY\")].target}", "only [N], [*] and ['field']"),
                Arguments.of("{..target}", "'..' (recursive descent)"),
                Arguments.of("{.targets[0}", "'[' not closed"),
                Arguments.of("{}", "an empty expression"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void whatIsNotUnderstoodIsRefusedNamingIt(String template, String message) {
        assertThatThrownBy(() -> JsonPathTemplate.parse(template)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
