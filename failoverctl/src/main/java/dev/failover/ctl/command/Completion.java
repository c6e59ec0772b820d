package dev.failover.ctl.command;

import java.util.concurrent.Callable;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints a bash completion script for every command and option: {@code source <(failoverctl completion)}. */
@Command(name = "completion", description = "Print a bash (and zsh with bashcompinit) completion script: "
        + "source <(failoverctl completion)")
public final class Completion implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("failoverctl", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
