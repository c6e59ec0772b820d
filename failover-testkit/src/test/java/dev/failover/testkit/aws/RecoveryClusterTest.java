package dev.failover.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.testkit.aws.RecoveryCluster.Health;
import dev.failover.testkit.aws.RecoveryCluster.SafetyRule;
import dev.failover.testkit.aws.RecoveryCluster.State;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53recoverycluster.Route53RecoveryClusterClient;
import software.amazon.awssdk.services.route53recoverycluster.model.InternalServerException;
import software.amazon.awssdk.services.route53recoverycluster.model.ResourceNotFoundException;
import software.amazon.awssdk.services.route53recoverycluster.model.RoutingControl;
import software.amazon.awssdk.services.route53recoverycluster.model.RoutingControlState;
import software.amazon.awssdk.services.route53recoverycluster.model.ValidationException;

/** The ARC cluster fixture, driven by the real AWS SDK client as the actuator drives it. */
class RecoveryClusterTest {

    static final String PANEL = "arn:aws:route53-recovery-control::111122223333:controlpanel/abc";
    static final String EAST = PANEL + "/routingcontrol/east";
    static final String WEST = PANEL + "/routingcontrol/west";
    static final String GATE = PANEL + "/routingcontrol/gate";
    static final String AT_LEAST_ONE = PANEL + "/safetyrule/at-least-one";
    static final String MASTER = PANEL + "/safetyrule/master-switch";

