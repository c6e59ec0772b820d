package dev.failover.ctl.command;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.render.Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A BLOCKED group tries its desired state again, once its cause (credentials, configuration, capacity, the ownership
 * record) is fixed. Sent to the decision-service, which hands it to the actuator that drives the group through
 * failover.decisions (ADR 0025): no need to find that actuator among the regions' pods. The actuator's answer is the
 * group's next RECONCILE result (CONVERGING: tried again; the status it stands at, "not needed", when the group was
 * not BLOCKED), shown by {@code status}.
 */
@Command(name = "retry",
        description = "Make a BLOCKED group try its desired state again, after its cause was fixed: the "
                + "decision-service hands it to the actuator that drives the group, in whichever region (operator role); the "
                + "reason is recorded with your name.")
public final class RetryCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Option(names = { "-r", "--reason" }, required = true, description = "why, recorded with your name in the group's "
            + "results (required)")
    String reason;

    @Override
    int run(ApiClient api) throws ApiException {
        ObjectNode body = ApiClient.object().put("reason", reason);
        ApiClient.Reply reply = api.post(ReadCommands.path(group) + "/retry", body);
        print(reply.body(), b -> Text.fit("retry of " + group + " sent to the actuator that drives it (retry id "
                + b.path("retryId").asText("-")
                + "): it tries again if the group is BLOCKED; its answer is the group's "
                + "next RECONCILE result\nfollow it with: failoverctl status " + group + "\n", "  "));
        return ok();
    }
}
