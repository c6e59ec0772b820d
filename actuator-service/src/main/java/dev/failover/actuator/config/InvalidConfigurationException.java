package dev.failover.actuator.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The actuator cannot start: every problem of its configuration and topology, each with its key. */
public final class InvalidConfigurationException extends RuntimeException {

    private final transient List<ConfigError> errors;

    public InvalidConfigurationException(Path topologyFile, List<ConfigError> errors) {
        super("invalid actuator configuration (" + errors.size() + (errors.size() == 1 ? " error" : " errors")
                + "; topology file " + topologyFile + "):\n"
                + errors.stream().map(e -> "  " + e).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
