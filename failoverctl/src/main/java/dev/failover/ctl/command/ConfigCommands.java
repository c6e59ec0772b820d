package dev.failover.ctl.command;

import java.io.IOException;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.failover.ctl.config.CtlConfig;
import dev.failover.ctl.exit.Exits;
import dev.failover.ctl.render.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code failoverctl config}: the contexts of the config file, as kubectl's {@code config} verbs. */
public final class ConfigCommands {

    private ConfigCommands() {
    }

    @Command(name = "config", description = "Contexts of the config file (~/.config/failoverctl/config.yaml, "
            + "FAILOVERCTL_CONFIG or --config): list them, show or change the current one.",
            subcommands = { GetContexts.class, CurrentContext.class, UseContext.class })
    public static final class Config {
    }

    /** A config verb: prints its failure as one line with exit 2. */
    abstract static class ConfigVerb implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        ConnectionOptions options() {
            return (ConnectionOptions) spec.root().mixins().get("options").userObject();
        }

        @Override
        public final Integer call() {
            try {
                int exit = run();
                spec.commandLine().getOut().flush();
                return exit;
            } catch (ConnectionOptions.BadSetting | CtlConfig.InvalidConfigException e) {
                spec.commandLine().getErr().println("failoverctl: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return Exits.USAGE;
            } catch (IOException e) {
                spec.commandLine().getErr()
                        .println("failoverctl: " + options().configFile().path() + " cannot be written: "
                                + e.getMessage());
                spec.commandLine().getErr().flush();
                return Exits.USAGE;
            }
        }

        abstract int run() throws ConnectionOptions.BadSetting, CtlConfig.InvalidConfigException, IOException;
    }

    @Command(name = "get-contexts",
            description = "Every context: its plane's servers and its user; * marks the current.")
    public static final class GetContexts extends ConfigVerb {
        @Override
        int run() throws ConnectionOptions.BadSetting {
            CtlConfig config = options().config();
            ArrayNode list = new ObjectMapper().createArrayNode();
            Table table = new Table("CURRENT", "NAME", "PLANE", "USER", "DECISION-SERVICE", "ACTUATORS");
            for (CtlConfig.Context c : config.contexts().values()) {
                CtlConfig.Plane plane = config.planes().get(c.plane());
                boolean current = c.name().equals(config.currentContext());
                String decision = plane.decisionService() == null ? "-" : plane.decisionService().toString();
                table.row(current ? "*" : "", c.name(), c.plane(), c.user() == null ? "-" : c.user(), decision,
                        String.valueOf(plane.actuators().size()));
                ObjectNode node = list.addObject().put("name", c.name()).put("current", current).put("plane", c.plane())
                        .put("user", c.user())
                        .put("decisionService", plane.decisionService() == null ? null : decision);
                plane.actuators().forEach(a -> node.withArray("actuators").add(a.toString()));
            }
            String document = options().output.document(list);
            spec.commandLine().getOut().print(document != null ? document
                    : table.isEmpty() ? "no contexts in " + config.file() + "\n" : table.toString());
            return Exits.OK;
        }
    }

    @Command(name = "current-context", description = "The current context's name.")
    public static final class CurrentContext extends ConfigVerb {
        @Override
        int run() throws ConnectionOptions.BadSetting {
            CtlConfig config = options().config();
            if (config.currentContext() == null) {
                throw new ConnectionOptions.BadSetting("no current-context in " + config.file());
            }
            spec.commandLine().getOut().println(config.currentContext());
            return Exits.OK;
        }
    }

    @Command(name = "use-context", description = "Make a context the current one (only the current-context line of the "
            + "file is written).")
    public static final class UseContext extends ConfigVerb {
        @Parameters(paramLabel = "CONTEXT")
        String name;

        @Override
        int run() throws CtlConfig.InvalidConfigException, IOException {
            var file = options().configFile();
            file.useContext(name);
            spec.commandLine().getOut().println("switched to context \"" + name + "\" (" + file.path() + ")");
            return Exits.OK;
        }
    }

}
