package dev.failover.ctl.command;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.render.Table;
import picocli.CommandLine.Command;

/**
 * A group's data tier (ADR 0020) as the actuator that drives it last observed it: each target's database node, its role
 * and a replica's lag, whether a failover is held for the data-loss budget, and the last promotion. For the 3 a.m.
 * questions "would a failover now be held?" and "is the old primary fenced?". Any token with the viewer role will do.
 * When the driving actuator is not reached, the nodes as another actuator's watch observed them (every one watches
 * every group's), said as such.
 */
@Command(name = "databases", description = "A group's database nodes as the actuator driving it last observed them: "
        + "role (WRITABLE, REPLICA, FENCED, UNAVAILABLE), a replica's lag, a hold for the data-loss budget, the last "
        + "promotion (asks each actuator in turn; viewer role, actuator audience).")
public final class DatabasesCommand extends ActuatorCommand {

    /**
     * The first answer of an actuator that does not drive the group but observed its nodes: every actuator watches
     * every group's database nodes (ADR 0020), so this is the view when the driving one is not reached (a lost region,
     * or the pod behind a region's Service that does not own the group's partition).
     */
    private Observed observed;

    private record Observed(String actuator, JsonNode body) {
    }

    @Override
    Optional<JsonNode> ask(ApiClient actuator) throws ApiException {
        JsonNode body = actuator.get(ReadCommands.path(group)).body();
        if (!"IDLE".equals(body.path("status").asText())) {
            return Optional.of(body);
        }
        if (observed == null && body.path("databases").isArray() && !body.path("databases").isEmpty()) {
            observed = new Observed(actuator.endpoint().base().toString(), body);
        }
        return Optional.empty();
    }

    @Override
    void show(ApiClient actuator, JsonNode body) {
        print(body, b -> view(b, actuator.endpoint().base().toString()));
    }

    @Override
    Optional<Integer> noneDrives() {
        if (observed == null) {
            return Optional.empty();
        }
        print(observed.body(),
                b -> group + ": as observed by " + observed.actuator() + ", which watches the group's nodes"
                        + " but does not drive it (no hold or promotion of the driver is shown)\n"
                        + nodes(b.path("databases")));
        return Optional.of(ok());
    }

    static String view(JsonNode body, String actuator) {
        String group = text(body, "group");
        JsonNode nodes = body.path("databases");
        if (!nodes.isArray() || nodes.isEmpty()) {
            return group + ": no database node observed by " + actuator
                    + " (none in the topology, or the group's record"
                    + " is not served yet)\n";
        }
        StringBuilder text = new StringBuilder(group + ": desired " + text(body, "desiredTarget") + " at epoch "
                + text(body, "desiredEpoch") + ", " + text(body, "status") + " (actuator " + actuator + ")\n");
        text.append(nodes(nodes));
        if (!text(body, "heldForDataLossSince").equals("-")) {
            text.append("HELD since ").append(text(body, "heldForDataLossSince"))
                    .append(": the replica lags beyond the "
                            + "group's safety.maxDataLossSeconds; an operator's force promotes it anyway\n");
        }
        if (!text(body, "lastPromotionSeconds").equals("-")) {
            text.append(
                    String.format(Locale.ROOT, "last promotion: %.1f s from its request until the node was writable%n",
                            body.path("lastPromotionSeconds").asDouble()));
        }
        return text.toString();
    }

    /** The nodes as a table: role, a replica's lag, when observed, the error of the last call. */
    static String nodes(JsonNode nodes) {
        Table table = new Table("TARGET", "ROLE", "LAG", "NOT APPLIED", "REPLAY", "OBSERVED", "ERROR");
        for (JsonNode node : nodes) {
            boolean observed = !node.path("lagSeconds").isNull() && !node.path("lagSeconds").isMissingNode();
            table.row(text(node, "target"), text(node, "role"),
                    observed ? String.format(Locale.ROOT, "%.1f s", node.path("lagSeconds").asDouble()) : "-",
                    observed ? node.path("unreplayedBytes").asLong() + " B" : "-",
                    !observed ? "-" : node.path("replayPaused").asBoolean() ? "paused" : "running",
                    text(node, "observedAt"), text(node, "error"));
        }
        return table.toString();
    }

    @Override
    String doneBy() {
        return "drives";
    }
}
