package dev.failover.actuator.scaling;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.failover.contract.topology.ScalingRef;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ecs.EcsClient;

/** ECS and Auto Scaling scalers with the real SDK against a local fixture that checks the JSON and form bodies sent. */
class AwsScalersTest {

    static WireMockServer aws;
    static EcsClient ecs;
    static AutoScalingClient autoscaling;

    @BeforeAll
    static void start() {
        aws = new WireMockServer(options().dynamicPort());
        aws.start();
        URI endpoint = URI.create("http://127.0.0.1:" + aws.port());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
        ecs = EcsClient.builder().endpointOverride(endpoint).region(Region.US_WEST_2).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.builder().build()).build();
        autoscaling = AutoScalingClient.builder().endpointOverride(endpoint).region(Region.US_WEST_2).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.builder().build()).build();
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

    static ScalingRef.EcsService ecsRef(int timeoutSeconds) {
        return new ScalingRef.EcsService("prod", "api", 6, 1, timeoutSeconds);
    }

    static String ecsTarget(String operation) {
        return "AmazonEC2ContainerServiceV20141113." + operation;
    }

    static String describeServices(int running) {
        return "{\"services\":[{\"serviceName\":\"api\",\"clusterArn\":\"arn:aws:ecs:us-west-2:1:cluster/prod\",\"desiredCount\":6,"
                + "\"runningCount\":" + running + ",\"status\":\"ACTIVE\"}],\"failures\":[]}";
    }

    @Test
    void ecsUpdatesDesiredCountAndWaitsForRunningTasks() throws Exception {
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(ecsTarget("UpdateService")))
                .willReturn(aResponse().withStatus(200).withBody("{\"service\":{\"serviceName\":\"api\",\"desiredCount\":6}}")));
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(ecsTarget("DescribeServices"))).inScenario("tasks")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("up")
                .willReturn(aResponse().withStatus(200).withBody(describeServices(2))));
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(ecsTarget("DescribeServices"))).inScenario("tasks")
                .whenScenarioStateIs("up").willReturn(aResponse().withStatus(200).withBody(describeServices(6))));

        Scaler.ScaleOutcome outcome = new EcsScaler(ecs, Duration.ofMillis(20)).scaleUp(ecsRef(10));
        assertThat(outcome).isInstanceOfSatisfying(Scaler.ScaleOutcome.Ready.class,
                r -> assertThat(r.details()).contains("6 of 6 ready"));
        JsonNode update = new ObjectMapper().readTree(aws.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo(ecsTarget("UpdateService")))).get(0).getBodyAsString());
        assertThat(update.get("cluster").asText()).isEqualTo("prod");
        assertThat(update.get("service").asText()).isEqualTo("api");
        assertThat(update.get("desiredCount").asInt()).isEqualTo(6);
    }

    @Test
    void ecsThatNeverGetsEnoughTasksIsNotReady() {
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(ecsTarget("UpdateService")))
                .willReturn(aResponse().withStatus(200).withBody("{\"service\":{}}")));
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(ecsTarget("DescribeServices")))
                .willReturn(aResponse().withStatus(200).withBody(describeServices(1))));
        assertThat(new EcsScaler(ecs, Duration.ofMillis(50)).scaleUp(ecsRef(1)))
                .isInstanceOfSatisfying(Scaler.ScaleOutcome.NotReady.class, n -> assertThat(n.reason()).contains("1 of 6 ready"));
    }

    static String asgDescribe(int inService) {
        StringBuilder instances = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            instances.append("<member><InstanceId>i-").append(i).append("</InstanceId><AvailabilityZone>us-west-2a</AvailabilityZone>")
                    .append("<LifecycleState>").append(i < inService ? "InService" : "Pending").append("</LifecycleState>")
                    .append("<HealthStatus>Healthy</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>");
        }
        return "<DescribeAutoScalingGroupsResponse xmlns=\"http://autoscaling.amazonaws.com/doc/2011-01-01/\">"
                + "<DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>api-asg</AutoScalingGroupName>"
                + "<MinSize>0</MinSize><MaxSize>3</MaxSize><DesiredCapacity>1</DesiredCapacity>"
                + "<MixedInstancesPolicy><InstancesDistribution><OnDemandBaseCapacity>0</OnDemandBaseCapacity>"
                + "<OnDemandPercentageAboveBaseCapacity>0</OnDemandPercentageAboveBaseCapacity></InstancesDistribution>"
                + "</MixedInstancesPolicy><Instances>" + instances + "</Instances></member></AutoScalingGroups>"
                + "</DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
                + "</DescribeAutoScalingGroupsResponse>";
    }

    @Test
    void anAutoScalingGroupIsSizedUpSwitchedToOnDemandAndAwaitedInService() {
        aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=UpdateAutoScalingGroup"))
                .willReturn(aResponse().withStatus(200).withBody("<UpdateAutoScalingGroupResponse "
                        + "xmlns=\"http://autoscaling.amazonaws.com/doc/2011-01-01/\"><ResponseMetadata><RequestId>r</RequestId>"
                        + "</ResponseMetadata></UpdateAutoScalingGroupResponse>")));
        aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=DescribeAutoScalingGroups")).inScenario("boot")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(aResponse().withStatus(200).withBody(asgDescribe(1))));
        aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=DescribeAutoScalingGroups")).inScenario("boot")
                .whenScenarioStateIs("second").willSetStateTo("third")
                .willReturn(aResponse().withStatus(200).withBody(asgDescribe(2))));
        aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=DescribeAutoScalingGroups")).inScenario("boot")
                .whenScenarioStateIs("third").willReturn(aResponse().withStatus(200).withBody(asgDescribe(4))));

        ScalingRef.AutoScalingGroup ref = new ScalingRef.AutoScalingGroup("api-asg", 4, 1, 10);
        assertThat(new AutoScalingGroupScaler(autoscaling, Duration.ofMillis(20), 0).scaleUp(ref))
                .isInstanceOf(Scaler.ScaleOutcome.Ready.class);

        String body = aws.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=UpdateAutoScalingGroup")))
                .get(0).getBodyAsString();
        Map<String, String> form = Arrays.stream(body.split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
        assertThat(form).containsEntry("AutoScalingGroupName", "api-asg").containsEntry("MinSize", "4")
                .containsEntry("DesiredCapacity", "4").containsEntry("MaxSize", "4")
                .containsEntry("MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity", "100");
    }

    @Test
    void afterAFailbackTheGroupReturnsToPilotLightAndItsSpotMix() {
        aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=UpdateAutoScalingGroup"))
                .willReturn(aResponse().withStatus(200).withBody("<UpdateAutoScalingGroupResponse "
                        + "xmlns=\"http://autoscaling.amazonaws.com/doc/2011-01-01/\"><ResponseMetadata><RequestId>r</RequestId>"
                        + "</ResponseMetadata></UpdateAutoScalingGroupResponse>")));
        aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=DescribeAutoScalingGroups"))
                .willReturn(aResponse().withStatus(200).withBody(asgDescribe(4))));
        ScalingRef.AutoScalingGroup ref = new ScalingRef.AutoScalingGroup("api-asg", 4, 1, 10);
        assertThat(new AutoScalingGroupScaler(autoscaling, Duration.ofMillis(20), 20).scaleDown(ref))
                .isInstanceOf(Scaler.ScaleOutcome.Ready.class);
        String body = aws.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=UpdateAutoScalingGroup")))
                .get(0).getBodyAsString();
        assertThat(body).contains("MinSize=1").contains("DesiredCapacity=1")
                .contains("MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity=20");
    }

    @Test
    void ecsThrottlingIsWorthRetryingAndAccessDeniedIsNot() {
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(ecsTarget("UpdateService")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")));
        assertThat(new EcsScaler(ecs, Duration.ofMillis(10)).scaleUp(ecsRef(1))).isInstanceOfSatisfying(
                Scaler.ScaleOutcome.Unavailable.class, u -> assertThat(u.reason()).contains("Rate exceeded"));
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(ecsTarget("UpdateService")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized to perform: ecs:UpdateService\"}")));
        assertThat(new EcsScaler(ecs, Duration.ofMillis(10)).scaleUp(ecsRef(1))).isInstanceOfSatisfying(
                Scaler.ScaleOutcome.NotReady.class, n -> assertThat(n.reason()).contains("ecs:UpdateService"));
    }
}
