package dev.failover.ctl.command;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.render.Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A group's AWS ARC Region switch plan, as its actuator runs it (ADR 0028). */
public final class RegionSwitchCommands {

    private RegionSwitchCommands() {
    }

    @Command(name = "region-switch",
            description = "A group's ARC Region switch plan, run by its actuator before the DNS "
                    + "switch (docs/aws-arc.md).",
            subcommands = { Approve.class })
    public static final class RegionSwitch {
    }

    @Command(name = "approve",
            description = "Approve (or --decline) the step of the group's Region switch execution that "
                    + "waits for a manual approval: asks each actuator until the one driving the group answers; the reason goes to "
                    + "AWS with your name and is published as a REGION_SWITCH result (operator role, actuator audience). A decline "
                    + "cancels the execution, as AWS does: the group is then BLOCKED.")
    public static final class Approve extends ActuatorCommand {

        @Option(names = "--step", required = true, description = "the step waiting for approval (status shows it)")
        String step;

        @Option(names = "--reason", required = true, description = "why, for the audit trail")
        String reason;

        @Option(names = "--decline", description = "decline the step instead: the execution is cancelled")
        boolean decline;

        @Override
        Optional<JsonNode> ask(ApiClient actuator) throws ApiException {
            ObjectNode body = ApiClient.object();
            body.put("step", step);
            body.put("reason", reason);
            if (decline) {
                body.put("decline", true);
            }
            return Optional.of(actuator.post(ReadCommands.path(group, "region-switch", "approve"), body).body());
        }

        @Override
        void show(ApiClient actuator, JsonNode body) {
            print(body, b -> Text.fit(text(b, "detail") + " (actuator " + actuator.endpoint().base() + ")\n", "  "));
        }

        @Override
        String doneBy() {
            return "has a step waiting for approval in";
        }
    }
}
