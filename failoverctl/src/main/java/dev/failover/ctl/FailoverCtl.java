package dev.failover.ctl;

import dev.failover.ctl.command.Completion;
import dev.failover.ctl.command.ReadCommands;
import dev.failover.ctl.command.ValidateCommand;
import dev.failover.ctl.command.WriteCommands;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * failoverctl: the operators' command line for the decision-service's override API. Plain picocli commands, run by
 * Quarkus command mode when packaged and by {@link #commandLine()} in tests.
 */
@TopCommand
@Command(name = "failoverctl", mixinStandardHelpOptions = true, version = "failoverctl 0.2.0",
        description = "See and move a failover group's traffic through the decision-service's API.",
        subcommands = { ReadCommands.Status.class, ReadCommands.Explain.class, ReadCommands.History.class,
                ReadCommands.Watch.class, WriteCommands.Pin.class, WriteCommands.Release.class, WriteCommands.Pause.class,
                WriteCommands.Resume.class, WriteCommands.Force.class, WriteCommands.Drill.class, WriteCommands.Switchover.class,
                ValidateCommand.class, Completion.class },
        footerHeading = "%nEnvironment and exit codes:%n",
        footer = { "FAILOVER_URL    the decision-service (default http://127.0.0.1:8280)",
                "FAILOVER_TOKEN  bearer token: role failover-viewer reads, failover-operator writes",
                "                (or --token, --token-file)",
                "exit 0  done",
                "exit 2  usage error (missing argument, unknown option)",
                "exit 3  refused by the server (4xx); its message is printed",
                "exit 4  server unreachable or unable to answer (refused, timeout, 5xx)",
                "exit 5  write accepted, not yet confirmed by the owning instance: check",
                "        status; sending it again with the same --idempotency-key is safe",
                "exit 6  validate: the topology file is invalid or unreadable; every bad key printed" })
public final class FailoverCtl {

    /** The command line with every subcommand, as the packaged CLI runs it. */
    public static CommandLine commandLine() {
        return new CommandLine(new FailoverCtl());
    }
}