    RecoveryCluster cluster;
    List<Route53RecoveryClusterClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(Route53RecoveryClusterClient::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    RecoveryCluster start() {
        Map<String, State> initial = new LinkedHashMap<>();
        initial.put(EAST, State.On);
        initial.put(WEST, State.Off);
        initial.put(GATE, State.On);
        cluster = RecoveryCluster.start(5, PANEL, initial);
        return cluster;
    }

    Route53RecoveryClusterClient client(int endpoint) {
        Route53RecoveryClusterClient client = Route53RecoveryClusterClient.builder()
                .region(Region.US_WEST_2)
                .endpointOverride(cluster.endpoints().get(endpoint))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEAST", "secret")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(2))
                        .retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                .build();
        clients.add(client);
        return client;
    }

    @Test
    void stateIsSharedByEveryEndpointAndUpdatedAtomically() {
        start();
        assertThat(cluster.endpoints()).hasSize(5).doesNotHaveDuplicates();

        client(0).updateRoutingControlStates(r -> r.updateRoutingControlStateEntries(
                e -> e.routingControlArn(EAST).routingControlState(RoutingControlState.OFF),
                e -> e.routingControlArn(WEST).routingControlState(RoutingControlState.ON)));

        for (int i = 0; i < 5; i++) {
            assertThat(client(i).getRoutingControlState(r -> r.routingControlArn(WEST)).routingControlState())
                    .isEqualTo(RoutingControlState.ON);
        }
        assertThat(cluster.states()).containsEntry(EAST, State.Off).containsEntry(WEST, State.On);
        RecoveryCluster.Call update = cluster.accepted("UpdateRoutingControlStates").get(0);
        assertThat(update.accessKeyId()).isEqualTo("AKIDEAST");
        assertThat(update.region()).isEqualTo("us-west-2");

        // an entry naming an unknown control fails the whole transaction
        assertThatThrownBy(() -> client(1).updateRoutingControlStates(r -> r.updateRoutingControlStateEntries(
                e -> e.routingControlArn(EAST).routingControlState(RoutingControlState.ON),
                e -> e.routingControlArn(PANEL + "/routingcontrol/nope").routingControlState(RoutingControlState.ON))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(cluster.state(EAST)).isEqualTo(State.Off);
    }

    @Test
    void listsTheControlsInPages() {
        start();
        List<RoutingControl> all = new ArrayList<>();
        client(2).listRoutingControlsPaginator(r -> r.controlPanelArn(PANEL).maxResults(2)).routingControls()
                .forEach(all::add);
        assertThat(all).extracting(RoutingControl::routingControlArn).containsExactly(EAST, WEST, GATE);
        assertThat(all).extracting(RoutingControl::routingControlState).containsExactly(RoutingControlState.ON,
                RoutingControlState.OFF, RoutingControlState.ON);
        assertThat(cluster.accepted("ListRoutingControls")).hasSize(2);
    }

    @Test
    void anAssertionRuleRefusesAnUpdateThatLeavesTooFewOnUnlessOverridden() {
        start().rule(SafetyRule.assertion(AT_LEAST_ONE, "at-least-one", List.of(EAST, WEST), 1));

        assertThatThrownBy(() -> client(0).updateRoutingControlState(r -> r.routingControlArn(EAST)
                .routingControlState(RoutingControlState.OFF)))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining(AT_LEAST_ONE)
                .hasMessageContaining("0 of its 2 asserted controls On");
        assertThat(cluster.state(EAST)).isEqualTo(State.On);

        client(0).updateRoutingControlState(r -> r.routingControlArn(EAST).routingControlState(RoutingControlState.OFF)
                .safetyRulesToOverride(AT_LEAST_ONE));
        assertThat(cluster.state(EAST)).isEqualTo(State.Off);
        assertThat(cluster.accepted("UpdateRoutingControlState").get(0).overrides()).containsExactly(AT_LEAST_ONE);
    }

    @Test
    void aGatingRuleAllowsChangesOnlyWhileItsGateIsOn() {
        start().rule(SafetyRule.gating(MASTER, "master-switch", List.of(GATE), List.of(EAST, WEST), 1));
        cluster.set(GATE, State.Off);

        assertThatThrownBy(() -> client(3).updateRoutingControlStates(r -> r.updateRoutingControlStateEntries(
                e -> e.routingControlArn(EAST).routingControlState(RoutingControlState.OFF),
                e -> e.routingControlArn(WEST).routingControlState(RoutingControlState.ON))))
                .isInstanceOf(ValidationException.class).hasMessageContaining(MASTER);
        assertThat(cluster.states()).containsEntry(EAST, State.On).containsEntry(WEST, State.Off);

        cluster.set(GATE, State.On);
        client(3).updateRoutingControlStates(r -> r.updateRoutingControlStateEntries(
                e -> e.routingControlArn(EAST).routingControlState(RoutingControlState.OFF),
                e -> e.routingControlArn(WEST).routingControlState(RoutingControlState.ON)));
        assertThat(cluster.states()).containsEntry(EAST, State.Off).containsEntry(WEST, State.On);
    }

    @Test
    void keepsArcsQuotaOfMutatingCallsPerEndpointAndShowsEveryUpdateApplied() {
        String other = "arn:aws:route53-recovery-control::111122223333:controlpanel/def";
        String north = other + "/routingcontrol/north";
        Map<String, Map<String, State>> panels = new LinkedHashMap<>();
        panels.put(PANEL, Map.of(EAST, State.On, WEST, State.Off));
        panels.put(other, Map.of(north, State.Off));
        cluster = RecoveryCluster.start(5, panels, "127.0.0.1").mutatingCallsPerSecond(3);
        List<Map<String, State>> applied = new java.util.concurrent.CopyOnWriteArrayList<>();
        cluster.watch((at, states) -> applied.add(states));
        Route53RecoveryClusterClient first = client(0);
        first.getRoutingControlState(r -> r.routingControlArn(EAST)); // the client's first call, a read: no quota

        // the first three updates to endpoint 0 are taken; a fourth within the same second is throttled (four calls
        // spread over more than a second on a slow machine would not be: the test then says so rather than passing)
        long started = System.nanoTime();
        for (State s : List.of(State.On, State.Off, State.On)) {
            first.updateRoutingControlState(r -> r.routingControlArn(north).routingControlState(s.name()));
        }
        Throwable fourth = org.assertj.core.api.Assertions.catchThrowable(() -> first.updateRoutingControlState(
                r -> r.routingControlArn(north).routingControlState(RoutingControlState.OFF)));
        org.junit.jupiter.api.Assumptions.assumeTrue(System.nanoTime() - started < 1_000_000_000L,
                "four calls took more than a second: the quota's window cannot be checked on this machine now");
        assertThat(fourth)
                .isInstanceOf(software.amazon.awssdk.services.route53recoverycluster.model.ThrottlingException.class);
        client(1).updateRoutingControlState(
                r -> r.routingControlArn(north).routingControlState(RoutingControlState.OFF));
        // reads are not mutating calls: no quota
        for (int i = 0; i < 5; i++) {
            client(0).getRoutingControlState(r -> r.routingControlArn(EAST));
        }

        assertThat(cluster.throttled()).isEqualTo(1);
        assertThat(applied).extracting(states -> states.get(north))
                .containsExactly(State.On, State.Off, State.On, State.Off);
        assertThat(applied.get(0)).containsEntry(EAST, State.On).containsEntry(WEST, State.Off);
        List<RoutingControl> second = new ArrayList<>();
        client(2).listRoutingControlsPaginator(r -> r.controlPanelArn(other)).routingControls().forEach(second::add);
        assertThat(second).extracting(RoutingControl::routingControlArn).containsExactly(north);
    }

    @Test
    void endpointsFailRefuseOrHangOnDemandAndComeBack() {
        start();
        cluster.endpoint(0, Health.FAILING);
        cluster.endpoint(1, Health.REFUSING);
        cluster.endpoint(2, Health.HANGING);

        assertThatThrownBy(() -> client(0).getRoutingControlState(r -> r.routingControlArn(EAST)))
                .isInstanceOf(InternalServerException.class);
        assertThatThrownBy(() -> client(1).getRoutingControlState(r -> r.routingControlArn(EAST)))
                .isInstanceOf(SdkClientException.class);
        assertThatThrownBy(() -> client(2).getRoutingControlState(r -> r.routingControlArn(EAST)))
                .isInstanceOf(ApiCallTimeoutException.class);
        assertThat(client(3).getRoutingControlState(r -> r.routingControlArn(EAST)).routingControlState())
                .isEqualTo(RoutingControlState.ON);

        cluster.heal(0);
        cluster.heal(1);
        cluster.heal(2);
        for (int i = 0; i < 3; i++) {
            assertThat(client(i).getRoutingControlState(r -> r.routingControlArn(EAST)).routingControlState())
                    .isEqualTo(RoutingControlState.ON);
        }
    }

    @Test
    void refusesRequestsThatAreNotSignedOrNotJson10() throws Exception {
        start();
        HttpClient http = HttpClient.newHttpClient();
        URI endpoint = cluster.endpoints().get(4);
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "ToggleCustomerAPI.GetRoutingControlState")
                .POST(HttpRequest.BodyPublishers.ofString("{\"RoutingControlArn\":\"" + EAST + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.body()).contains("AccessDeniedException");

        client(4).getRoutingControlState(r -> r.routingControlArn(EAST));
        RecoveryCluster.Call sdkCall = cluster.accepted("GetRoutingControlState").get(0);
        assertThat(sdkCall.operation()).isEqualTo("GetRoutingControlState");
        assertThat(sdkCall.accessKeyId()).isEqualTo("AKIDEAST");
    }
}
