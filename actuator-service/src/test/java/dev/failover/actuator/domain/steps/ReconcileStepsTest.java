package dev.failover.actuator.domain.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The reconcile steps have one order, in {@link ReconcileSteps#IN_ORDER}; ADR 0006 lists them by hand from it. */
class ReconcileStepsTest {

    @Test
    void adr0006ListsTheReconcileStepsInTheirOneOrder() throws IOException {
        Path adr;
        try (Stream<Path> files = Files.list(Path.of("..", "docs", "adr"))) {
            adr = files.filter(f -> f.getFileName().toString().startsWith("0006-")).findFirst().orElseThrow();
        }
        String text = Files.readString(adr);
        String section = text.substring(text.indexOf("**The reconcile steps.**"));
        section = section.substring(0, section.indexOf("\n**", 1));
        List<String> listed = Pattern.compile("(?m)^\\d+\\. `(\\w+)`").matcher(section).results().map(m -> m.group(1))
                .toList();

        assertThat(listed).as("the steps ADR 0006 lists, in its order").containsExactlyElementsOf(
                ReconcileSteps.IN_ORDER.stream().map(step -> step.getClass().getSimpleName()).toList());
    }
}
