package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.aws.IamPolicySimulation;
import dev.failover.testkit.aws.PodIdentityAgent;
import dev.failover.testkit.aws.Route53Zone;
import dev.failover.testkit.aws.SecurityTokenService;
import dev.failover.testkit.aws.TemporaryCredentials;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.TestSigningKeys;

/**
 * On EKS the actuator has no static keys; its pod gets AWS credentials by IRSA (a projected service-account token,
 * {@code AWS_WEB_IDENTITY_TOKEN_FILE} + {@code AWS_ROLE_ARN}, exchanged at STS by AssumeRoleWithWebIdentity) or by EKS
 * Pod Identity (a container credentials endpoint, {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} +
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}). The packaged actuator runs with only those variables, as EKS sets
 * them, against an STS or Pod Identity agent fixture, and switches a Route 53 record: STS (or the agent) must have been
 * asked with the token file's content and the role, and every Route 53 call must be signed with the temporary access
 * key handed out, never anything else. Needs {@code software.amazon.awssdk:sts} in the packaged actuator (the default
 * chain's web-identity provider lives there). With IRSA, the actuator also checks its permissions ahead
 * (docs/runbook.md, FailoverPermissionMissing): IAM's policy simulator ({@link IamPolicySimulation}) is asked about the
 * role IRSA names, signed with the key STS issued, and a permission the simulator denies shows as
 * {@code failover_actuator_permission_missing} 1.
 */
class AwsWorkloadIdentityIT {

    static final EventCodec CODEC = EventCodec.instance();
    static final String ZONE_ID = "Z0IDENTITY";
    static final String ROLE_ARN = "arn:aws:iam::111122223333:role/failover-actuator";
    /** The permission check's metrics, exported once it runs against IAM: this test checks each (FailoverChainIT skips them). */
    static final String PERMISSION_METRICS = "failover_actuator_permission_";
    static final String IRSA_GROUP = "api-irsa";
    static final String POD_GROUP = "api-pod-identity";
    static final String IRSA_RECORD = "irsa.failover.test.";
    static final String POD_RECORD = "pod.failover.test.";

    static StandaloneKafka kafka;
    static Route53Zone zone;
    static TestStack stack;
    static Path secrets;

    @BeforeAll
    static void startStack() throws Exception {
        zone = Route53Zone.start(ZONE_ID, List.of(
                set(IRSA_RECORD, "irsa-east", 100L, "192.0.2.10"), set(IRSA_RECORD, "irsa-west", 0L, "192.0.2.20"),
                set(POD_RECORD, "pod-east", 100L, "192.0.2.30"), set(POD_RECORD, "pod-west", 0L, "192.0.2.40")));
        stack = TestStack.named("identity").topology(s -> """
                version: 1
                locations: [loc-a, loc-b, loc-c]
                groups:
                %s
                %s
                """.formatted(group(IRSA_GROUP, IRSA_RECORD, "irsa", "192.0.2.10", "192.0.2.20"),
                group(POD_GROUP, POD_RECORD, "pod", "192.0.2.30", "192.0.2.40"))).start();
        kafka = stack.kafka();
        secrets = Files.createDirectories(Path.of("target/identity-stack/secrets").toAbsolutePath());
    }

    @AfterAll
    static void stopStack() throws Exception {
        TestStack.closeAll(stack, zone);
    }

    @Test
    void irsaWebIdentityTokenIsExchangedAtStsAndRoute53IsSignedWithTheTemporaryKey() throws Exception {
        // what EKS projects into the pod: an OIDC token of the service account, refreshed in place by the kubelet
        String token = "eyJhbGciOiJSUzI1NiJ9.irsa-" + UUID.randomUUID() + ".signature";
        Path tokenFile = Files.writeString(secrets.resolve("irsa-token"), token);
        try (SecurityTokenService sts = SecurityTokenService.start(ROLE_ARN, token);
                IamPolicySimulation iam = IamPolicySimulation.start()
                        .deny(ROLE_ARN, "route53:GetChange", "arn:aws:route53:::change/")) {
            Map<String, String> env = withoutStaticCredentials();
            env.putAll(Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(), "AWS_ROLE_ARN", ROLE_ARN,
                    "AWS_ROLE_SESSION_NAME", "failover-actuator-us-east-1", "AWS_REGION", "us-east-1",
                    // the SDK's service-specific endpoint: the web-identity provider's own STS client honours it
                    "AWS_ENDPOINT_URL_STS", sts.endpoint().toString(),
                    "FAILOVER_PERMISSIONS_CHECK_INTERVAL", "30m", "FAILOVER_PERMISSIONS_IAM_ENDPOINT",
                    iam.endpoint().toString()));
            int before = zone.requests().size();
            failOver(IRSA_GROUP, "irsa", env, "irsa-actuator", actuator -> org.awaitility.Awaitility.await(
                    "the permission check's finding in the metrics").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(actuator.metrics())
                            .contains(
                                    "failover_actuator_permission_missing{action=\"route53:GetChange\",place=\"us-east-1\","
                                            + "resource=\"arn:aws:route53:::change/*\"} 1.0")
                            .contains(
                                    "failover_actuator_permission_missing{action=\"route53:ChangeResourceRecordSets\","
                                            + "place=\"us-east-1\",resource=\"arn:aws:route53:::hostedzone/" + ZONE_ID
                                            + "\"} 0.0")
                            .contains("failover_actuator_permission_unknown{place=\"us-east-1\"} 0.0")
                            .containsPattern("failover_actuator_permission_checked_seconds [0-9.E]+")));

