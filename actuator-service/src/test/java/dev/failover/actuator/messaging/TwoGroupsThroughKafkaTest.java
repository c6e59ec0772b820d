package dev.failover.actuator.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.rest.ApiTokens;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Two groups through the real broker: group "slow" fails over to a pilot-light Kubernetes target whose replicas are
 * not ready (the test plays the Deployment controller and holds them back), group "fast" to a target that runs at size.
 * The fast group's switch is served while the slow one is still waiting; once the replicas are ready, the slow one is
 * served too — nothing was dropped and nothing waited on the other group.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.Verifier.class)
@WithKubernetesTestServer(crud = true)
@TestProfile(TwoGroupsThroughKafkaTest.Profile.class)
class TwoGroupsThroughKafkaTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path file = Files.createTempFile("two-groups-", ".yaml");
                Files.writeString(file, """
                        version: 1
                        locations: [loc-a, loc-b, loc-c]
                        groups:
                          - id: slow
                            dns: {zone: failover.test., name: slow.failover.test., ttl: 5}
                            targets:
                              - id: primary
                                region: us-east-1
                                probe: {type: tcp, host: 127.0.0.1, port: 9}
                                dns: {values: [192.0.2.1]}
                              - id: pilot
                                region: us-west-2
                                probe: {type: tcp, host: 127.0.0.1, port: 9}
                                dns: {values: [192.0.2.2]}
                                scaling: {kind: kubernetes, namespace: prod, deployment: slow, activeSize: 3, pilotLightSize: 1}
                          - id: fast
                            dns: {zone: failover.test., name: fast.failover.test., ttl: 5}
                            targets:
                              - id: primary
                                region: us-east-1
                                probe: {type: tcp, host: 127.0.0.1, port: 9}
                                dns: {values: [192.0.2.11]}
                              - id: secondary
                                region: us-west-2
                                probe: {type: tcp, host: 127.0.0.1, port: 9}
                                dns: {values: [192.0.2.12]}
                        """);
                file.toFile().deleteOnExit();
                Path token = Files.writeString(Files.createTempFile("two-groups-token-", ""), "test-token");
                // the slow target's cluster (named like its region) is the mock API server @WithKubernetesTestServer starts
                return Map.of("failover.topology-file", file.toString(), "failover.scaling.poll-interval", "200ms",
                        "failover.scaling.kubernetes-clusters.us-west-2.api-url", "${kubernetes.master}",
                        "failover.scaling.kubernetes-clusters.us-west-2.token-file", token.toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @KubernetesTestServer
    KubernetesServer kubernetes;

    final EventCodec codec = EventCodec.instance();

    @Test
    void aGroupWaitingForCapacityNeverDelaysAnotherGroupsFailover() {
        KubernetesClient k8s = kubernetes.getClient();
        k8s.apps().deployments().inNamespace("prod").resource(new DeploymentBuilder().withNewMetadata().withName("slow")
                .withNamespace("prod").endMetadata().withNewSpec().withReplicas(1).endSpec().build()).create();
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            String slowId = send(client, "slow", "primary", "pilot");
            String fastId = send(client, "fast", "primary", "secondary");

            ActuationResult fastServed = result(actuations.await(r -> isConverged(r, fastId), WAIT));
            assertThat(fastServed.group()).isEqualTo("fast");
            given().auth().oauth2(ApiTokens.viewer()).get("/groups/slow").then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("CONVERGING"))
                    .body("detail", org.hamcrest.Matchers.containsString("not ready yet: 0 of 3 ready"));
            assertThat(k8s.apps().deployments().inNamespace("prod").withName("slow").get().getSpec().getReplicas())
                    .as("the slow group's target was asked for its active size").isEqualTo(3);

            // the controller makes the replicas ready: the slow group is served too, without a new decision
            Deployment d = k8s.apps().deployments().inNamespace("prod").withName("slow").get();
            d.setStatus(new DeploymentStatusBuilder().withReplicas(3).withReadyReplicas(3).build());
            k8s.apps().deployments().inNamespace("prod").resource(d).updateStatus();
            ActuationResult slowServed = result(actuations.await(r -> isConverged(r, slowId), WAIT));
            assertThat(slowServed.finishedAt()).as("the fast group was served first").isAfter(fastServed.finishedAt());
            given().auth().oauth2(ApiTokens.viewer()).get("/groups/slow").then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("CONVERGED"))
                    .body("served", org.hamcrest.Matchers.containsString("192.0.2.2"));
        }
    }

    private String send(TopicClient client, String group, String from, String to) {
        String id = UUID.randomUUID().toString();
        client.sendSigned(Topics.DECISIONS, group,
                codec.encode(new Decision(1, id, group, 1L, DecisionKind.FAILOVER, from, to, "test",
                        List.of(), Instant.now(), DecisionMode.LIVE, Decision.AUTOMATION)),
                TestSigningKeys.shared().signer());
        return id;
    }

    private boolean isConverged(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> record,
            String decisionId) {
        ActuationResult r = result(record);
        return r.decisionId().equals(decisionId) && r.step() == ActuationStep.RECONCILE
                && r.status() == ActuationStatus.CONVERGED;
    }

    private ActuationResult result(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> record) {
        return codec.decode(record.value(), ActuationResult.class);
    }
}
