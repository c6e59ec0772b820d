package dev.failover.decision.bench;

import java.time.Instant;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;

/**
 * Loads failover.probe-results with COUNT fresh results for the benchmark topology (GROUPS groups x 2 targets x
 * LOCATIONS), for the decision-service throughput benchmark: {@code scripts/bench-decision.sh kafka}.
 */
public final class ResultProducer {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int count = Integer.parseInt(args[1]);
        int groups = Integer.parseInt(args[2]);
        int locations = Integer.parseInt(args[3]);
        if (args.length > 4) {
            Files.writeString(java.nio.file.Path.of(args[4]), BenchTopology.yaml(groups, locations, 300));
        }
        String[] targets = { "primary", "secondary" };
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024),
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new StringSerializer())) {
            Instant now = Instant.now();
            for (int i = 0; i < count; i++) {
                int g = (i / (2 * locations)) % groups;
                ProbeResult r = ProbeResult.of("g-" + g, targets[(i / locations) % 2], "r", "loc-" + i % locations,
                        now.plusMillis(i / 1000), ProbeOutcome.UP).durationMillis(5L).httpStatus(200).build();
                producer.send(
                        new ProducerRecord<>("failover.probe-results", r.group(), EventCodec.instance().encode(r)));
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("produced %d results in %.1f s (%.0f/s)%n", count, seconds, count / seconds);
    }

    private static final class Files {
        static void writeString(java.nio.file.Path path, String text) throws java.io.IOException {
            java.nio.file.Files.writeString(path, text);
        }
    }
}
