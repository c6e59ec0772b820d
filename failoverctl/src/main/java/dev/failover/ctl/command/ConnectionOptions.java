package dev.failover.ctl.command;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.failover.ctl.http.ApiClient;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where the decision-service is, who the caller is, and how to print: options every command takes, with environment
 * variables as defaults so that a shell set up once (FAILOVER_URL, FAILOVER_TOKEN) needs no flags at 3 a.m.
 */
public final class ConnectionOptions {

    /** How answers are printed. */
    public enum Output {
        table, json
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "${env:FAILOVER_URL:-http://127.0.0.1:8280}",
            description = "decision-service base URL (env FAILOVER_URL; default ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--token", defaultValue = "${env:FAILOVER_TOKEN}",
            description = "bearer token of the role failover-viewer or failover-operator (env FAILOVER_TOKEN)")
    String token;

    @Option(names = "--token-file", description = "file holding the token; used instead of --token and FAILOVER_TOKEN")
    Path tokenFile;

    @Option(names = { "-o", "--output" }, defaultValue = "table",
            description = "table or json (the server's JSON as it came); default ${DEFAULT-VALUE}")
    Output output;

    @Option(names = "--timeout", defaultValue = "15s", converter = DurationConverter.class,
            description = "how long to wait for the server, e.g. 15s, 500ms; default ${DEFAULT-VALUE}")
    Duration timeout;

    /** A file names a secret on purpose, so it wins over the environment (which may hold an older token). */
    String token() {
        if (tokenFile == null) {
            return token == null || token.isBlank() ? null : token.trim();
        }
        try {
            String text = Files.readString(tokenFile).trim();
            if (text.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--token-file " + tokenFile + " is empty");
            }
            return text;
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--token-file " + tokenFile + " cannot be read: " + e.getMessage());
        }
    }

    ApiClient client() {
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "--url (or FAILOVER_URL) must be an http(s) URL, was '" + url + "'");
        }
        URI base = url.toString().endsWith("/") ? url : URI.create(url + "/");
        return new ApiClient(base, token(), timeout);
    }

    /** "15s", "500ms", "2m" or an ISO-8601 duration. */
    public static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            String t = text.trim().toLowerCase();
            try {
                if (t.startsWith("p")) {
                    return Duration.parse(t.toUpperCase());
                }
                if (t.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
                }
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> throw new IllegalArgumentException();
                };
            } catch (RuntimeException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + text + "' is not a duration like 15s, 500ms or 2m");
            }
        }
    }
}
