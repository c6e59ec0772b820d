package dev.failover.ctl.command;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.ctl.Exits;
import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.render.Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The actuator's one write: a BLOCKED group tries its desired state again, once its cause (credentials, configuration,
 * capacity, the ownership record) is fixed. Only the instance that drives the group accepts (another answers 409, ADR
 * 0005: any region's actuator may drive it), so each actuator of the context is asked in turn; one that cannot be
 * reached (a lost region) is passed over. The token is for the actuator's audience.
 */
@Command(name = "retry", description = "Make a BLOCKED group try its desired state again, after its cause was fixed: "
        + "asks each actuator in turn until the one driving the group accepts (operator role, actuator audience).")
public final class RetryCommand extends ApiCommand {

    @Parameters(paramLabel = "GROUP")
    String group;

    @Option(names = "--actuator-url", split = ",", paramLabel = "URL", description = "an actuator's base URL; repeat or "
            + "comma-separate for every region's (env FAILOVER_ACTUATOR_URL; default the context's actuators, else "
            + "http://127.0.0.1:8380)")
    List<URI> actuators = new ArrayList<>();

    @Override
    int run() throws ApiException, ConnectionOptions.BadSetting {
        List<ApiClient> clients = options().clients(ConnectionOptions.Service.ACTUATOR, actuators);
        if (clients.size() == 1) {
            return run(clients.get(0));
        }
        List<String> passed = new ArrayList<>();
        boolean notDriving = false;
        ApiException last = null;
        for (ApiClient client : clients) {
            try {
                return run(client);
            } catch (ApiException.Refused e) {
                if (e.status() != 409) {
                    throw e; // 401, 403, 404: the same at every actuator
                }
                notDriving = true;
                passed.add(client.endpoint().base() + ": " + e.getMessage());
                last = e;
            } catch (ApiException.NoCredentials e) {
                throw e;
            } catch (ApiException e) {
                passed.add(e.getMessage()); // a lost region: the group is driven elsewhere
                last = e;
            }
        }
        err().println("failoverctl: no actuator retried " + group + " (" + clients.size() + " asked):");
        passed.forEach(p -> err().println("  " + p));
        err().flush();
        return notDriving ? Exits.REFUSED : last.exitCode();
    }

    @Override
    int run(ApiClient actuator) throws ApiException {
        JsonNode body = actuator.post(ReadCommands.path(group) + "/retry").body();
        print(body, b -> Text.fit("retry of " + group + " accepted by " + actuator.endpoint().base() + ": desired "
                + text(b, "desiredTarget") + " at epoch " + text(b, "desiredEpoch") + ", " + text(b, "status")
                + (text(b, "detail").equals("-") ? "" : " (" + text(b, "detail") + ")") + "\nfollow it with: failoverctl status "
                + group + "\n", "  "));
        return ok();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() || value.asText().isEmpty() ? "-" : value.asText();
    }
}
