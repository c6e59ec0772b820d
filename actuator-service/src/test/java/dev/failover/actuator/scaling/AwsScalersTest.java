package dev.failover.actuator.scaling;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.failover.actuator.scaling.Scaler.CapacityOutcome;
import dev.failover.actuator.scaling.Scaler.ScaleOutcome;
import dev.failover.contract.topology.ScalingRef;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * ECS and Auto Scaling scalers with the real SDK against a local fixture that checks the bodies sent and answers as AWS
 * documents it: ECS speaks JSON 1.1 (X-Amz-Target, {@code __type} errors), Auto Scaling the query protocol (form
 * bodies, XML answers and {@code ErrorResponse}s). The clients do not retry, as in production: the reconciler does.
 */
public class AwsScalersTest {

    static final String ASG_XMLNS = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

    static WireMockServer aws;
    static EcsClient ecs;
    static AutoScalingClient autoscaling;

    @BeforeAll
    static void start() {
        aws = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        aws.start();
        URI endpoint = URI.create("http://127.0.0.1:" + aws.port());
        ecs = client(EcsClient.builder(), endpoint).build();
        autoscaling = client(AutoScalingClient.builder(), endpoint).build();
    }

    public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B client(B builder, URI endpoint) {
        builder.endpointOverride(endpoint).region(Region.US_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .overrideConfiguration(
                        c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(5)));
        builder.httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)).build());
        return builder;
    }

    @AfterAll
    static void stop() {
        ecs.close();
        autoscaling.close();
        aws.stop();
    }

    @BeforeEach
    void reset() {
        aws.resetAll();
    }

    // ---------------------------------------------------------------- ECS

    static ScalingRef.EcsService ecsRef() {
        return new ScalingRef.EcsService("prod", "api", 6, 1, null, null, null, null);
    }

    static String ecsTarget(String operation) {
        return "AmazonEC2ContainerServiceV20141113." + operation;
    }

    static void ecsAnswers(String operation, int status, String body) {
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(ecsTarget(operation)))
                .withHeader("Content-Type", containing("application/x-amz-json-1.1"))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(body)));
    }

    static String ecsService(String status, int desired, int running) {
        return "{\"services\":[{\"serviceArn\":\"arn:aws:ecs:us-west-2:111122223333:service/prod/api\",\"serviceName\":\"api\","
                + "\"clusterArn\":\"arn:aws:ecs:us-west-2:111122223333:cluster/prod\",\"status\":\"" + status + "\","
                + "\"desiredCount\":" + desired + ",\"runningCount\":" + running + ",\"pendingCount\":"
                + (desired - running)
                + ",\"launchType\":\"FARGATE\"}],\"failures\":[]}";
    }

    static List<JsonNode> ecsRequests(String operation) {
        return aws.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(ecsTarget(operation))))
                .stream()
                .map(r -> {
                    try {
                        return new ObjectMapper().readTree(r.getBodyAsString());
                    } catch (IOException e) {
                        throw new AssertionError("not JSON: " + r.getBodyAsString(), e);
                    }
                }).toList();
    }

    @Test
    void ecsObservesDesiredCountAndRunningTasks() {
        ecsAnswers("DescribeServices", 200, ecsService("ACTIVE", 6, 2));

        assertThat(new EcsScaler(ecs).observe(ecsRef())).as("desiredCount and runningCount as the service reports them")
                .isEqualTo(new CapacityOutcome.Observed(6, 2));

        List<JsonNode> describe = ecsRequests("DescribeServices");
        assertThat(describe).as("one DescribeServices").hasSize(1);
        assertThat(describe.get(0).get("cluster").asText()).as("cluster asked for").isEqualTo("prod");
        assertThat(describe.get(0).get("services").toString()).as("services asked for").isEqualTo("[\"api\"]");
    }

    @Test
    void aMissingOrDeletedEcsServiceIsRejected() {
        ecsAnswers("DescribeServices", 200, "{\"services\":[],\"failures\":[{\"arn\":"
                + "\"arn:aws:ecs:us-west-2:111122223333:service/prod/api\",\"reason\":\"MISSING\"}]}");
        assertThat(new EcsScaler(ecs).observe(ecsRef())).as("ECS reports the service MISSING")
                .isInstanceOfSatisfying(CapacityOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("MISSING"));

        ecsAnswers("DescribeServices", 200, ecsService("INACTIVE", 0, 0));
        assertThat(new EcsScaler(ecs).observe(ecsRef())).as("a deleted service cannot run tasks")
                .isInstanceOfSatisfying(CapacityOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("INACTIVE"));

        ecsAnswers("DescribeServices", 400,
                "{\"__type\":\"ClusterNotFoundException\",\"message\":\"Cluster not found.\"}");
        assertThat(new EcsScaler(ecs).observe(ecsRef())).as("no such cluster")
                .isInstanceOfSatisfying(CapacityOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("Cluster not found"));

        ecsAnswers("UpdateService", 400,
                "{\"__type\":\"ServiceNotFoundException\",\"message\":\"Service not found.\"}");
        assertThat(new EcsScaler(ecs).scaleUp(ecsRef())).as("UpdateService of a service that does not exist")
                .isInstanceOfSatisfying(ScaleOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("ServiceNotFoundException"));
    }

    @Test
    void ecsScaleUpAsksForTheActiveSizeAndDoesNotWait() {
        ecsAnswers("UpdateService", 200,
                "{\"service\":{\"serviceName\":\"api\",\"desiredCount\":6,\"runningCount\":1}}");

        assertThat(new EcsScaler(ecs).scaleUp(ecsRef())).as("the write is accepted")
                .isInstanceOfSatisfying(ScaleOutcome.Requested.class,
                        r -> assertThat(r.details()).contains("desiredCount 6"));

        List<JsonNode> update = ecsRequests("UpdateService");
        assertThat(update).as("one UpdateService").hasSize(1);
        assertThat(update.get(0).get("cluster").asText()).as("cluster").isEqualTo("prod");
        assertThat(update.get(0).get("service").asText()).as("service").isEqualTo("api");
        assertThat(update.get(0).get("desiredCount").asInt()).as("desiredCount = activeSize").isEqualTo(6);
        assertThat(aws.findAll(anyRequestedFor(anyUrl())))
                .as("nothing but the write: readiness is the reconciler's to poll")
                .hasSize(1);
    }

    @Test
    void ecsScaleDownAsksForThePilotLightSizeOrZero() {
        ecsAnswers("UpdateService", 200, "{\"service\":{\"serviceName\":\"api\",\"desiredCount\":1}}");

        assertThat(new EcsScaler(ecs).scaleDown(ecsRef())).as("the write is accepted")
                .isInstanceOf(ScaleOutcome.Requested.class);
        assertThat(
                new EcsScaler(ecs).scaleDown(new ScalingRef.EcsService("prod", "api", 6, null, null, null, null, null)))
                .as("no pilot-light size: down to zero").isInstanceOf(ScaleOutcome.Requested.class);

        assertThat(ecsRequests("UpdateService")).extracting(b -> b.get("desiredCount").asInt())
                .as("desiredCount = pilotLightSize, then 0 without one").containsExactly(1, 0);
    }

    @Test
    void ecsThrottlingAndServerErrorsPassAccessDeniedIsRejected() {
        ecsAnswers("UpdateService", 400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
        assertThat(new EcsScaler(ecs).scaleUp(ecsRef())).as("throttled: try again later")
                .isInstanceOfSatisfying(ScaleOutcome.Unavailable.class,
                        u -> assertThat(u.reason()).contains("Rate exceeded"));

        ecsAnswers("DescribeServices", 500, "{\"__type\":\"ServerException\",\"message\":\"Service unavailable\"}");
        assertThat(new EcsScaler(ecs).observe(ecsRef())).as("a 5xx: try again later")
                .isInstanceOfSatisfying(CapacityOutcome.Unavailable.class,
                        u -> assertThat(u.reason()).contains("ServerException"));

        ecsAnswers("UpdateService", 400,
                "{\"__type\":\"AccessDeniedException\",\"message\":\"User: arn:aws:sts::111122223333:"
                        + "assumed-role/failover-actuator/i is not authorized to perform: ecs:UpdateService\"}");
        assertThat(new EcsScaler(ecs).scaleUp(ecsRef())).as("access denied: refused for good")
                .isInstanceOfSatisfying(ScaleOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("ecs:UpdateService"));

        ecsAnswers("DescribeServices", 400,
                "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized to perform:"
                        + " ecs:DescribeServices\"}");
        assertThat(new EcsScaler(ecs).observe(ecsRef())).as("access denied on the read: refused for good")
                .isInstanceOfSatisfying(CapacityOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("ecs:DescribeServices"));
    }

    // ---------------------------------------------------------------- Auto Scaling

    static ScalingRef.AutoScalingGroup asgRef() {
        return new ScalingRef.AutoScalingGroup("api-asg", 4, 1, null, null, null, null);
    }

    static final String ASG_UPDATED = "<UpdateAutoScalingGroupResponse xmlns=\"" + ASG_XMLNS + "\"><ResponseMetadata>"
            + "<RequestId>8d798a29-f083-11e1-bdfb-cb223EXAMPLE</RequestId></ResponseMetadata></UpdateAutoScalingGroupResponse>";

    static void asgAnswers(String action, int status, String body) {
        aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=" + action))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(body)));
    }

    static String asgError(String type, String code, String message) {
        return "<ErrorResponse xmlns=\"" + ASG_XMLNS + "\"><Error><Type>" + type + "</Type><Code>" + code
                + "</Code><Message>"
                + message + "</Message></Error><RequestId>f0a3c9b1-EXAMPLE</RequestId></ErrorResponse>";
    }

    /** @param states each instance's LifecycleState and HealthStatus, e.g. "InService/Healthy" */
    static String asgGroup(int max, int desired, boolean mixed, String... states) {
        StringBuilder instances = new StringBuilder();
        for (int i = 0; i < states.length; i++) {
            String[] state = states[i].split("/");
            instances.append("<member><InstanceId>i-0").append(i)
                    .append("</InstanceId><InstanceType>m6i.large</InstanceType>")
                    .append("<AvailabilityZone>us-west-2a</AvailabilityZone><LifecycleState>").append(state[0])
                    .append("</LifecycleState><HealthStatus>").append(state[1]).append("</HealthStatus>")
                    .append("<ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>");
        }
        String policy = !mixed
                ? "<LaunchTemplate><LaunchTemplateName>api</LaunchTemplateName><Version>$Latest</Version></LaunchTemplate>"
                : "<MixedInstancesPolicy><InstancesDistribution><OnDemandBaseCapacity>0</OnDemandBaseCapacity>"
                        + "<OnDemandPercentageAboveBaseCapacity>0</OnDemandPercentageAboveBaseCapacity>"
                        + "<SpotAllocationStrategy>price-capacity-optimized</SpotAllocationStrategy></InstancesDistribution>"
                        + "</MixedInstancesPolicy>";
        return "<DescribeAutoScalingGroupsResponse xmlns=\"" + ASG_XMLNS
                + "\"><DescribeAutoScalingGroupsResult><AutoScalingGroups>"
                + "<member><AutoScalingGroupName>api-asg</AutoScalingGroupName>"
                + "<AutoScalingGroupARN>arn:aws:autoscaling:us-west-2:111122223333:autoScalingGroup:1:autoScalingGroupName/api-asg"
                + "</AutoScalingGroupARN><MinSize>" + Math.min(1, desired) + "</MinSize><MaxSize>" + max + "</MaxSize>"
                + "<DesiredCapacity>" + desired + "</DesiredCapacity>" + policy + "<Instances>" + instances
                + "</Instances>"
                + "<HealthCheckType>EC2</HealthCheckType></member></AutoScalingGroups></DescribeAutoScalingGroupsResult>"
                + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>";
    }

    static final String NO_GROUP = "<DescribeAutoScalingGroupsResponse xmlns=\"" + ASG_XMLNS
            + "\"><DescribeAutoScalingGroupsResult>"
            + "<AutoScalingGroups/></DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
            + "</DescribeAutoScalingGroupsResponse>";

    static List<Map<String, String>> asgRequests(String action) {
        return aws.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action))).stream()
                .map(LoggedRequest::getBodyAsString).map(AwsScalersTest::form).toList();
    }

    public static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
                p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    @Test
    void anAutoScalingGroupIsObservedAsDesiredCapacityAndHealthyInServiceInstances() {
        asgAnswers("DescribeAutoScalingGroups", 200, asgGroup(4, 4, true, "InService/Healthy", "InService/Unhealthy",
                "Pending/Healthy", "InService/Healthy"));

        assertThat(new AutoScalingGroupScaler(autoscaling, 0).observe(asgRef()))
                .as("desired 4; ready: the two InService and Healthy, not the unhealthy nor the pending one")
                .isEqualTo(new CapacityOutcome.Observed(4, 2));

        List<Map<String, String>> describe = asgRequests("DescribeAutoScalingGroups");
        assertThat(describe).as("one DescribeAutoScalingGroups").hasSize(1);
        assertThat(describe.get(0)).as("query-protocol request for the group by name")
                .containsEntry("Version", "2011-01-01").containsEntry("AutoScalingGroupNames.member.1", "api-asg");
    }

    @Test
    void aMixedGroupIsSizedUpAndSwitchedToOnDemandWithoutWaiting() {
        asgAnswers("DescribeAutoScalingGroups", 200, asgGroup(3, 1, true, "InService/Healthy"));
        asgAnswers("UpdateAutoScalingGroup", 200, ASG_UPDATED);

        assertThat(new AutoScalingGroupScaler(autoscaling, 0).scaleUp(asgRef())).as("the write is accepted")
                .isInstanceOfSatisfying(ScaleOutcome.Requested.class,
                        r -> assertThat(r.details()).contains("100 % on-demand"));

        List<Map<String, String>> update = asgRequests("UpdateAutoScalingGroup");
        assertThat(update).as("one UpdateAutoScalingGroup").hasSize(1);
        assertThat(update.get(0)).as("min = desired = active size, max raised from 3, all on demand above base")
                .containsEntry("AutoScalingGroupName", "api-asg").containsEntry("MinSize", "4")
                .containsEntry("DesiredCapacity", "4")
                .containsEntry("MaxSize", "4")
                .containsEntry("MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity", "100");
        assertThat(asgRequests("DescribeAutoScalingGroups")).as("one read to build the write; no polling").hasSize(1);
    }

    @Test
    void aGroupWithoutMixedPolicyKeepsItsLargerMaximumAndGetsNoPolicy() {
        asgAnswers("DescribeAutoScalingGroups", 200, asgGroup(10, 1, false, "InService/Healthy"));
        asgAnswers("UpdateAutoScalingGroup", 200, ASG_UPDATED);

        assertThat(new AutoScalingGroupScaler(autoscaling, 0).scaleUp(asgRef()))
                .isInstanceOf(ScaleOutcome.Requested.class);

        Map<String, String> update = asgRequests("UpdateAutoScalingGroup").get(0);
        assertThat(update).as("max stays 10").containsEntry("MinSize", "4").containsEntry("DesiredCapacity", "4")
                .containsEntry("MaxSize", "10");
        assertThat(update.keySet()).as("no mixed instances policy sent to a group that has none")
                .noneMatch(k -> k.startsWith("MixedInstancesPolicy"));
    }

    @Test
    void afterAFailbackTheGroupReturnsToPilotLightAndItsSpotMix() {
        asgAnswers("DescribeAutoScalingGroups", 200, asgGroup(4, 4, true, "InService/Healthy", "InService/Healthy",
                "InService/Healthy", "InService/Healthy"));
        asgAnswers("UpdateAutoScalingGroup", 200, ASG_UPDATED);

        assertThat(new AutoScalingGroupScaler(autoscaling, 20).scaleDown(asgRef())).as("the write is accepted")
                .isInstanceOf(ScaleOutcome.Requested.class);

        Map<String, String> update = asgRequests("UpdateAutoScalingGroup").get(0);
        assertThat(update).as("min = desired = pilot-light size, the configured on-demand share")
                .containsEntry("MinSize", "1").containsEntry("DesiredCapacity", "1")
                .containsEntry("MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity", "20")
                .doesNotContainKey("MaxSize");
    }

    @Test
    void aMissingGroupIsRejectedAndNothingIsWritten() {
        asgAnswers("DescribeAutoScalingGroups", 200, NO_GROUP);
        asgAnswers("UpdateAutoScalingGroup", 200, ASG_UPDATED);

        assertThat(new AutoScalingGroupScaler(autoscaling, 0).observe(asgRef())).as("no such group")
                .isInstanceOfSatisfying(CapacityOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("api-asg not found"));
        assertThat(new AutoScalingGroupScaler(autoscaling, 0).scaleUp(asgRef())).as("no such group to scale up")
                .isInstanceOf(ScaleOutcome.Rejected.class);
        assertThat(new AutoScalingGroupScaler(autoscaling, 0).scaleDown(asgRef())).as("no such group to scale down")
                .isInstanceOf(ScaleOutcome.Rejected.class);
        assertThat(asgRequests("UpdateAutoScalingGroup")).as("nothing written").isEmpty();
    }

    @Test
    void autoScalingThrottlingAndActivityInProgressPassAccessDeniedAndValidationAreRejected() {
        asgAnswers("DescribeAutoScalingGroups", 400, asgError("Sender", "Throttling", "Rate exceeded"));
        assertThat(new AutoScalingGroupScaler(autoscaling, 0).observe(asgRef())).as("throttled read: try again later")
                .isInstanceOfSatisfying(CapacityOutcome.Unavailable.class,
                        u -> assertThat(u.reason()).contains("Rate exceeded"));
        assertThat(new AutoScalingGroupScaler(autoscaling, 0).scaleUp(asgRef()))
                .as("throttled before the write: try again later")
                .isInstanceOf(ScaleOutcome.Unavailable.class);

        asgAnswers("DescribeAutoScalingGroups", 200, asgGroup(4, 1, true, "InService/Healthy"));
        asgAnswers("UpdateAutoScalingGroup", 400, asgError("Sender", "ScalingActivityInProgress",
                "Scaling activity 6c5a2f1e is in progress and blocks this action."));
        assertThat(new AutoScalingGroupScaler(autoscaling, 0).scaleUp(asgRef()))
                .as("an activity in progress: try again later")
                .isInstanceOf(ScaleOutcome.Unavailable.class);

        asgAnswers("UpdateAutoScalingGroup", 403, asgError("Sender", "AccessDenied", "User: arn:aws:sts::111122223333:"
                + "assumed-role/failover-actuator/i is not authorized to perform: autoscaling:UpdateAutoScalingGroup"));
        assertThat(new AutoScalingGroupScaler(autoscaling, 0).scaleUp(asgRef())).as("access denied: refused for good")
                .isInstanceOfSatisfying(ScaleOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("AccessDenied")
                                .contains("autoscaling:UpdateAutoScalingGroup"));

        asgAnswers("UpdateAutoScalingGroup", 400, asgError("Sender", "ValidationError",
                "Desired capacity:4 must be between the specified min size:4 and max size:3"));
        assertThat(new AutoScalingGroupScaler(autoscaling, 0).scaleDown(asgRef()))
                .as("a validation error: refused for good")
                .isInstanceOfSatisfying(ScaleOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("ValidationError"));

        asgAnswers("DescribeAutoScalingGroups", 503,
                asgError("Receiver", "ServiceUnavailable", "Service is unavailable"));
        assertThat(new AutoScalingGroupScaler(autoscaling, 0).observe(asgRef())).as("a 5xx: try again later")
                .isInstanceOf(CapacityOutcome.Unavailable.class);
    }

    // ---------------------------------------------------------------- no answer

    @Test
    void anUnreachableEndpointIsUnavailable() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closed);
        try (EcsClient deadEcs = client(EcsClient.builder(), nowhere).build();
                AutoScalingClient deadAsg = client(AutoScalingClient.builder(), nowhere).build()) {
            assertThat(new EcsScaler(deadEcs).observe(ecsRef())).as("ECS read without an answer")
                    .isInstanceOf(CapacityOutcome.Unavailable.class);
            assertThat(new EcsScaler(deadEcs).scaleUp(ecsRef())).as("ECS write without an answer")
                    .isInstanceOf(ScaleOutcome.Unavailable.class);
            assertThat(new AutoScalingGroupScaler(deadAsg, 0).observe(asgRef()))
                    .as("Auto Scaling read without an answer")
                    .isInstanceOf(CapacityOutcome.Unavailable.class);
            assertThat(new AutoScalingGroupScaler(deadAsg, 0).scaleDown(asgRef()))
                    .as("Auto Scaling write without an answer")
                    .isInstanceOf(ScaleOutcome.Unavailable.class);
        }
    }
}
