package dev.failover.actuator.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.data.DataTierEvidence;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.Verification;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.testkit.kafka.KafkaBrokerResource;

/**
 * Against the real in-JVM broker: the data-tier evidence each instance keeps is read back by a restarted
 * one, every instance's under its own key; a record no actuator key signed (written through a mistaken ACL, claiming a
 * replica holds everything) is skipped and counted, never restored.
 */
class KafkaEvidenceStoreTest {

    static final Instant T = Instant.parse("2026-11-26T03:00:00Z");

    static DataTierEvidence evidence(long lsn, Instant at) {
        return new DataTierEvidence(new DataTierEvidence.Point("primary", at, 2, lsn, List.of("replica")), Map.of(
                "secondary", new DataTierEvidence.Point("primary", at.minusSeconds(1), 2, lsn - 100, List.of())));
    }

    @Test
    void aRestartReadsBackEveryInstancesLatestEvidenceAndSkipsAnUnsignedOne() throws Exception {
        KafkaClientProperties kafka = new KafkaClientProperties(Map.of("bootstrap.servers",
                KafkaBrokerResource.broker().bootstrapServers()));
        String group = "evidence-" + UUID.randomUUID().toString().substring(0, 8);
        DesiredStateSigning signing = TestDesiredStores.signing(false);
        try (KafkaEvidenceStore a = new KafkaEvidenceStore(kafka, signing, "actuator-a", o -> {
        }); KafkaEvidenceStore b = new KafkaEvidenceStore(kafka, signing, "actuator-b", o -> {
        })) {
            a.ensureTopic(java.util.Optional.empty(), "failover.topics.replication-factor");
            a.save(group, evidence(1_000, T));
            a.save(group, evidence(2_000, T.plusSeconds(2)));
            b.save(group, evidence(1_500, T.plusSeconds(1)));
        }
        try (KafkaProducer<String, String> forger = new KafkaProducer<>(kafka.with(Map.of()), new StringSerializer(),
                new StringSerializer())) {
            forger.send(
                    new ProducerRecord<>(Topics.ACTUATOR_EVIDENCE, group + "/intruder", KafkaEvidenceStore.encode(group,
                            evidence(9_000_000, T.plusSeconds(60)))))
                    .get();
        }
        List<Verification.Outcome> refused = new ArrayList<>();
        try (KafkaEvidenceStore restarted = new KafkaEvidenceStore(kafka, signing, "actuator-a", refused::add)) {
            List<DataTierEvidence> read = restarted.loadAll().getOrDefault(group, List.of());
            assertThat(read).as("each instance's latest, the unsigned one skipped").containsExactlyInAnyOrder(
                    evidence(2_000, T.plusSeconds(2)), evidence(1_500, T.plusSeconds(1)));
        }
        assertThat(refused).containsExactly(Verification.Outcome.UNSIGNED);
    }

    /**
     * The newest history a node was seen writing goes with the evidence (an instance started after a promotion knows
     * the old primary for a former one, ADR 0020 "Lineage before the fence"); a record without one reads as unknown.
     */
    @Test
    void theNewestHistoryTravelsWithTheEvidence() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        DataTierEvidence seen = evidence(1_000, T);
        DataTierEvidence withHistory = new DataTierEvidence(seen.primary(), seen.covered(),
                new DataTierEvidence.History("secondary", 3, 7_300_000_000_000_000_001L));

        assertThat(KafkaEvidenceStore.decode(json.readTree(KafkaEvidenceStore.encode("api", withHistory))))
                .isEqualTo(withHistory);
        assertThat(KafkaEvidenceStore.decode(json.readTree(KafkaEvidenceStore.encode("api", seen))).newest()).isNull();
        String withoutSystem = KafkaEvidenceStore.encode("api", seen).replace("}}}",
                "}},\"newest\":{\"writer\":\"secondary\",\"timeline\":3}}");
        assertThat(json.readTree(withoutSystem).at("/newest/writer").asText()).isEqualTo("secondary");
        DataTierEvidence unreadable = KafkaEvidenceStore.decode(json.readTree(withoutSystem));
        assertThat(unreadable.newest())
                .as("a history without its cluster's identifier is not read as another cluster's")
                .isNull();
        assertThat(unreadable.primary()).as("the positions are evidence without it").isEqualTo(seen.primary());
    }

    @Test
    void aSaveWhileTheBrokersAreAwayReturnsAtOnce() {
        KafkaClientProperties nowhere = new KafkaClientProperties(Map.of("bootstrap.servers", "127.0.0.1:1"));
        try (KafkaEvidenceStore store = new KafkaEvidenceStore(nowhere, TestDesiredStores.signing(false), "a", o -> {
        })) {
            long started = System.nanoTime();
            store.save("api", evidence(1_000, T));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the watch is never held for long")
                    .isLessThan(Duration.ofSeconds(3));
        }
    }
}
