package dev.failover.actuator.scaling;

import static dev.failover.actuator.scaling.AwsScalersTest.ASG_UPDATED;
import static dev.failover.actuator.scaling.AwsScalersTest.NO_GROUP;
import static dev.failover.actuator.scaling.AwsScalersTest.asgAnswers;
import static dev.failover.actuator.scaling.AwsScalersTest.asgError;
import static dev.failover.actuator.scaling.AwsScalersTest.asgGroup;
import static dev.failover.actuator.scaling.AwsScalersTest.asgRequests;
import static dev.failover.actuator.scaling.AwsScalersTest.ecsAnswers;
import static dev.failover.actuator.scaling.KubernetesScalerTest.DEPLOYMENT_PATH;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

import dev.failover.contract.topology.ScalingRef;
import dev.failover.testkit.aws.EcsRegion;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * {@link ScalerContract} for each capacity backend, with the fixtures of its own test: ECS through the real SDK against
 * {@link EcsRegion} (services with state) and, for the API's refusals and failures, the stubs of {@link AwsScalersTest};
 * EC2 Auto Scaling through the real SDK against those stubs, the group described as the last UpdateAutoScalingGroup left
 * it; Kubernetes through fabric8 against its mock API server in CRUD mode, with and without a HorizontalPodAutoscaler.
 */
class ScalerContractTest {

    @BeforeAll
    static void start() {
        AwsScalersTest.start();
    }

    @AfterAll
    static void stop() {
        AwsScalersTest.stop();
    }

    @Nested
    class Ecs extends ScalerContract<ScalingRef.EcsService> {

        EcsRegion region;
        EcsClient client;

        @BeforeEach
        void start() {
            AwsScalersTest.aws.resetAll();
            region = EcsRegion.start("us-west-2", "127.0.0.1", 0);
            client = AwsScalersTest.client(EcsClient.builder(), region.endpoint()).build();
        }

        @AfterEach
        void stop() {
            client.close();
            region.close();
        }

        @Override
        Scaler<ScalingRef.EcsService> scaler() {
            return new EcsScaler(client);
        }

        /** At its pilot-light size in {@link EcsRegion}, which starts a service it is first asked about at 1. */
        @Override
        ScalingRef.EcsService target() {
            return AwsScalersTest.ecsRef();
        }

        @Override
        Scaler<ScalingRef.EcsService> answering(Fault fault) {
            switch (fault) {
                case THROTTLED -> everyOperation(400,
                        "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
                case SERVER_ERROR -> everyOperation(500,
                        "{\"__type\":\"ServerException\",\"message\":\"Service unavailable\"}");
                case DENIED -> everyOperation(400, "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized"
                        + " to perform this operation\"}");
                case MISSING -> {
                    // ECS answers 200 with a failure per service it does not know, and UpdateService an exception
                    ecsAnswers("DescribeServices", 200, "{\"services\":[],\"failures\":[{\"arn\":"
                            + "\"arn:aws:ecs:us-west-2:111122223333:service/prod/api\",\"reason\":\"MISSING\"}]}");
                    ecsAnswers("UpdateService", 400,
                            "{\"__type\":\"ServiceNotFoundException\",\"message\":\"Service not found.\"}");
                }
            }
            return new EcsScaler(AwsScalersTest.ecs);
        }

        private static void everyOperation(int status, String body) {
            ecsAnswers("DescribeServices", status, body);
            ecsAnswers("UpdateService", status, body);
        }
    }

    @Nested
    class AutoScaling extends ScalerContract<ScalingRef.AutoScalingGroup> {

        @BeforeEach
        void reset() {
            AwsScalersTest.aws.resetAll();
        }

        @Override
        Scaler<ScalingRef.AutoScalingGroup> scaler() {
            return new AsWritten(new AutoScalingGroupScaler(AwsScalersTest.autoscaling, 0));
        }

        @Override
        ScalingRef.AutoScalingGroup target() {
            return AwsScalersTest.asgRef();
        }

        @Override
        Scaler<ScalingRef.AutoScalingGroup> answering(Fault fault) {
            switch (fault) {
                case THROTTLED -> everyAction(400, asgError("Sender", "Throttling", "Rate exceeded"));
                case SERVER_ERROR -> everyAction(503,
                        asgError("Receiver", "ServiceUnavailable", "Service is unavailable"));
                case DENIED -> everyAction(403, asgError("Sender", "AccessDenied", "User: arn:aws:sts::111122223333:"
                        + "assumed-role/failover-actuator/i is not authorized to perform this action"));
                case MISSING -> {
                    // DescribeAutoScalingGroups answers an empty list for a name it does not know
                    asgAnswers("DescribeAutoScalingGroups", 200, NO_GROUP);
                    asgAnswers("UpdateAutoScalingGroup", 400,
                            asgError("Sender", "ValidationError", "AutoScalingGroup name not found - api-asg"));
                }
            }
            return new AutoScalingGroupScaler(AwsScalersTest.autoscaling, 0);
        }

        private static void everyAction(int status, String body) {
            asgAnswers("DescribeAutoScalingGroups", status, body);
            asgAnswers("UpdateAutoScalingGroup", status, body);
        }
    }

