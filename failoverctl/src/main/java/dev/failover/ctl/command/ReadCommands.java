package dev.failover.ctl.command;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.render.Views;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The reads: status, explain, history and watch. Any token with the viewer role will do. */
public final class ReadCommands {

    private ReadCommands() {
    }

    static String path(String... segments) {
        StringBuilder path = new StringBuilder("groups");
        for (String segment : segments) {
            path.append('/').append(
                    java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path.toString();
    }

    @Command(name = "status",
            description = "Every group (one line each), or one group: active target, desired vs served "
                    + "DNS, health per target and location, what holds automation, the last decision.")
    public static final class Status extends ApiCommand {
        @Parameters(arity = "0..1", paramLabel = "GROUP", description = "a group id; all groups when absent")
        String group;

        @Override
        int run(ApiClient api) throws ApiException {
            JsonNode body = api.get(group == null ? "groups" : path(group)).body();
            Instant now = Instant.now();
            print(body, group == null ? b -> Views.groups(b, now) : b -> Views.group(b, now));
            return ok();
        }
    }

    @Command(name = "explain",
            description = "Why: for a decision (its id from history), the evidence per location, the "
                    + "thresholds, the rules checked and the margin; without an id, why the group does what it does now (why it is "
                    + "not failing over).")
    public static final class Explain extends ApiCommand {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Parameters(index = "1", arity = "0..1", paramLabel = "DECISION-ID")
        String decisionId;

        @Override
        int run(ApiClient api) throws ApiException {
            JsonNode body = api.get(decisionId == null ? path(group, "explanation")
                    : path(group, "decisions", decisionId, "explanation")).body();
            print(body, Views::explanation);
            return ok();
        }
    }

    @Command(name = "history", description = "Recent decisions and operator actions of a group, newest first.")
    public static final class History extends ApiCommand {
        @Parameters(paramLabel = "GROUP")
        String group;

        @Override
        int run(ApiClient api) throws ApiException {
            JsonNode body = api.get(path(group, "history")).body();
            print(body, Views::history);
            return ok();
        }
    }

    @Command(name = "watch",
            description = "status, refreshed until interrupted (or --count times); the screen is cleared "
                    + "between refreshes only on a terminal.")
    public static final class Watch extends ApiCommand {
        @Parameters(arity = "0..1", paramLabel = "GROUP")
        String group;

        @Option(names = "--interval", defaultValue = "2s", converter = ConnectionOptions.DurationConverter.class,
                description = "time between refreshes; default ${DEFAULT-VALUE}")
        Duration interval;

        @Option(names = "--count",
                description = "stop after this many refreshes (for scripts); default: until interrupted")
        Integer count;

        @Override
        int run(ApiClient api) throws ApiException {
            boolean terminal = System.console() != null && !json();
            for (int i = 0; count == null || i < count; i++) {
                JsonNode body = api.get(group == null ? "groups" : path(group)).body();
                if (terminal) {
                    out().print("\033[H\033[2J");
                }
                String document = options().output.document(body);
                if (options().output.kind() == dev.failover.ctl.render.Output.Kind.yaml) {
                    document = "---\n" + document; // one YAML document per refresh, as kubectl get -w -o yaml
                }
                out().print(document != null ? document
                        : "every " + interval.toMillis() / 1000.0 + " s, " + java.time.Instant.now() + "\n"
                                + (group == null ? Views.groups(body, Instant.now()) : Views.group(body, Instant.now()))
                                + "\n");
                out().flush();
                if (count != null && i + 1 >= count) {
                    break;
                }
                try {
                    Thread.sleep(interval.toMillis()); // the refresh period a person asked for, not a wait on state
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return ok();
        }
    }
}
