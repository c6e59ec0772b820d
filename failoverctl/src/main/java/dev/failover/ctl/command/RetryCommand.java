package dev.failover.ctl.command;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.render.Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The actuator's one write: a BLOCKED group tries its desired state again, once its cause (credentials, configuration,
 * capacity, the ownership record) is fixed. Only the instance that drives the group accepts (another answers 409).
 */
@Command(name = "retry", description = "Make a BLOCKED group try its desired state again, after its cause was fixed: "
        + "asks each actuator in turn until the one driving the group accepts (operator role, actuator audience); the "
        + "reason is recorded with your name.")
public final class RetryCommand extends ActuatorCommand {

    @Option(names = { "-r", "--reason" }, required = true, description = "why, recorded with your name in the group's "
            + "status and results (required)")
    String reason;

    @Override
    Optional<JsonNode> ask(ApiClient actuator) throws ApiException {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("reason", reason);
        return Optional.of(actuator.post(ReadCommands.path(group) + "/retry", body).body());
    }

    @Override
    void show(ApiClient actuator, JsonNode body) {
        print(body, b -> Text.fit("retry of " + group + " accepted by " + actuator.endpoint().base() + ": desired "
                + text(b, "desiredTarget") + " at epoch " + text(b, "desiredEpoch") + ", " + text(b, "status")
                + (text(b, "detail").equals("-") ? "" : " (" + text(b, "detail") + ")") + "\nfollow it with: failoverctl status "
                + group + "\n", "  "));
    }

    @Override
    String doneBy() {
        return "retried";
    }
}
