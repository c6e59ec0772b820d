package dev.failover.ctl.command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.failover.ctl.Exits;
import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command that calls the API: it turns the outcome into the documented exit code and prints expected failures as one
 * line on stderr (never a stack trace). Output goes to picocli's writers, so tests can run commands in-process.
 */
abstract class ApiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Override
    public final Integer call() {
        try {
            return run(connection.client());
        } catch (ApiException e) {
            err().println("failoverctl: " + e.getMessage());
            return e.exitCode();
        }
    }

    abstract int run(ApiClient api) throws ApiException;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean json() {
        return connection.output == ConnectionOptions.Output.json;
    }

    static int ok() {
        return Exits.OK;
    }
}
