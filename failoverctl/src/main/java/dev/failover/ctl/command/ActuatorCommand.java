package dev.failover.ctl.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.ctl.exit.Exits;
import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * A command for the actuator that drives a group. Any region's actuator may drive it (ADR 0005), so each actuator of the
 * context is asked in turn until the one that drives the group answers; one that does not (a 409, or its view of the
 * group IDLE) is passed over, and so is one that cannot be reached (a lost region). The token is for the actuator's
 * audience.
 */
abstract class ActuatorCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Mixin
    ActuatorUrls actuators;

    /** Asks one actuator; empty when it does not drive the group (an answer of 409 is the same). */
    abstract Optional<JsonNode> ask(ApiClient actuator) throws ApiException;

    /** Prints the driving actuator's answer. */
    abstract void show(ApiClient actuator, JsonNode answer);

    /** For the message when no actuator drives the group, e.g. "retried". */
    abstract String doneBy();

    @Override
    final int run() throws ApiException, ConnectionOptions.BadSetting {
        List<ApiClient> clients = options().clients(ConnectionOptions.Service.ACTUATOR, actuators.urls);
        if (clients.size() == 1) {
            return run(clients.get(0));
        }
        List<String> passed = new ArrayList<>();
        List<Answered> answered = new ArrayList<>();
        boolean notDriving = false;
        ApiException last = null;
        for (ApiClient client : clients) {
            try {
                Optional<JsonNode> answer = ask(client);
                if (answer.isPresent() && !asksEvery()) {
                    show(client, answer.get());
                    return exit(answer.get());
                }
                if (answer.isPresent()) {
                    answered.add(new Answered(client, answer.get()));
                    continue;
                }
                notDriving = true;
                passed.add(client.endpoint().base() + ": does not drive " + group);
            } catch (ApiException.Refused e) {
                if (e.status() != 409 && !asksEvery()) {
                    throw e; // 401, 403, 404: the same at every actuator
                }
                // asking every one: one actuator's refusal (its topology behind, its token audience wrong) is no answer
                // of the group's driver, and must not stop the others' from counting
                notDriving = true;
                passed.add(client.endpoint().base() + ": " + e.getMessage());
            } catch (ApiException.NoCredentials e) {
                throw e;
            } catch (ApiException e) {
                passed.add(e.getMessage()); // a lost region: the group is driven elsewhere
                last = e;
            }
        }
        if (!answered.isEmpty()) {
            Answered counts = counts(answered);
            show(counts.actuator(), counts.body());
            return exit(counts.body());
        }
        err().println("failoverctl: no actuator " + doneBy() + " " + group + " (" + clients.size() + " asked):");
        passed.forEach(p -> err().println("  " + p));
        err().flush();
        return noneDrives().orElse(notDriving || last == null ? Exits.REFUSED : last.exitCode());
    }

    @Override
    final int run(ApiClient actuator) throws ApiException {
        Optional<JsonNode> answer = ask(actuator);
        if (answer.isEmpty()) {
            err().println("failoverctl: the actuator at " + actuator.endpoint().base() + " does not drive " + group
                    + ": ask every region's (--actuator-url, or the context's actuators)");
            err().flush();
            return noneDrives().orElse(Exits.REFUSED);
        }
        show(actuator, answer.get());
        return exit(answer.get());
    }

    /**
     * When no actuator asked drives the group (said on stderr already): what the command can still show from the
     * answers of those that do not, and its exit code; empty when nothing (the exit says why not).
     */
    Optional<Integer> noneDrives() {
        return Optional.empty();
    }

    /**
     * Whether every actuator is asked, not only until the first that drives the group answers: a command whose answer
     * must not come from a region cut off with a stale view (its assignment kept, its lease about to lapse) beside the
     * actuator that drives the group now. {@link #counts} then picks the answer.
     */
    boolean asksEvery() {
        return false;
    }

    /** Of the answers of several actuators that each said they drive the group, the one that counts. */
    Answered counts(List<Answered> answers) {
        return answers.get(0);
    }

    /** One actuator's answer. */
    record Answered(ApiClient actuator, JsonNode body) {
    }

    /** The exit code for the driving actuator's answer: OK, unless the command says otherwise. */
    int exit(JsonNode answer) {
        return ok();
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() || value.asText().isEmpty() ? "-" : value.asText();
    }
}
