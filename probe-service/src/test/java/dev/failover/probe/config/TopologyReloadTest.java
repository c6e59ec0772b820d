package dev.failover.probe.config;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A changed topology file is applied without a restart; an invalid one is refused and the previous one keeps running. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(TopologyReloadTest.Reloadable.class)
class TopologyReloadTest {

    /** A topology file the test rewrites, checked every 200 ms. */
    public static class Reloadable implements QuarkusTestResourceLifecycleManager {
        static Path file;

        @Override
        public Map<String, String> start() {
            file = TestTopology.write("http://127.0.0.1:1/health", "http://127.0.0.1:2/health");
            return Map.of("failover.topology-file", file.toString(), "failover.reload-interval", "200ms");
        }

        @Override
        public void stop() {
        }
    }

    static void rewrite(String text, int secondsLater) throws Exception {
        Files.writeString(Reloadable.file, text);
        // a new modification time, even on file systems with coarse timestamps
        Files.setLastModifiedTime(Reloadable.file, FileTime.from(Instant.now().plusSeconds(secondsLater)));
    }

    static List<String> targets() {
        return given().get("/targets").then().statusCode(200).extract().path("target");
    }

    @Test
    void invalidChangesAreRefusedAndValidOnesApplied() throws Exception {
        assertThat(targets()).containsExactlyInAnyOrder("primary", "secondary");

        rewrite(TestTopology.yaml("ftp://nope/", "http://127.0.0.1:2/health"), 10);
        Thread.sleep(1000);
        assertThat(targets()).containsExactlyInAnyOrder("primary", "secondary");
        given().get("/q/metrics").then().body(containsString("failover_probe_topology_reloads_total{result=\"refused\"} 1.0"));

        rewrite(TestTopology.yaml("http://127.0.0.1:1/health", "http://127.0.0.1:2/health").replace("id: secondary", "id: standby"),
                20);
        long deadline = System.currentTimeMillis() + 5000;
        while (!targets().contains("standby") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(targets()).containsExactlyInAnyOrder("primary", "standby");
        given().get("/targets/api/standby").then().statusCode(200).body("location", org.hamcrest.Matchers.equalTo("loc-a"));
        given().get("/targets/api/secondary").then().statusCode(404);
        given().get("/q/metrics").then().body(containsString("failover_probe_topology_reloads_total{result=\"applied\"} 1.0"));
        given().get("/targets").then().body("group", hasItem("api"));
    }
}
