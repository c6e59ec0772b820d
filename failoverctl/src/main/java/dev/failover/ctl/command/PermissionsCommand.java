package dev.failover.ctl.command;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.failover.ctl.exit.Exits;
import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * What every actuator found of its own permissions: each region's actuator checks with its own credentials what its
 * topology needs of AWS and Kubernetes, so each is asked. Before a drill, or when FailoverPermissionMissing fires:
 * which action, on what, for which place, and why the topology needs it.
 */
@Command(name = "permissions", description = "The permissions each actuator found missing for what its topology needs "
        + "(asks every actuator; viewer role, actuator audience). Exit 13 when one is missing, 14 when one is not known "
        + "(a check off or not run yet, a place not asked, an older actuator). -o json: an object by actuator URL, each "
        + "that actuator's answer.")
public final class PermissionsCommand extends ApiCommand {

    @Mixin
    ActuatorUrls actuators;

    @Override
    int run() throws ApiException, ConnectionOptions.BadSetting {
        List<ApiClient> clients = options().clients(ConnectionOptions.Service.ACTUATOR, actuators.urls);
        ObjectNode answers = JsonNodeFactory.instance.objectNode();
        List<String> unreachable = new ArrayList<>();
        ApiException last = null;
        boolean unknown = false;
        for (ApiClient client : clients) {
            try {
                answers.set(client.endpoint().base().toString(), client.get("/permissions").body());
            } catch (ApiException.Refused e) {
                if (e.status() != 404) {
                    throw e; // 401, 403: the same at every actuator
                }
                unreachable
                        .add(client.endpoint().base() + ": no /permissions (an actuator older than this failoverctl)");
                unknown = true;
            } catch (ApiException.NoCredentials e) {
                throw e;
            } catch (ApiException e) {
                unreachable.add(e.getMessage()); // a lost region's actuator: the others still answer
                last = e;
            }
        }
        print(answers, PermissionsCommand::view);
        unreachable.forEach(u -> err().println("failoverctl: " + u));
        err().flush();
        boolean missing = false;
        for (JsonNode answer : answers) {
            missing |= answer.path("missing").size() > 0;
            unknown |= !known(answer);
        }
        return missing ? Exits.PERMISSION_MISSING : last != null ? last.exitCode()
                : unknown ? Exits.PERMISSION_UNKNOWN : ok();
    }

    /**
     * Whether an answer says all there is: checked with every place asked, or nothing needed. A check switched off,
     * not run yet, or with a place not asked leaves permissions unknown, which a script gating a drill must not read as
     * granted.
     */
    static boolean known(JsonNode answer) {
        if (!answer.path("checked").asBoolean()) {
            return answer.path("needed").asInt(-1) == 0;
        }
        return !answer.path("at").isNull() && !answer.path("at").isMissingNode() && answer.path("unchecked").isEmpty();
    }

    @Override
    int run(ApiClient api) {
        throw new UnsupportedOperationException("asks every actuator");
    }

    /** Per actuator a line, then each finding on its own lines: ARNs are too long for a table's columns. */
    static String view(JsonNode answers) {
        StringBuilder text = new StringBuilder();
        answers.fields().forEachRemaining(entry -> {
            String actuator = entry.getKey();
            JsonNode answer = entry.getValue();
            if (!answer.path("checked").asBoolean()) {
                text.append(actuator).append(": checks nothing ahead (")
                        .append(ActuatorCommand.text(answer, "notCheckedBecause")).append(")\n");
                return;
            }
            if (answer.path("at").isNull() || answer.path("at").isMissingNode()) {
                text.append(actuator).append(": its first check has not run yet\n");
                return;
            }
            text.append(actuator).append(": ").append(answer.path("needed").asInt()).append(" needed, ")
                    .append(answer.path("missing").size()).append(" missing, checked at ")
                    .append(ActuatorCommand.text(answer, "at")).append('\n');
            for (JsonNode m : answer.path("missing")) {
                text.append("  MISSING ").append(ActuatorCommand.text(m, "action")).append(" on ")
                        .append(ActuatorCommand.text(m, "resource")).append("\n          for ")
                        .append(ActuatorCommand.text(m, "place")).append(": ").append(ActuatorCommand.text(m, "why"))
                        .append(" (").append(ActuatorCommand.text(m, "detail")).append(")\n");
            }
            for (JsonNode u : answer.path("unchecked")) {
                text.append("  NOT ASKED ").append(ActuatorCommand.text(u, "place")).append(": ")
                        .append(ActuatorCommand.text(u, "why")).append('\n');
            }
        });
        return text.toString();
    }
}
