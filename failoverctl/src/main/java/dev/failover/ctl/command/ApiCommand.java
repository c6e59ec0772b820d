package dev.failover.ctl.command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.ctl.Exits;
import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.render.Output;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command that calls an API: it turns the outcome into the documented exit code and prints expected failures as one
 * line on stderr (never a stack trace). Output goes to picocli's writers, so tests can run commands in-process. The
 * connection settings are the top command's global options ({@link ConnectionOptions}), given anywhere on the line.
 */
abstract class ApiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (ApiException e) {
            err().println("failoverctl: " + e.getMessage());
            err().flush();
            return e.exitCode();
        } catch (ConnectionOptions.BadSetting e) {
            err().println("failoverctl: " + e.getMessage());
            err().flush();
            return Exits.USAGE;
        }
    }

    /** Calls the decision-service; a command that calls another service overrides this. */
    int run() throws ApiException, ConnectionOptions.BadSetting {
        return run(options().decisionService());
    }

    abstract int run(ApiClient api) throws ApiException;

    /** The global options: a mixin of the top command, whose values were set wherever on the line they were given. */
    ConnectionOptions options() {
        return (ConnectionOptions) spec.root().mixins().get("options").userObject();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean json() {
        return options().output.kind() != Output.Kind.table;
    }

    /** The server's answer as -o asks: the table view, or the answer itself as JSON or YAML. */
    void print(JsonNode body, Function<JsonNode, String> view) {
        String document = options().output.document(body);
        out().print(document != null ? document : view.apply(body));
        out().flush();
    }

    static int ok() {
        return Exits.OK;
    }
}
