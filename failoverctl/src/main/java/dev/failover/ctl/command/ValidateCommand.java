package dev.failover.ctl.command;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.failover.contract.topology.InvalidTopologyException;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyError;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.ctl.exit.Exits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checks a topology file offline with the validator the services run at start ({@link TopologyLoader}): for an editor,
 * a pre-commit hook or CI, before a bad file reaches a ConfigMap.
 */
@Command(name = "validate", description = "Check a topology file with the services' own validator, offline. "
        + "Exit 0 when valid, 6 with every bad key when not.")
public final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = { "-f", "--file" }, required = true, paramLabel = "FILE", description = "the topology file (YAML)")
    Path file;

    @Override
    public Integer call() {
        try {
            Topology topology = TopologyLoader.load(file);
            spec.commandLine().getOut().printf("%s: valid, %d group%s, %d locations%n", file, topology.groups().size(),
                    topology.groups().size() == 1 ? "" : "s", topology.locations().size());
            spec.commandLine().getOut().flush();
            return Exits.OK;
        } catch (InvalidTopologyException e) {
            spec.commandLine().getErr().printf("%s: invalid%n", file);
            for (TopologyError error : e.errors()) {
                spec.commandLine().getErr().printf("  %s: %s%n", error.path(), error.message());
            }
            spec.commandLine().getErr().flush();
            return Exits.INVALID;
        }
    }
}
