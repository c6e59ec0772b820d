package dev.failover.actuator.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.failover.actuator.domain.data.DataTierEvidence;
import dev.failover.actuator.domain.data.EvidenceStore;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.contract.signing.Verification;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.TopicEnsurer;
import dev.failover.kafka.TopicSpec;
import dev.failover.kafka.TopicToEndReader;

/**
 * Each instance's {@link DataTierEvidence} in the compacted topic {@code failover.actuator-evidence}, keyed
 * {@code group/instance}: every instance keeps its own, so two instances never overwrite each other's, and a restore
 * merges them all (the newest sample of each). Signed with the actuator's key like desired states (ADR 0009): a record
 * written through a mistaken ACL must not make a promotion look safe; one without a trusted signature is skipped and
 * counted. A save never waits: the producer's send returns at once (a metadata wait is cut short), and a failed one
 * loses only that version.
 */
public class KafkaEvidenceStore implements EvidenceStore, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaEvidenceStore.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaClientProperties kafka;
    private final KafkaProducer<String, String> producer;
    private final DesiredStateSigning signing;
    private final String instance;
    private final Consumer<Verification.Outcome> refused;
    private volatile boolean failing;

    /**
     * @param instance this instance's id ({@code failover.instance-id}): its records' key suffix
     * @param refused  told the outcome of each record not restored for want of a trusted signature (the metric)
     */
    public KafkaEvidenceStore(KafkaClientProperties kafka, DesiredStateSigning signing, String instance,
            Consumer<Verification.Outcome> refused) {
        this.kafka = kafka;
        this.signing = signing;
        this.instance = instance;
        this.refused = refused;
        // the watch's thread hands a save over and goes on: at most a second of waiting for metadata while the brokers
        // are away, then the save is dropped (the next version follows)
        this.producer = new KafkaProducer<>(kafka.with(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000")),
                new StringSerializer(), new StringSerializer());
    }

    /**
     * Creates the compacted topic, with the partition count of failover.decisions and {@code replication}, when it is
     * missing, and checks it as {@link KafkaDesiredStore#ensureTopic} does, but for the partition count: every instance
     * reads all of it.
     */
    public void ensureTopic(Optional<Short> replication, String replicationKey) {
        try (TopicEnsurer topics = new TopicEnsurer(kafka, TIMEOUT)) {
            Optional<Integer> partitions = topics.partitionCount(Topics.DECISIONS);
            topics.ensure(List.of(new TopicSpec(Topics.ACTUATOR_EVIDENCE, partitions, replication, Map.of())
                    .compacted()), replicationKey);
        }
    }

    @Override
    public void save(String group, DataTierEvidence evidence) {
        String key = group + "/" + instance;
        String value = encode(group, evidence);
        RecordHeaders headers = new RecordHeaders();
        signing.signer().headers(Topics.ACTUATOR_EVIDENCE, key, value).forEach(headers::add);
        try {
            producer.send(new ProducerRecord<>(Topics.ACTUATOR_EVIDENCE, null, key, value, headers), (metadata, e) -> {
                if (e != null && !failing) {
                    failing = true;
                    LOG.warnf("could not keep the data-tier evidence of %s in %s (an instance started after the primary"
                            + " is lost may then find the exposure unknown): %s", group, Topics.ACTUATOR_EVIDENCE,
                            e.getMessage());
                } else if (e == null && failing) {
                    failing = false;
                    LOG.infof("data-tier evidence kept in %s again", Topics.ACTUATOR_EVIDENCE);
                }
            });
        } catch (RuntimeException e) {
            LOG.debugf("data-tier evidence of %s not handed to Kafka: %s", group, e.getMessage());
        }
    }

    /** Every instance's evidence of every group, read to the end of the topic's partitions, by group. */
    public Map<String, List<DataTierEvidence>> loadAll() {
        Map<String, List<DataTierEvidence>> byGroup = new LinkedHashMap<>();
        int partitions;
        try (TopicEnsurer topics = new TopicEnsurer(kafka, TIMEOUT)) {
            partitions = topics.partitionCount(Topics.ACTUATOR_EVIDENCE).orElse(0);
        }
        Map<String, String> latest = new LinkedHashMap<>();
        try (TopicToEndReader reader = new TopicToEndReader(kafka, TIMEOUT)) {
            reader.read(Topics.ACTUATOR_EVIDENCE, IntStream.range(0, partitions).boxed().toList(), record -> {
                if (record.value() == null) {
                    latest.remove(record.key());
                    return;
                }
                StoredStateTrust.Check check = signing.trust().check(record.topic(), record.key(), record.value(),
                        name -> StreamSupport.stream(record.headers().headers(name).spliterator(), false)
                                .map(Header::value).toList());
                if (check.verdict() != StoredStateTrust.Verdict.TRUSTED) {
                    refused.accept(check.verification().outcome());
                    LOG.warnf(
                            "skipping data-tier evidence %s not signed by an actuator key at offset %d of partition %d:"
                                    + " %s",
                            record.key(), record.offset(), record.partition(), check.verification().describe());
                    return;
                }
                latest.put(record.key(), record.value());
            });
        }
        latest.forEach((key, value) -> {
            try {
                JsonNode node = JSON.readTree(value);
                String group = node.path("group").asText();
                if (!key.startsWith(group + "/")) {
                    throw new IllegalArgumentException("its group '" + group + "' is not its key's");
                }
                byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(decode(node));
            } catch (Exception e) {
                LOG.warnf("skipping unreadable data-tier evidence %s: %s", key, e.getMessage());
            }
        });
        return byGroup;
    }

    static String encode(String group, DataTierEvidence evidence) {
        ObjectNode root = JSON.createObjectNode().put("group", group);
        if (evidence.primary() != null) {
            point(root.putObject("primary"), evidence.primary());
        }
        ObjectNode covered = root.putObject("covered");
        evidence.covered().forEach((replica, point) -> point(covered.putObject(replica), point));
        if (evidence.newest() != null) {
            root.putObject("newest").put("writer", evidence.newest().writer())
                    .put("timeline", evidence.newest().timeline()).put("system", evidence.newest().system());
        }
        return root.toString();
    }

    private static void point(ObjectNode node, DataTierEvidence.Point point) {
        node.put("target", point.target()).put("at", point.at().toString()).put("timeline", point.timeline())
                .put("lsn", point.lsn());
        point.syncStandbys().forEach(node.putArray("syncStandbys")::add);
    }

    static DataTierEvidence decode(JsonNode root) {
        Map<String, DataTierEvidence.Point> covered = new LinkedHashMap<>();
        root.path("covered").properties().forEach(e -> covered.put(e.getKey(), point(e.getValue())));
        return new DataTierEvidence(root.hasNonNull("primary") ? point(root.get("primary")) : null, covered,
                root.hasNonNull("newest") ? history(root.get("newest")) : null); // none before a system identifier was seen
    }

    /** The newest history, or null when it is not one: the record's positions are still evidence without it. */
    private static DataTierEvidence.History history(JsonNode node) {
        try {
            if (node.path("timeline").canConvertToLong() && node.path("system").canConvertToLong()
                    && node.hasNonNull("writer")) {
                return new DataTierEvidence.History(node.get("writer").asText(), node.get("timeline").asLong(),
                        node.get("system").asLong());
            }
        } catch (IllegalArgumentException e) {
            // a timeline or system identifier of 0: as unreadable as a missing one
        }
        LOG.warnf("data-tier evidence with an unreadable newest history, taken without it: %s", node);
        return null;
    }

    private static DataTierEvidence.Point point(JsonNode node) {
        List<String> sync = new ArrayList<>();
        node.path("syncStandbys").forEach(s -> sync.add(s.asText()));
        if (!node.path("timeline").canConvertToLong() || !node.path("lsn").canConvertToLong()
                || !node.hasNonNull("target")) {
            throw new IllegalArgumentException("a point needs target, at, timeline and lsn: " + node);
        }
        return new DataTierEvidence.Point(node.get("target").asText(), Instant.parse(node.path("at").asText()),
                node.get("timeline").asLong(), node.get("lsn").asLong(), sync);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
