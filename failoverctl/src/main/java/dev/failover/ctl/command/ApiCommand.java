package dev.failover.ctl.command;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.ctl.exit.Exits;
import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.render.Output;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

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
        Optional<Repeat> repeat = repeat();
        if (repeat.isEmpty()) {
            return once();
        }
        // asked again and again by a process beside it (the fence agent): one line a question, ending when that process
        // is gone (its parent), so that an agent killed hard leaves no CLI asking for ever
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        int exit = Exits.OK;
        for (long asked = 0; repeat.get().count() == 0 || asked < repeat.get().count(); asked++) {
            if (asked > 0) {
                try {
                    Thread.sleep(repeat.get().every().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return exit;
                }
            }
            if (parent.isPresent() && !parent.get().isAlive()) {
                return exit;
            }
            String at = repeat.get().stamp().get();
            exit = once();
            out().println("exit " + exit + " asked " + at);
            out().flush();
        }
        return exit;
    }

    /**
     * How a command asked again and again repeats: every {@code every}, {@code count} times (0: until the process that
     * started it is gone), each answer's line stamped by {@code stamp}, read before the question.
     */
    record Repeat(java.time.Duration every, long count, java.util.function.Supplier<String> stamp) {
    }

    /** Empty: the command asks once (all but {@code start-check --every}). */
    Optional<Repeat> repeat() {
        return Optional.empty();
    }

    private int once() {
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
