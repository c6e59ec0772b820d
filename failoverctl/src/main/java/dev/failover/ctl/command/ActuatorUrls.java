package dev.failover.ctl.command;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/** The actuators a command asks: {@code --actuator-url}, else the context's, else FAILOVER_ACTUATOR_URL. */
final class ActuatorUrls {

    @Option(names = "--actuator-url", split = ",", paramLabel = "URL",
            description = "an actuator's base URL; repeat or "
                    + "comma-separate for every region's (env FAILOVER_ACTUATOR_URL; default the context's actuators, else "
                    + "http://127.0.0.1:8380)")
    List<URI> urls = new ArrayList<>();
}
