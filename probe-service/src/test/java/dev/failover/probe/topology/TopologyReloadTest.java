package dev.failover.probe.topology;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A changed topology file is applied without a restart; an invalid one is refused and the previous one keeps running.
 * The file is updated as a ConfigMap mounted as a directory is (k8s mounts it so: a subPath mount never sees updates).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(TopologyReloadTest.Reloadable.class)
class TopologyReloadTest {

    /**
     * A topology file the test rewrites, checked every 200 ms, laid out as the kubelet lays out a ConfigMap mounted as a
     * directory: {@code failover.yaml -> ..data/failover.yaml}, {@code ..data -> ..<version>}; an update writes a new
     * version directory and swaps {@code ..data} by one rename.
     */
    public static class Reloadable implements QuarkusTestResourceLifecycleManager {
        static Path file;
        static int versions;

        @Override
        public Map<String, String> start() {
            try {
                Path dir = Files.createTempDirectory("configmap");
                file = dir.resolve("failover.yaml");
                publish(Files.readString(TestTopology.write("http://127.0.0.1:1/health", "http://127.0.0.1:2/health")));
                Files.createSymbolicLink(file, Path.of("..data", "failover.yaml"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return Map.of("failover.topology-file", file.toString(), "failover.reload-interval", "200ms");
        }

        /** A new version directory with the text, then {@code ..data} pointed at it by one atomic rename. */
        static void publish(String text) throws java.io.IOException {
            Path dir = file.getParent();
            String version = "..2026_11_24_00_00_0" + (++versions);
            Files.createDirectory(dir.resolve(version));
            Files.writeString(dir.resolve(version).resolve("failover.yaml"), text);
            Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of(version));
            Files.move(link, dir.resolve("..data"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public void stop() {
        }
    }

    static final String REFUSED = "failover_probe_topology_reloads_total{result=\"refused\"}";
    static final String APPLIED = "failover_probe_topology_reloads_total{result=\"applied\"}";

    /** Written as a ConfigMap volume updates it: the new text in full, swapped in by one rename of {@code ..data}. */
    static void rewrite(String text) throws Exception {
        Reloadable.publish(text);
    }

    static List<String> targets() {
        return given().get("/targets").then().statusCode(200).extract().path("target");
    }

    static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    @Test
    void invalidChangesAreRefusedAndValidOnesApplied() throws Exception {
        assertThat(targets()).as("targets of the initial topology").containsExactlyInAnyOrder("primary", "secondary");

        rewrite(TestTopology.yaml("ftp://nope/", "http://127.0.0.1:2/health"));
        // the refusal is counted once the reload has read the file: only then does "nothing changed" mean anything
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(metrics())
                .as("the invalid file is counted as refused").contains(REFUSED + " 1.0"));
        assertThat(targets()).as("targets after an invalid change: the previous topology keeps running")
                .containsExactlyInAnyOrder("primary", "secondary");

        rewrite(TestTopology.yaml("http://127.0.0.1:1/health", "http://127.0.0.1:2/health").replace("id: secondary",
                "id: standby"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(targets())
                .as("targets after a valid change").containsExactlyInAnyOrder("primary", "standby"));
        given().get("/targets/api/standby").then().statusCode(200).body("location", equalTo("loc-a"))
                .body("probe.type", equalTo("http")).body("probe.url", equalTo("http://127.0.0.1:2/health"));
        given().get("/targets/api/secondary").then().statusCode(404);
        assertThat(metrics()).as("one valid change applied, one refused").contains(APPLIED + " 1.0")
                .contains(REFUSED + " 1.0");
        given().get("/targets").then().body("group", hasItem("api"));

        // other text under the same time stamp, as when a writer's truncate and write fall in one tick of the file clock
        FileTime stamp = Files.getLastModifiedTime(Reloadable.file);
        rewrite(TestTopology.yaml("http://127.0.0.1:1/health", "http://127.0.0.1:2/health").replace("id: secondary",
                "id: reserve"));
        Files.setLastModifiedTime(Reloadable.file, stamp);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(targets())
                .as("targets after a change that kept the time stamp").containsExactlyInAnyOrder("primary", "reserve"));
        assertThat(metrics()).as("two valid changes applied, one refused").contains(APPLIED + " 2.0")
                .contains(REFUSED + " 1.0");
    }
}
