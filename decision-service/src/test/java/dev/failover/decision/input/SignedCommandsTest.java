package dev.failover.decision.input;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.CommandType;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.OperatorCommand;
import dev.failover.contract.event.Topics;
import dev.failover.decision.rest.ApiTokens;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Anyone who can write to failover.commands could otherwise act as any operator: a command not signed by a trusted key
 * is refused before it is read, dead-lettered with the outcome and counted; a signed one after it is handled.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class SignedCommandsTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String VIEWER = ApiTokens.viewer("victor");

    @Test
    void aForgedCommandIsRefusedAndASignedOneAfterItIsHandled() {
        // 503 until the instance has loaded the group's state (GroupsResource), which may be just after the start
        String before = await("GET /groups/api answered").atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(
                () -> given().auth().oauth2(VIEWER).get("/groups/api"), r -> r.statusCode() == 200)
                .path("activeTarget");
        String forceTo = TestTopology.PRIMARY.equals(before) ? TestTopology.SECONDARY : TestTopology.PRIMARY;
        String run = UUID.randomUUID().toString();
        double unsignedBefore = rejected("UNSIGNED");
        double unknownBefore = rejected("UNKNOWN_KEY");
        double badBefore = rejected("BAD_SIGNATURE");
        TestSigningKeys keys = TestSigningKeys.shared();
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader dlq = client.reader(Topics.COMMANDS_DLQ)) {
            String unsigned = force(forceTo, "forged unsigned " + run, Instant.now());
            client.send(Topics.COMMANDS, TestTopology.GROUP, unsigned);
            String strangers = force(forceTo, "forged by an unknown key " + run, Instant.now());
            client.sendSigned(Topics.COMMANDS, TestTopology.GROUP, strangers, keys.untrustedSigner());
            String genuineForOtherGroup = force(forceTo, "signed for another key " + run, Instant.now());
            client.send(Topics.COMMANDS, TestTopology.GROUP, genuineForOtherGroup,
                    keys.signer().headers(Topics.COMMANDS, "other", genuineForOtherGroup));
            // a genuine command after them, an hour old so that it changes nothing: rejected EXPIRED in the audit
            client.sendSigned(Topics.COMMANDS, TestTopology.GROUP, force(forceTo, "genuine " + run,
                    Instant.now().minus(Duration.ofHours(1))), keys.signer());

            await("the genuine command handled, after the forged ones in partition order").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(actions(run))
                            .as("audit actions of this test's commands").containsExactly("rejected EXPIRED: Force"));
            assertThat(Rejections.reason(dlq.await(r -> r.value().equals(unsigned), WAIT)))
                    .isEqualTo("refused, not signed by a trusted key: UNSIGNED: no " + Topics.SIGNATURE_HEADER
                            + " header");
            assertThat(Rejections.reason(dlq.await(r -> r.value().equals(strangers), WAIT)))
                    .contains("UNKNOWN_KEY: key id '" + TestSigningKeys.UNTRUSTED_KEY_ID + "' is not trusted");
            assertThat(Rejections.reason(dlq.await(r -> r.value().equals(genuineForOtherGroup), WAIT)))
                    .contains("BAD_SIGNATURE");
        }
        assertThat(given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200).extract()
                .<String>path("activeTarget"))
                .as("active target after the forged FORCEs").isEqualTo(before);
        assertThat(rejected("UNSIGNED") - unsignedBefore).as("UNSIGNED commands counted").isEqualTo(1.0);
        assertThat(rejected("UNKNOWN_KEY") - unknownBefore).as("UNKNOWN_KEY commands counted").isEqualTo(1.0);
        assertThat(rejected("BAD_SIGNATURE") - badBefore).as("BAD_SIGNATURE commands counted").isEqualTo(1.0);
    }

    private static String force(String target, String reason, Instant issuedAt) {
        return EventCodec.instance().encode(new OperatorCommand(1, UUID.randomUUID().toString(), TestTopology.GROUP,
                CommandType.FORCE, target, null, null, reason, "mallory", issuedAt));
    }

    private static List<String> actions(String run) {
        return given().auth().oauth2(VIEWER).get("/groups/api/history").then().statusCode(200).extract()
                .path("actions.findAll { it.reason.contains('" + run + "') }.action");
    }

    private static double rejected(String outcome) {
        return Rejections.rejected(Topics.COMMANDS, outcome);
    }
}
