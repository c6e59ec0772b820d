package dev.failover.actuator.startup;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.failover.actuator.scaling.Scaler.CapacityOutcome;
import dev.failover.actuator.scaling.Scaler.ScaleOutcome;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.actuator.scaling.ScalingSettings;
import dev.failover.actuator.scaling.ScalingSettings.Placed;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.testkit.aws.EcsRegion;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The actuator that owns a group may run in any region (ADR 0005), so each target's capacity is called at its own
 * place. The scalers the producer makes at start, with the real AWS SDK against one ECS API per region (each refuses a
 * request signed for another region, as AWS does), STS for an assumed role, and one fabric8 mock API server per
 * Kubernetes cluster.
 */
class ScalersByPlaceTest {

    static EcsRegion east;
    static EcsRegion west;

    @BeforeAll
    static void start() {
        // the actuator's own credentials, as the default chain finds them (IRSA in production)
        System.setProperty("aws.accessKeyId", "AKIDACTUATOR");
        System.setProperty("aws.secretAccessKey", "secret");
        east = EcsRegion.start("us-east-1", "127.0.0.1", 0);
        west = EcsRegion.start("us-west-2", "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        east.close();
        west.close();
    }

    static ScalingSettings settings(Set<Placed> scalers, Optional<URI> sts,
            Map<String, ScalingSettings.Cluster> clusters) {
        return new ScalingSettings(scalers, new ScalingSettings.Aws(Map.of("us-east-1", east.endpoint(), "us-west-2",
                west.endpoint()), Optional.empty(), sts), clusters, Duration.ofSeconds(5), 0, Optional.empty(),
                Duration.ofSeconds(3));
    }

    static ScalingRef.EcsService ecs(String service, String region, String role) {
        return new ScalingRef.EcsService("prod", service, 4, 1, null, region, role, null);
    }

    @Test
    void eachTargetIsScaledInItsOwnRegion() {
        ScalingRef.EcsService api = ecs("api-west", "us-west-2", null);
        ScalingRef.EcsService other = ecs("api-east", "us-east-1", null);
        Scalers scalers = BackendClients
                .scalers(settings(Set.of(Placed.of(api), Placed.of(other)), Optional.empty(), Map.of()));
        int eastBefore = east.calls().size();

        assertThat(scalers.scaleUp(api)).containsInstanceOf(ScaleOutcome.Requested.class);
        assertThat(scalers.observe(api)).contains(new CapacityOutcome.Observed(4, 4));

        assertThat(west.desiredCount("prod", "api-west")).as("the us-west-2 service, scaled in us-west-2").contains(4);
        assertThat(west.calls()).filteredOn(c -> c.service().equals("api-west"))
                .extracting(EcsRegion.Call::operation, EcsRegion.Call::signedRegion, EcsRegion.Call::accessKeyId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("UpdateService", "us-west-2", "AKIDACTUATOR"),
                        org.assertj.core.groups.Tuple.tuple("DescribeServices", "us-west-2", "AKIDACTUATOR"));
        assertThat(east.calls().subList(eastBefore, east.calls().size())).as("nothing asked of us-east-1").isEmpty();

        assertThat(scalers.scaleDown(other)).containsInstanceOf(ScaleOutcome.Requested.class);
        assertThat(east.desiredCount("prod", "api-east")).as("the us-east-1 service, scaled in us-east-1").contains(1);
    }

    /** With the actuator's lease lapsed, no scaling request reaches the platform; reads still do. */
    @Test
    void aLapsedLeaseAsksNothingOfThePlatform() {
        ScalingRef.EcsService api = ecs("api-lease", "us-west-2", null);
        Scalers scalers = BackendClients.scalers(settings(Set.of(Placed.of(api)), Optional.empty(), Map.of()))
                .leasedBy(() -> Optional.of("this actuator has not heard from its Kafka group coordinator for 4000 ms"),
                        Duration.ofSeconds(5));
        int before = west.calls().size();
        assertThat(scalers.scaleUp(api)).hasValueSatisfying(o -> assertThat(o).isInstanceOfSatisfying(
                ScaleOutcome.Unavailable.class, u -> assertThat(u.reason()).startsWith("not asked: ")
                        .contains("group coordinator")));
        assertThat(scalers.scaleDown(api)).containsInstanceOf(ScaleOutcome.Unavailable.class);
        assertThat(west.calls().subList(before, west.calls().size())).as("requests that reached ECS").isEmpty();
        scalers.observe(api);
        assertThat(west.calls().subList(before, west.calls().size())).extracting(EcsRegion.Call::operation)
                .as("a read still goes through").containsExactly("DescribeServices");
    }

    @Test
    void aTargetInAPlaceWithoutAScalerIsNotScaledElsewhere() {
        ScalingRef.EcsService known = ecs("api", "us-east-1", null);
        Scalers scalers = BackendClients.scalers(settings(Set.of(Placed.of(known)), Optional.empty(), Map.of()));
        assertThat(scalers.scaleUp(ecs("api", "us-west-2", null)))
                .as("no scaler of us-west-2: nothing, not us-east-1's")
                .isEmpty();
        assertThat(scalers.scaleUp(ecs("api", "us-east-1", "arn:aws:iam::123456789012:role/other"))).as("another role")
                .isEmpty();
    }

    /** A target in another account: its role is assumed (STS, with the actuator's own credentials) and its key signs. */
    @Test
    void aRoleOfTheTargetsAccountIsAssumedForItsCalls() {
        WireMockServer sts = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        sts.start();
        try {
            sts.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
                    .willReturn(assumed("ASIADRACCOUNT",
                            java.time.Instant.parse("2099-01-01T00:00:00Z"))));
            String role = "arn:aws:iam::123456789012:role/dr";
            ScalingRef.EcsService api = ecs("api-dr", "us-west-2", role);
            Scalers scalers = BackendClients.scalers(settings(Set.of(Placed.of(api)),
                    Optional.of(URI.create("http://127.0.0.1:" + sts.port())), Map.of()));

            assertThat(scalers.scaleUp(api)).containsInstanceOf(ScaleOutcome.Requested.class);

            assertThat(west.calls()).filteredOn(c -> c.service().equals("api-dr"))
                    .extracting(EcsRegion.Call::accessKeyId)
                    .as("signed with the assumed role's key").containsExactly("ASIADRACCOUNT");
            assertThat(sts.findAll(postRequestedFor(urlEqualTo("/")))).singleElement().satisfies(r -> {
                assertThat(r.getBodyAsString()).contains("RoleArn=" + java.net.URLEncoder.encode(role, "UTF-8"))
                        .contains("RoleSessionName=failover-actuator");
                assertThat(r.getHeader("Authorization")).as("asked with the actuator's own key, in the target's region")
                        .contains("Credential=AKIDACTUATOR/").contains("/us-west-2/sts/aws4_request");
            });
        } finally {
            sts.stop();
        }
    }

