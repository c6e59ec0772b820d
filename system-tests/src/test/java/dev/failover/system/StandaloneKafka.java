package dev.failover.system;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The broker as the local stack runs it: scripts/kafka.sh, a separate process, on free ports. */
final class StandaloneKafka implements AutoCloseable {

    private final Path stackDir;
    private final int port;
    private final int controllerPort;

    private StandaloneKafka(Path stackDir, int port, int controllerPort) {
        this.stackDir = stackDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    static StandaloneKafka start(Path stackDir) throws IOException, InterruptedException {
        StandaloneKafka kafka = new StandaloneKafka(stackDir.toAbsolutePath(), ServiceProcess.freePort(), ServiceProcess.freePort());
        kafka.run("start");
        return kafka;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private void run(String command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", ServiceProcess.ROOT.resolve("scripts/kafka.sh").toString(), command)
                .inheritIO();
        builder.environment().put("STACK_DIR", stackDir.toString());
        builder.environment().put("KAFKA_PORT", String.valueOf(port));
        builder.environment().put("KAFKA_CONTROLLER_PORT", String.valueOf(controllerPort));
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("scripts/kafka.sh " + command + " failed");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("stop");
    }
}
