package dev.failover.system;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import dev.failover.testkit.config.ConfigTemplate;

/**
 * One Kafka cluster over the three regions of {@link Regions}: a combined broker and controller per region, in that
 * region's network namespace, from config/kafka/cluster-node.properties.template (replication factor 3,
 * min.insync.replicas 2, rack = region). The jars are the ones scripts/kafka.sh resolves.
 */
final class RegionKafkaCluster implements AutoCloseable {

    static final int BROKER_PORT = 9092;
    static final int CONTROLLER_PORT = 9093;

    private final Regions regions;
    private final List<Process> nodes = new ArrayList<>();

    private RegionKafkaCluster(Regions regions) {
        this.regions = regions;
    }

    static RegionKafkaCluster start(Regions regions, Path dir) throws IOException, InterruptedException {
        RegionKafkaCluster cluster = new RegionKafkaCluster(regions);
        try {
            cluster.startNodes(dir.toAbsolutePath());
            cluster.awaitAllBrokers(Duration.ofSeconds(120));
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void startNodes(Path dir) throws IOException, InterruptedException {
        String lib = kafkaLib(dir) + "/*";
        String voters = Regions.REGIONS.stream()
                .map(r -> (Regions.REGIONS.indexOf(r) + 1) + "@" + regions.address(r) + ":" + CONTROLLER_PORT)
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        for (String region : Regions.REGIONS) {
            Path node = dir.resolve("kafka-" + region);
            TestStack.deleteRecursively(node);
            Files.createDirectories(node);
            Path config = node.resolve("server.properties");
            Files.writeString(config, ConfigTemplate.render("kafka/cluster-node.properties.template", Map.of(
                    "NODE_ID", Integer.toString(Regions.REGIONS.indexOf(region) + 1), "ADDRESS",
                    regions.address(region),
                    "VOTERS", voters, "RACK", region, "LOG_DIR", node.resolve("data").toString())));
            Process format = new ProcessBuilder(ServiceProcess.javaBin(),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", lib, "kafka.tools.StorageTool", "format", "--cluster-id", clusterId, "--config",
                    config.toString(),
                    "--ignore-formatted").redirectErrorStream(true).redirectOutput(node.resolve("format.log").toFile())
                    .start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("formatting Kafka storage of region " + region + " failed: "
                        + Files.readString(node.resolve("format.log")));
            }
            List<String> command = new ArrayList<>(ServiceProcess.Placement.inNamespace(regions.namespace(region),
                    regions.address(region), BROKER_PORT).commandPrefix());
            command.addAll(List.of(ServiceProcess.javaBin(), "-Xms128m", "-Xmx256m",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", lib, "kafka.Kafka", config.toString()));
            nodes.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(node.resolve("kafka.log").toFile()).start());
        }
    }

    private static String kafkaLib(Path dir) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", ServiceProcess.ROOT.resolve("scripts/kafka.sh").toString(),
                "lib")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("STACK_DIR", dir.toString());
        builder.environment().put("KAFKA_LIB_DIR", StandaloneKafka.KAFKA_LIB.toString());
        Process process = builder.start();
        String lib = new String(process.getInputStream().readAllBytes()).trim();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("scripts/kafka.sh lib failed");
        }
        return lib;
    }

    private void awaitAllBrokers(Duration timeout) {
        await("three brokers registered").atMost(timeout).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> {
                    for (int i = 0; i < nodes.size(); i++) {
                        if (!nodes.get(i).isAlive()) {
                            throw new AssertionError("the Kafka node of region " + Regions.REGIONS.get(i) + " exited");
                        }
                    }
                    try (Admin admin = Admin
                            .create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000))) {
                        return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == Regions.REGIONS
                                .size();
                    }
                });
    }

    String bootstrapServers() {
        return Regions.REGIONS.stream().map(r -> regions.address(r) + ":" + BROKER_PORT)
                .collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        for (Process node : nodes) {
            node.destroy();
        }
        for (Process node : nodes) {
            try {
                if (!node.waitFor(30, TimeUnit.SECONDS)) {
                    node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