    /**
     * An assumed role's credentials are fetched when the scaler is made, so that the first call of a failover does not
     * wait for STS (nor fail on it, if that region's STS is impaired just then).
     */
    @Test
    void anAssumedRoleIsFetchedAtStartOffTheRequestPath() {
        WireMockServer sts = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        sts.start();
        try {
            sts.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
                    .willReturn(assumed("ASIAATSTART",
                            java.time.Instant.parse("2099-01-01T00:00:00Z"))));
            ScalingRef.EcsService api = ecs("api-dr-start", "us-west-2", "arn:aws:iam::123456789012:role/dr");
            Scalers scalers = BackendClients.scalers(settings(Set.of(Placed.of(api)),
                    Optional.of(URI.create("http://127.0.0.1:" + sts.port())), Map.of()));

            await("the role assumed at start, before any call").atMost(Duration.ofSeconds(10))
                    .until(() -> sts.findAll(postRequestedFor(urlEqualTo("/"))).size() == 1);
            assertThat(scalers.scaleUp(api)).containsInstanceOf(ScaleOutcome.Requested.class);
            assertThat(west.calls()).filteredOn(c -> c.service().equals("api-dr-start"))
                    .extracting(EcsRegion.Call::accessKeyId)
                    .as("signed with the assumed role's key").containsExactly("ASIAATSTART");
            assertThat(sts.findAll(postRequestedFor(urlEqualTo("/")))).as("no STS call on the request path").hasSize(1);
        } finally {
            sts.stop();
        }
    }

    /**
     * And renewed in the background before they expire: here with a renewal window of seconds (production: from five
     * minutes to one minute before expiry) and first credentials that expire ten seconds after they are issued.
     */
    @Test
    void anAssumedRoleIsRenewedAheadOfExpiryInTheBackground() {
        WireMockServer sts = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        sts.start();
        try {
            sts.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
                    .willReturn(assumed("ASIASOON",
                            java.time.Instant.now().plusSeconds(10))));
            var credentials = BackendClients.assumedRole("arn:aws:iam::123456789012:role/dr", "us-west-2",
                    Optional.of(URI.create("http://127.0.0.1:" + sts.port())), Duration.ofSeconds(2),
                    software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().build(),
                    new BackendClients.Renewal(Duration.ofSeconds(8), Duration.ofSeconds(2)));
            await("assumed at once").atMost(Duration.ofSeconds(10))
                    .until(() -> sts.findAll(postRequestedFor(urlEqualTo("/"))).size() == 1);
            sts.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
                    .willReturn(assumed("ASIALATER",
                            java.time.Instant.parse("2099-01-01T00:00:00Z"))));

            await("renewed with no call made").atMost(Duration.ofSeconds(15))
                    .until(() -> sts.findAll(postRequestedFor(urlEqualTo("/"))).size() == 2);
            // the fixture records the request before the provider has read the answer: until then it still hands out
            // the first key, which is valid for seconds more (seen in a fresh clone's run on a busy machine)
            await("the renewed key handed out").atMost(Duration.ofSeconds(10))
                    .until(() -> credentials.resolveCredentials().accessKeyId(), "ASIALATER"::equals);
            assertThat(sts.findAll(postRequestedFor(urlEqualTo("/")))).as("the call used what the renewal fetched")
                    .hasSize(2);
        } finally {
            sts.stop();
        }
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder assumed(String keyId,
            java.time.Instant expiration) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("""
                <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
                <Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>s3cret</SecretAccessKey>
                <SessionToken>token</SessionToken><Expiration>%s</Expiration></Credentials>
                <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/dr/failover-actuator</Arn>
                <AssumedRoleId>AROAEXAMPLE:failover-actuator</AssumedRoleId></AssumedRoleUser>
                </AssumeRoleResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></AssumeRoleResponse>
                """.formatted(keyId, expiration));
    }

    /** One API server per cluster, each with its own token; a Deployment in one cluster is never looked for in the other. */
    @Test
    void eachDeploymentIsScaledInItsOwnCluster(@TempDir Path dir) throws IOException, InterruptedException {
        KubernetesMockServer primary = new KubernetesMockServer(false);
        KubernetesMockServer dr = new KubernetesMockServer(false);
        primary.init();
        dr.init();
        try {
            String path = "/apis/apps/v1/namespaces/prod/deployments/api";
            dr.expect().get().withPath(path).andReturn(200, new DeploymentBuilder().withNewMetadata().withName("api")
                    .withNamespace("prod").endMetadata().withNewSpec().withReplicas(3).endSpec().withNewStatus()
                    .withReadyReplicas(2).endStatus().build()).always();
            Path primaryToken = Files.writeString(dir.resolve("primary"), "primary-token\n");
            Path drToken = Files.writeString(dir.resolve("dr"), "dr-token\n");
            Map<String, ScalingSettings.Cluster> clusters = Map.of(
                    "us-east-1",
                    new ScalingSettings.Cluster.ApiServer(URI.create(primary.url("/")), primaryToken, Optional.empty()),
                    "us-west-2",
                    new ScalingSettings.Cluster.ApiServer(URI.create(dr.url("/")), drToken, Optional.empty()));
            ScalingRef.KubernetesDeployment inDr = new ScalingRef.KubernetesDeployment("prod", "api", 3, 1, null,
                    "us-west-2", null);
            ScalingRef.KubernetesDeployment inPrimary = new ScalingRef.KubernetesDeployment("prod", "api", 3, 1, null,
                    "us-east-1", null);
            Scalers scalers = BackendClients
                    .scalers(settings(Set.of(Placed.of(inDr), Placed.of(inPrimary)), Optional.empty(),
                            clusters));
            int primaryBefore = primary.getRequestCount();

            assertThat(scalers.observe(inDr)).contains(new CapacityOutcome.Observed(3, 2));

            RecordedRequest read = dr.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(read.getPath()).isEqualTo(path);
            assertThat(read.getHeader("Authorization")).as("the dr cluster's own token").isEqualTo("Bearer dr-token");
            assertThat(primary.getRequestCount()).as("nothing asked of the primary's cluster").isEqualTo(primaryBefore);
            assertThat(List.of(inDr.place(), inPrimary.place())).doesNotHaveDuplicates();
        } finally {
            primary.destroy();
            dr.destroy();
        }
    }
}
