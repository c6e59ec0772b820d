package dev.failover.actuator.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.scaling.Scaler.CapacityOutcome;
import dev.failover.actuator.scaling.ScalingSettings;
import dev.failover.contract.topology.ScalingRef;

/**
 * A connection closed after an answer's headers and before its whole body (a load balancer or proxy that drops it, an
 * endpoint going away mid-answer) is a failed call, never an answer. On JDK 17 {@code HttpURLConnection} ends such a
 * body quietly, and the SDK reads an empty JSON or CBOR body as an empty answer: a listing of a plan's executions would
 * say "none", and the pass would start the plan a second time for a decision whose execution is running or ended. A
 * real socket here sends the headers of a 200 with its {@code Content-Length} and closes without the body.
 */
class CutResponsesTest {

    static final String PLAN = "arn:aws:arc-region-switch::111122223333:plan/api-plan:abc123";

    ServerSocket socket;
    Thread server;

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "AKIDACTUATOR");
        System.setProperty("aws.secretAccessKey", "secret");
    }

    @BeforeEach
    void listen() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server = new Thread(this::answerWithHeadersOnly, "cut-answers");
        server.setDaemon(true);
        server.start();
    }

    @AfterEach
    void close() throws IOException {
        socket.close();
    }

    /** Every request answered by a 200's headers promising 64 bytes of CBOR, then the connection closed. */
    void answerWithHeadersOnly() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                readRequest(client.getInputStream());
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/cbor\r\nsmithy-protocol: rpc-v2-cbor\r\n"
                        + "Content-Length: 64\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // the socket closed at the test's end, or a client gave up: the next accept says which
            }
        }
    }

    static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
        }
        int length = head.toString(StandardCharsets.US_ASCII).lines().map(l -> l.toLowerCase(Locale.ROOT))
                .filter(l -> l.startsWith("content-length:")).map(l -> Integer.parseInt(l.substring(15).trim()))
                .findFirst().orElse(0);
        in.readNBytes(length);
    }

    ScalingSettings settings(Set<ScalingSettings.Placed> scalers) {
        URI endpoint = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        return new ScalingSettings(scalers, new ScalingSettings.Aws(Map.of("us-west-2", endpoint), Optional.empty(),
                Optional.empty()), Map.of(), Duration.ofSeconds(5), 0, Optional.empty(), Duration.ofSeconds(3));
    }

    @Test
    void aListingCutAfterItsHeadersIsAFailedCallNotAnEmptyList() {
        RegionSwitch.Outcome<?> listed = BackendClients.regionSwitch(settings(Set.of()), Lease.HELD)
                .executions(new RegionSwitch.Plan(PLAN, "us-west-2", null));

        assertThat(listed).as("the executions listed through a cut answer").isInstanceOfSatisfying(
                RegionSwitch.Outcome.Passing.class, passing -> assertThat(passing.reason()).contains("64"));
    }

    /** ECS's JSON answer cut: a capacity read that failed (tried again), not "service not found" (BLOCKED). */
    @Test
    void aCapacityReadCutAfterItsHeadersIsUnavailableNotAMissingService() {
        ScalingRef.EcsService api = new ScalingRef.EcsService("prod", "api", 4, 1, null, "us-west-2", null, null);

        Optional<CapacityOutcome> read = BackendClients.scalers(settings(Set.of(ScalingSettings.Placed.of(api))))
                .observe(api);

        assertThat(read).get().as("the capacity read through a cut answer").isInstanceOfSatisfying(
                CapacityOutcome.Unavailable.class, unavailable -> assertThat(unavailable.reason()).contains("64"));
    }
}
