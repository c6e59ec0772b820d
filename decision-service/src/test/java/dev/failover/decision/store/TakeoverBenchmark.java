package dev.failover.decision.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.failover.contract.event.Topics;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.engine.Engines;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.decision.signing.TestControlKeys;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.testkit.kafka.EmbeddedKafkaBroker;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestProbeResults;
import dev.failover.testkit.topology.TestTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A takeover after a long uptime (ADR 0007), as a program: fills one partition of failover.decision-state on an
 * in-JVM broker the way {@code hours} of an owner's state publications for {@code groups} groups would, lets the log
 * cleaner do its work, and times a decision-service's restore of that partition (StateLoader: the state topic and the
 * decisions in one pass and the explanations beside them, read to their ends) three times.
 * <p>
 * {@code before}: a record per group every 5 s, on a topic with Kafka's default segment settings. {@code after}: a
 * record per group at every heartbeat (60 s) and one more per change, {@code changesPerHour} of them, on a topic with
 * the settings TopicSetup gives it. Record times are the simulated ones (from {@code hours} ago to now), so segments roll
 * by time and the cleaner's lag bound acts as they would have over that time. Every record is the group's real state
 * record (an engine's snapshot and view after results from three locations and a few commands), signed as the owner
 * signs it.
 * <p>
 * Usage: {@code TakeoverBenchmark before|after GROUPS HOURS [CHANGES_PER_HOUR]}; see scripts/bench-decision.sh.
 */
public final class TakeoverBenchmark {

    /** Kafka's own defaults, which the topic had before TopicSetup set any (the bench broker's template sets 16 MiB). */
    static final Map<String, String> KAFKA_DEFAULT_SEGMENTS = Map.of(
            TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(1024 * 1024 * 1024),
            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis()),
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.5",
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Long.toString(Long.MAX_VALUE));

    private TakeoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean after = args[0].equals("after");
        int groups = Integer.parseInt(args[1]);
        int hours = Integer.parseInt(args[2]);
        int changesPerHour = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        List<String> ids = IntStream.range(0, groups).mapToObj(g -> "bench-" + g).toList();
        Topology topology = TopologyLoader.parse(TestTopology.yaml(ids), "bench");
        Map<String, byte[]> records = stateRecords(topology, ids);
        // signed as the owner signs them (ADR 0009): the restore verifies every record
        ControlMessageKeys keys = TestControlKeys.of(TestSigningKeys.shared().signer(),
                TestSigningKeys.shared().trustedKeys());
        Map<String, org.apache.kafka.common.header.Headers> headers = new HashMap<>();
        records.forEach((group, value) -> headers.put(group, keys.headers(Topics.DECISION_STATE, group,
                new String(value, java.nio.charset.StandardCharsets.UTF_8))));
        int size = records.values().iterator().next().length;

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Admin admin = Admin
                        .create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<String, String> configs = new HashMap<>(after ? TopicSetup.COMPACTED_SEGMENTS : KAFKA_DEFAULT_SEGMENTS);
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            admin.createTopics(List.of(new NewTopic(Topics.DECISION_STATE, 1, (short) 1).configs(configs),
                    new NewTopic(Topics.DECISIONS, 1, (short) 1),
                    new NewTopic(Topics.DECISION_EXPLANATIONS, 1, (short) 1).configs(configs))).all().get();

            long started = System.nanoTime();
            long written = fill(broker.bootstrapServers(), ids, records, headers, hours, after, changesPerHour);
            System.out.printf(
                    "%s: %d groups, %d h simulated, state record %d bytes: wrote %d records (%.0f MiB) in %.0f s%n",
                    args[0], groups, hours, size, written, written * (double) size / (1 << 20),
                    (System.nanoTime() - started) / 1e9);

            long bytes = settle(admin);
            System.out.printf("%s: partition holds %.1f MiB once the cleaner settled%n", args[0],
                    bytes / (double) (1 << 20));

            List<Double> seconds = new ArrayList<>();
            for (int run = 0; run < 3; run++) {
                StateLoader loader = loader(broker.bootstrapServers(), topology);
                long t0 = System.nanoTime();
                try {
                    loader.restore(List.of(0));
                } catch (IllegalStateException e) { // the restore's own deadline: the takeover would stop and retry
                    System.out.printf("%s: restore failed after %.1f s: %s%n", args[0], (System.nanoTime() - t0) / 1e9,
                            e.getMessage());
                }
                seconds.add((System.nanoTime() - t0) / 1e9);
            }
            Collections.sort(seconds);
            System.out.printf("%s: restore of the partition took %.2f s (median of 3; %.2f to %.2f s)%n", args[0],
                    seconds.get(1), seconds.get(0), seconds.get(2));
        }
    }

    /** The state record of every group: results from three locations for both targets, and a few commands. */
    private static Map<String, byte[]> stateRecords(Topology topology, List<String> ids) {
        ManualClock clock = new ManualClock(Instant.now());
        DecisionEngine engine = Engines.minimal(topology, clock, () -> java.util.UUID.randomUUID().toString());
        for (int round = 0; round < 3; round++) {
            clock.advance(Duration.ofSeconds(1));
            for (String group : ids) {
                for (String location : TestTopology.LOCATIONS) {
                    for (String target : List.of(TestTopology.PRIMARY, TestTopology.SECONDARY)) {
                        engine.onProbeResult(TestProbeResults.up(group, target, location, clock.instant()));
                    }
                }
            }
        }
        Map<String, byte[]> records = new HashMap<>();
        for (String group : ids) {
            for (int c = 0; c < 3; c++) {
                engine.apply(new Command.Issued("pause-" + group + c, clock.instant(),
                        new Command.Pause(group, "maintenance "
                                + c, "operator@example.com")));
                engine.apply(new Command.Issued("resume-" + group + c, clock.instant(), new Command.Resume(group,
                        "maintenance " + c + " done", "operator@example.com")));
            }
            var state = engine.publishableState(group).orElseThrow();
            records.put(group,
                    StateCodec.encode(new StateRecord(StateRecord.SCHEMA_VERSION, state.snapshot(), state.view(),
                            List.of(), clock.instant())).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return records;
    }

    /** Writes the records the simulated hours would have, with their simulated times; returns how many. */
    private static long fill(String bootstrap, List<String> ids, Map<String, byte[]> records,
            Map<String, org.apache.kafka.common.header.Headers> headers, int hours, boolean after, int changesPerHour) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 256L << 20);
        long end = System.currentTimeMillis();
        long start = end - Duration.ofHours(hours).toMillis();
        long step = after ? 60_000 : 5_000;
        long changeEvery = changesPerHour == 0 ? Long.MAX_VALUE : 3_600_000 / changesPerHour;
        long count = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (long t = start; t < end; t += step) {
                for (int g = 0; g < ids.size(); g++) {
                    String group = ids.get(g);
                    producer.send(new ProducerRecord<>(Topics.DECISION_STATE, 0, t, group, records.get(group),
                            headers.get(group)));
                    count++;
                    // a change of the group between this heartbeat and the next, at a time of its own
                    long change = t + (g * 7_919L) % step;
                    if (after && (change / changeEvery) != ((change + step) / changeEvery)) {
                        producer.send(new ProducerRecord<>(Topics.DECISION_STATE, 0, change, group, records.get(group),
                                headers.get(group)));
                        count++;
                    }
                }
            }
            producer.flush();
        }
        return count;
    }

    /** Waits until the partition's size has not changed for 30 s (the cleaner checks every 15 s); returns it. */
    private static long settle(Admin admin) throws Exception {
        TopicPartition partition = new TopicPartition(Topics.DECISION_STATE, 0);
        long last = -1;
        long stableSince = System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            long size = 0;
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(List.of(1)).allDescriptions().get()
                    .values()) {
                for (LogDirDescription dir : dirs.values()) {
                    ReplicaInfo info = dir.replicaInfos().get(partition);
                    size += info == null ? 0 : info.size();
                }
            }
            if (size != last) {
                last = size;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > Duration.ofSeconds(30).toNanos()) {
                return size;
            }
            Thread.sleep(2_000);
        }
        return last;
    }

    private static StateLoader loader(String bootstrap, Topology topology) {
        return new StateLoader(Engines.minimal(topology, java.time.Clock.systemUTC(), () -> "d"),
                KafkaClientProperties.bootstrap(bootstrap), TestControlKeys.of(TestSigningKeys.shared().signer(),
                        TestSigningKeys.shared().trustedKeys()),
                new DecisionMetrics(new SimpleMeterRegistry()));
    }
}
