package dev.failover.ctl.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.whatif.WhatIfReport;
import dev.failover.contract.whatif.WhatIfText;
import dev.failover.ctl.exit.Exits;
import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a proposed topology would have done over the recorded probe results, beside the one in force (ADR 0027): the
 * decision-service reads the window from Kafka and replays both through its core (POST /whatif); this prints the
 * comparison and writes the timeline picture.
 */
@Command(name = "whatif",
        description = "Replay the recorded probe results of a window with a proposed topology and with "
                + "the one in force, and compare what each would have done per group: switches and their rule paths, false "
                + "failovers, flaps held, detection time per incident, the differences; --svg writes the timeline. A long window "
                + "takes a while: give --timeout (e.g. 5m). From a file export instead: scripts/replay.sh --proposed.")
public final class WhatIfCommand extends ApiCommand {

    @Option(names = "--topology", required = true, paramLabel = "FILE", description = "the proposed topology file")
    Path topology;

    @Option(names = "--since", defaultValue = "7d", converter = ConnectionOptions.DurationConverter.class,
            description = "how far back the window starts: 7d, 12h, 30m (default 7d)")
    Duration since;

    @Option(names = "--from", paramLabel = "INSTANT",
            description = "the window's start as an ISO-8601 instant, instead of "
                    + "--since: the same window gives the same answer")
    Instant from;

    @Option(names = "--to", paramLabel = "INSTANT",
            description = "the window's end as an ISO-8601 instant; default now")
    Instant to;

    @Option(names = "--group", description = "only this group")
    String group;

    @Option(names = "--recovered-within", converter = ConnectionOptions.DurationConverter.class,
            paramLabel = "DURATION",
            description = "a failover whose old target a majority of locations saw up again within this was a false "
                    + "one (default 30s)")
    Duration recoveredWithin;

    @Option(names = "--svg", paramLabel = "FILE", description = "write the timeline picture (SVG) here")
    Path svg;

    @Override
    int run(ApiClient api) throws ApiException {
        String text;
        try {
            text = Files.readString(topology);
        } catch (IOException e) {
            err().println("failoverctl: --topology: cannot read " + topology + ": " + e.getMessage());
            err().flush();
            return Exits.USAGE;
        }
        ObjectNode body = ApiClient.object();
        body.put("topology", text);
        Instant end = to != null ? to : Instant.now();
        body.put("from", (from != null ? from : end.minus(since)).toString());
        if (to != null) {
            body.put("to", to.toString());
        }
        if (group != null) {
            body.put("group", group);
        }
        if (recoveredWithin != null) {
            body.put("recoveredWithinSeconds", recoveredWithin.toSeconds());
        }
        JsonNode reply = api.post("/whatif", body).body();
        if (svg != null) {
            try {
                Files.writeString(svg, reply.path("picture").asText());
            } catch (IOException e) {
                err().println("failoverctl: --svg: cannot write " + svg + ": " + e.getMessage());
                err().flush();
                return Exits.USAGE;
            }
        }
        print(reply, node -> WhatIfText.render(EventCodec.instance().decode(node.toString(), WhatIfReport.class)));
        return ok();
    }
}