            assertThat(iam.requests()).as("IAM asked about the role IRSA names, signed with the key STS issued")
                    .isNotEmpty()
                    .allSatisfy(r -> {
                        assertThat(r.principal()).isEqualTo(ROLE_ARN);
                        assertThat(r.accessKey())
                                .isIn(sts.requests().stream().map(q -> q.issued().accessKeyId()).toList());
                    });

            assertThat(sts.requests()).as("STS asked by web identity, with the token file's content and the role")
                    .isNotEmpty().allSatisfy(r -> {
                        assertThat(r.action()).isEqualTo("AssumeRoleWithWebIdentity");
                        assertThat(r.roleArn()).isEqualTo(ROLE_ARN);
                        assertThat(r.webIdentityToken()).isEqualTo(token);
                        assertThat(r.roleSessionName()).isEqualTo("failover-actuator-us-east-1");
                        assertThat(r.signed()).as("AssumeRoleWithWebIdentity needs no AWS credentials").isFalse();
                        assertThat(r.issued()).isNotNull();
                    });
            assertSignedOnlyWith(zone.requests().subList(before, zone.requests().size()),
                    sts.requests().stream().map(SecurityTokenService.Request::issued).toList());
        }
    }

    @Test
    void podIdentityTokenIsSentToTheAgentAndRoute53IsSignedWithTheTemporaryKey() throws Exception {
        String token = "eyJhbGciOiJSUzI1NiJ9.pod-identity-" + UUID.randomUUID() + ".signature";
        Path tokenFile = Files.writeString(secrets.resolve("eks-pod-identity-token"), token);
        try (PodIdentityAgent agent = PodIdentityAgent.start(token)) {
            Map<String, String> env = withoutStaticCredentials();
            env.putAll(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.credentialsUri().toString(),
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString(), "AWS_REGION", "us-east-1"));
            int before = zone.requests().size();
            failOver(POD_GROUP, "pod", env, "pod-identity-actuator", actuator -> {
            });

            assertThat(agent.requests()).as("the agent asked with the token file's content").isNotEmpty()
                    .allSatisfy(r -> {
                        assertThat(r.authorization()).isEqualTo(token);
                        assertThat(r.issued()).isNotNull();
                    });
            assertSignedOnlyWith(zone.requests().subList(before, zone.requests().size()),
                    agent.requests().stream().map(PodIdentityAgent.Request::issued).toList());
        }
    }

    /**
     * The trust policies in deploy/aws name the service account the manifests run the actuator as (k8s/base: namespace
     * and ServiceAccount of the actuator's pods), so that a renamed account cannot leave the role unassumable unnoticed.
     */
    @Test
    void trustPoliciesNameTheActuatorsServiceAccount() throws Exception {
        Path k8s = ServiceProcess.ROOT.resolve("k8s/base");
        assertThat(Files.readString(k8s.resolve("kustomization.yaml"))).contains("namespace: failover\n");
        assertThat(Files.readString(k8s.resolve("actuator-service.yaml")))
                .contains("serviceAccountName: failover-actuator\n");
        assertThat(Files.readString(k8s.resolve("rbac.yaml"))).contains("name: failover-actuator\n");

        String irsa = Files.readString(ServiceProcess.ROOT.resolve("deploy/aws/actuator-trust-policy-irsa.json"));
        assertThat(irsa).contains("\"sts:AssumeRoleWithWebIdentity\"").contains(":oidc-provider/")
                .contains(":sub\": \"system:serviceaccount:failover:failover-actuator\"")
                .contains(":aud\": \"sts.amazonaws.com\"");
        String podIdentity = Files
                .readString(ServiceProcess.ROOT.resolve("deploy/aws/actuator-trust-policy-pod-identity.json"));
        assertThat(podIdentity).contains("\"pods.eks.amazonaws.com\"")
                .contains("\"sts:AssumeRole\", \"sts:TagSession\"")
                .contains("\"aws:RequestTag/kubernetes-namespace\": \"failover\"")
                .contains("\"aws:RequestTag/kubernetes-service-account\": \"failover-actuator\"");
    }

    /**
     * Starts the actuator with {@code env}, sends a failover of {@code group}, waits until it converged, then runs
     * {@code whileRunning} on the running actuator.
     */
    static void failOver(String group, String prefix, Map<String, String> env, String name,
            java.util.function.Consumer<ServiceProcess> whileRunning) throws Exception {
        try (ServiceProcess actuator = stack.start(TestStack.ACTUATOR, name, env);
                TopicClient client = TopicClient.of(kafka.bootstrapServers());
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            actuator.awaitReady(Duration.ofSeconds(90));
            Decision failover = new Decision(1, UUID.randomUUID().toString(), group, 1L, DecisionKind.FAILOVER,
                    prefix + "-east",
                    prefix + "-west", "system test", List.of(), Instant.now(), DecisionMode.LIVE, Decision.AUTOMATION);
            client.sendSigned(Topics.DECISIONS, group, CODEC.encode(failover), TestSigningKeys.shared().signer());
            try {
                actuations.await(r -> is(r, failover, ActuationStatus.CONVERGED), Duration.ofSeconds(60));
            } catch (AssertionError e) {
                throw new AssertionError(
                        "no CONVERGED actuation of " + group + "; actuator output:\n" + actuator.output(), e);
            }
            String record = prefix.equals("irsa") ? IRSA_RECORD : POD_RECORD;
            assertThat(zone.weights(record, "A")).as("the record switched").containsEntry(prefix + "-east", 0L)
                    .containsEntry(prefix + "-west", 100L);
            whileRunning.accept(actuator);
        }
    }

    /** Every Route 53 call signed with one of the issued temporary keys and carrying its session token. */
    static void assertSignedOnlyWith(List<Route53Zone.SignedRequest> requests, List<TemporaryCredentials> issued) {
        assertThat(requests).as("the actuator called Route 53").isNotEmpty();
        List<String> keys = issued.stream().map(TemporaryCredentials::accessKeyId).toList();
        List<String> tokens = issued.stream().map(TemporaryCredentials::sessionToken).toList();
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.accessKeyId()).as("access key of " + r.method() + " " + r.path()).isIn(keys);
            assertThat(r.sessionToken()).as("session token of " + r.method() + " " + r.path()).isIn(tokens);
        });
    }

    /**
     * The actuator's environment with no credentials but those under test: no static keys, no profile or shared files,
     * no instance metadata, nothing inherited from the machine running the test.
     */
    static Map<String, String> withoutStaticCredentials() {
        Map<String, String> env = stack.env(TestStack.ACTUATOR, Map.of("FAILOVER_DNS_PROVIDER", "route53",
                "FAILOVER_DNS_ROUTE53_ENDPOINT_OVERRIDE", zone.endpoint().toString(), "FAILOVER_INSTANCE_ID",
                "actuator-1",
                "AWS_CONFIG_FILE", secrets.resolve("no-config").toString(), "AWS_SHARED_CREDENTIALS_FILE",
                secrets.resolve("no-credentials").toString(), "AWS_EC2_METADATA_DISABLED", "true"));
        for (String unset : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS")) {
            env.put(unset, ""); // ServiceProcess: an empty value leaves it unset
        }
        return env;
    }

    static Route53Zone.RecordSet set(String record, String target, long weight, String ip) {
        return new Route53Zone.RecordSet(record, "A", target, weight, 5, List.of(ip));
    }

    static String group(String id, String record, String prefix, String eastIp, String westIp) {
        return """
                  - id: %1$s
                    dns: {zone: failover.test., name: %2$s, type: A, ttl: 5, hostedZoneId: %3$s}
                    targets:
                      - id: %4$s-east
                        region: us-east-1
                        probe: {type: tcp, host: 127.0.0.1, port: 9}
                        dns: {values: [%5$s]}
                      - id: %4$s-west
                        region: us-west-2
                        probe: {type: tcp, host: 127.0.0.1, port: 9}
                        dns: {values: [%6$s]}""".formatted(id, record, ZONE_ID, prefix, eastIp, westIp);
    }

    static boolean is(ConsumerRecord<String, String> record, Decision decision, ActuationStatus status) {
        ActuationResult r = CODEC.decode(record.value(), ActuationResult.class);
        return r.decisionId().equals(decision.decisionId()) && r.step() == ActuationStep.RECONCILE
                && r.status() == status;
    }
}
