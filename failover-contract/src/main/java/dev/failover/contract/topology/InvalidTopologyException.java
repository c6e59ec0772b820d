package dev.failover.contract.topology;

import java.util.List;
import java.util.stream.Collectors;

/** A topology file that must not be used. The message lists every error, one per line, each with its key path. */
public class InvalidTopologyException extends RuntimeException {

    private final List<TopologyError> errors;

    public InvalidTopologyException(String source, List<TopologyError> errors) {
        super("invalid topology " + source + " (" + errors.size() + (errors.size() == 1 ? " error" : " errors") + "):\n"
                + errors.stream().map(e -> "  " + e).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<TopologyError> errors() {
        return errors;
    }
}
