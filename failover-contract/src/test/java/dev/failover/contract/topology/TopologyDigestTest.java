package dev.failover.contract.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The digest follows what the topology means, not how its file is written. */
class TopologyDigestTest {

    private static String sample() throws IOException {
        return Files.readString(Path.of("../config/failover.yaml"));
    }

    private static String digest(String yaml) {
        return TopologyDigest.of(TopologyLoader.parse(yaml, "test"));
    }

    @Test
    void theSameTopologyWrittenOtherwiseHasTheSameDigest() throws IOException {
        String yaml = sample();
        String withoutComments = yaml.replaceAll("(?m)^\\s*#.*\\n", "").replaceAll("(?m) +#.*$", "");
        String quoted = yaml.replace("zone: failover.test.", "zone: \"failover.test.\"");
        String defaultLeftImplicit = yaml.replace("version: 1\n", "");

        assertThat(digest(yaml)).hasSize(TopologyDigest.LENGTH).matches("[0-9a-f]+");
        assertThat(digest(withoutComments)).isEqualTo(digest(yaml));
        assertThat(digest(quoted)).isEqualTo(digest(yaml));
        assertThat(digest(defaultLeftImplicit)).as("version 1 left implicit").isEqualTo(digest(yaml));
    }

    @Test
    void anyValueThatChangesWhatThePlaneDoesChangesIt() throws IOException {
        String yaml = sample();
        assertThat(digest(yaml.replaceFirst("ttl: 5", "ttl: 6"))).isNotEqualTo(digest(yaml));
        assertThat(digest(yaml.replaceFirst("values: \\[127.0.0.11]", "values: [127.0.0.21]")))
                .isNotEqualTo(digest(yaml));
        assertThat(digest(yaml.replaceFirst("timeoutMillis: 900", "timeoutMillis: 800"))).isNotEqualTo(digest(yaml));
    }
}
