package dev.failover.ctl;

import java.util.Map;

import dev.failover.ctl.command.Completion;
import dev.failover.ctl.command.ConfigCommands;
import dev.failover.ctl.command.ConnectionOptions;
import dev.failover.ctl.command.DatabasesCommand;
import dev.failover.ctl.command.KafkaAclsCommand;
import dev.failover.ctl.command.PermissionsCommand;
import dev.failover.ctl.command.ReadCommands;
import dev.failover.ctl.command.RegionSwitchCommands;
import dev.failover.ctl.command.ReportCommands;
import dev.failover.ctl.command.RetryCommand;
import dev.failover.ctl.command.StartCheckCommand;
import dev.failover.ctl.command.ValidateCommand;
import dev.failover.ctl.command.WhatIfCommand;
import dev.failover.ctl.command.WriteCommands;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * failoverctl: the operators' command line for the decision-service's override API and the actuators' reads. Plain
 * picocli commands, run by Quarkus command mode when packaged and by {@link #commandLine()} in tests. The connection
 * options are global: declared here once, accepted before or after the verb.
 */
@TopCommand
// scope INHERIT: every verb takes --help and --version, and prints its help as wide as this
@Command(name = "failoverctl", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "failoverctl 0.2.0", usageHelpWidth = 100,
        description = "See and move a failover group's traffic through the decision-service's API.",
        subcommands = { ReadCommands.Status.class, ReadCommands.Explain.class, ReadCommands.History.class,
                ReadCommands.Watch.class, WriteCommands.Pin.class, WriteCommands.Release.class,
                WriteCommands.Pause.class,
                WriteCommands.Resume.class, WriteCommands.Force.class, WriteCommands.Drill.class,
                WriteCommands.Switchover.class,
                RetryCommand.class, ReportCommands.Report.class, WhatIfCommand.class,
                RegionSwitchCommands.RegionSwitch.class, DatabasesCommand.class, PermissionsCommand.class,
                StartCheckCommand.class, ValidateCommand.class,
                KafkaAclsCommand.class, ConfigCommands.Config.class, Completion.class },
        footerHeading = "%nEnvironment, config and exit codes (docs/failoverctl.md):%n",
        footer = { "FAILOVER_URL, FAILOVER_TOKEN      the decision-service and its token",
                "FAILOVER_ACTUATOR_URL, _TOKEN     the actuators (comma-separated) and their token, for databases, permissions",
                "FAILOVERCTL_CONFIG, _CONTEXT      config file (~/.config/failoverctl/config.yaml), its context",
                "A setting comes from its flag, else the named context (--context), else the environment, else",
                "the current context, else the local default (http://127.0.0.1:8280, actuator :8380).",
                "exit 0   done",
                "exit 2   usage error (missing argument, unknown option), or an unusable config file, context",
                "         or token file",
                "exit 3   refused by the server (4xx); its message is printed",
                "exit 4   server unreachable (connection refused or reset) or unable to answer (5xx)",
                "exit 5   write accepted, not yet confirmed by the owning instance: check status; sending it",
                "         again with the same --idempotency-key is safe",
                "exit 6   validate: the topology file is invalid or unreadable; every bad key printed",
                "exit 7   the server's host name does not resolve (DNS); nothing was sent",
                "exit 8   no answer within --timeout; a write may have been applied: check status, or send it",
                "         again with the --idempotency-key printed",
                "exit 9   TLS failed (certificate not trusted, expired or for another name; https to http)",
                "exit 10  no token: the context's token command failed or printed none; nothing was sent",
                "exit 11  start-check: the node is not the group's primary of record; start it read-only",
                "exit 12  a write's --wait: its decision was refused by the actuator or superseded",
                "exit 13  permissions: an actuator found a permission its topology needs missing",
                "exit 14  permissions: none found missing, but not all known (a check off or not run yet)",
                "exit 15  report verify: the signature does not verify, or the replay decides otherwise" })
public final class FailoverCtl {

    @Mixin
    ConnectionOptions options = new ConnectionOptions();

    /** The command line with every subcommand, as the packaged CLI runs it. */
    public static CommandLine commandLine() {
        return new CommandLine(new FailoverCtl());
    }

    /** The same, reading this environment instead of the process's (a CLI run in-process, e.g. by a test). */
    public static CommandLine commandLine(Map<String, String> environment) {
        FailoverCtl ctl = new FailoverCtl();
        ctl.options.environment(environment);
        return new CommandLine(ctl);
    }
}
