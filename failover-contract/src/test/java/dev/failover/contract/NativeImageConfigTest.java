package dev.failover.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Every record and enum Jackson reads or writes must be registered for reflection, or a native build breaks at run time. */
class NativeImageConfigTest {

    @Test
    void everyEventAndTopologyTypeIsRegisteredForReflection() throws IOException, ClassNotFoundException {
        List<String> registered = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream(
                "/META-INF/native-image/dev.failover/failover-contract/reflect-config.json")) {
            for (JsonNode entry : new ObjectMapper().readTree(in)) {
                registered.add(entry.get("name").asText());
            }
        }
        List<String> needed = new ArrayList<>();
        Path classes = Path.of("target/classes");
        for (String pkg : List.of("dev/failover/contract/event", "dev/failover/contract/topology",
                "dev/failover/contract/whatif")) {
            try (Stream<Path> files = Files.list(classes.resolve(pkg))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                    Class<?> type = Class.forName(name);
                    if ((type.isRecord() || type.isEnum())
                            && java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
                        needed.add(name);
                    }
                }
            }
        }
        assertThat(needed).isNotEmpty();
        assertThat(registered).containsAll(needed);
    }
}