    /**
     * The scaler, its group described before each call as the UpdateAutoScalingGroups sent so far left it (from the
     * pilot-light size and a maximum below the active size), its instances all InService and Healthy: the stubs of
     * {@link AwsScalersTest} answer, and keep no state of their own.
     */
    static final class AsWritten implements Scaler<ScalingRef.AutoScalingGroup> {

        private final AutoScalingGroupScaler scaler;

        AsWritten(AutoScalingGroupScaler scaler) {
            this.scaler = scaler;
        }

        @Override
        public ScalingRef.Kind kind() {
            return scaler.kind();
        }

        @Override
        public CapacityOutcome observe(ScalingRef.AutoScalingGroup ref) {
            describeAsWritten(ref);
            return scaler.observe(ref);
        }

        @Override
        public ScaleOutcome scaleUp(ScalingRef.AutoScalingGroup ref) {
            describeAsWritten(ref);
            return scaler.scaleUp(ref);
        }

        @Override
        public ScaleOutcome scaleDown(ScalingRef.AutoScalingGroup ref) {
            describeAsWritten(ref);
            return scaler.scaleDown(ref);
        }

        private static void describeAsWritten(ScalingRef.AutoScalingGroup ref) {
            int desired = ref.pilotLightSize();
            int max = ref.activeSize() - 1;
            for (Map<String, String> update : asgRequests("UpdateAutoScalingGroup")) {
                desired = Integer.parseInt(update.getOrDefault("DesiredCapacity", String.valueOf(desired)));
                max = Integer.parseInt(update.getOrDefault("MaxSize", String.valueOf(max)));
            }
            String[] instances = new String[desired];
            Arrays.fill(instances, "InService/Healthy");
            asgAnswers("DescribeAutoScalingGroups", 200, asgGroup(max, desired, true, instances));
            asgAnswers("UpdateAutoScalingGroup", 200, ASG_UPDATED);
        }
    }

    /** A Deployment at its pilot-light size, alone. */
    @Nested
    class Kubernetes extends ScalerContract<ScalingRef.KubernetesDeployment> {

        KubernetesMockServer server;
        KubernetesClient client;
        final List<KubernetesClient> answering = new ArrayList<>();

        @BeforeEach
        void start() {
            // as @EnableKubernetesMockClient(crud = true) builds it: CRUD, expectations where set answering first
            Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
            server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
                    new KubernetesMixedDispatcher(expectations), false);
            server.init();
            client = server.createClient();
            client.apps().deployments().inNamespace("prod")
                    .resource(new DeploymentBuilder().withNewMetadata().withName("api").withNamespace("prod")
                            .endMetadata().withNewSpec().withReplicas(target().pilotLightSize()).endSpec().build())
                    .create();
        }

        @AfterEach
        void stop() {
            answering.forEach(KubernetesClient::close);
            client.close();
            server.destroy();
        }

        @Override
        Scaler<ScalingRef.KubernetesDeployment> scaler() {
            return new KubernetesScaler(client);
        }

        @Override
        ScalingRef.KubernetesDeployment target() {
            return KubernetesScalerTest.ref();
        }

        @Override
        Scaler<ScalingRef.KubernetesDeployment> answering(Fault fault) {
            if (fault == Fault.MISSING) {
                client.apps().deployments().inNamespace("prod").withName("api").delete();
                return new KubernetesScaler(client);
            }
            int code = switch (fault) {
                case THROTTLED -> 429;
                case SERVER_ERROR -> 503;
                default -> 403;
            };
            var status = new StatusBuilder().withStatus("Failure").withCode(code).withMessage("answered " + code)
                    .build();
            server.expect().get().withPath(DEPLOYMENT_PATH).andReturn(code, status).always();
            server.expect().patch().withPath(DEPLOYMENT_PATH).andReturn(code, status).always();
            server.expect().get().withPath("/apis/autoscaling/v2/namespaces/prod/horizontalpodautoscalers")
                    .andReturn(code, status).always();
            server.expect().patch().withPath("/apis/autoscaling/v2/namespaces/prod/horizontalpodautoscalers/api")
                    .andReturn(code, status).always();
            // the client the actuator builds leaves retrying to the reconciler
            KubernetesClient direct = KubernetesScalerTest.notRetrying(server.url("/"));
            answering.add(direct);
            return new KubernetesScaler(direct);
        }
    }

    /**
     * The Deployment under a HorizontalPodAutoscaler, which the scaler moves with it: what is observed is what the HPA
     * would hold.
     */
    @Nested
    class KubernetesUnderAnAutoscaler extends Kubernetes {

        @BeforeEach
        void autoscaler() {
            client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("prod")
                    .resource(new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("api")
                            .withNamespace("prod").endMetadata().withNewSpec().withNewScaleTargetRef()
                            .withApiVersion("apps/v1").withKind("Deployment").withName("api").endScaleTargetRef()
                            .withMinReplicas(target().pilotLightSize()).withMaxReplicas(10).endSpec().build())
                    .create();
        }
    }
}
