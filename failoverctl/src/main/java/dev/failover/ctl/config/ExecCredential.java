package dev.failover.ctl.config;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.ctl.http.ApiException;

/**
 * A token from a command, as kubectl's exec credential plugins: the command (an identity provider's CLI, a vault
 * client) prints the token on stdout, either alone or as JSON: a kubectl ExecCredential ({@code status.token}) or an
 * OAuth token response ({@code access_token}). It is told which API the token is for in {@code FAILOVERCTL_AUDIENCE}
 * (failover-decision-service or failover-actuator-service) and {@code FAILOVERCTL_SERVER}. On a terminal its stdin
 * and stderr are the terminal's, so it may ask the person to log in; elsewhere (scripts, CI) its stderr is kept and
 * quoted when it fails.
 */
public final class ExecCredential {

    /** A login in a browser may take a while; a hung command must not hold the operator forever. */
    static final Duration LIMIT = Duration.ofMinutes(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecCredential() {
    }

    /**
     * Runs the command and returns its token.
     *
     * @param interactive on a terminal: the command talks to the person directly (stdin and stderr inherited)
     */
    public static String token(CtlConfig.Exec exec, String audience, String server, boolean interactive)
            throws ApiException.NoCredentials {
        List<String> command = new ArrayList<>();
        command.add(exec.command());
        command.addAll(exec.args());
        String shown = String.join(" ", command);
        File stderr = null;
        try {
            stderr = File.createTempFile("failoverctl-exec-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(interactive ? ProcessBuilder.Redirect.INHERIT
                            : ProcessBuilder.Redirect.PIPE)
                    .redirectError(interactive ? ProcessBuilder.Redirect.INHERIT
                            : ProcessBuilder.Redirect.to(stderr));
            builder.environment().putAll(exec.env());
            builder.environment().put("FAILOVERCTL_AUDIENCE", audience);
            builder.environment().put("FAILOVERCTL_SERVER", server);
            Process process = builder.start();
            if (!interactive) {
                process.getOutputStream().close(); // no person to answer a prompt
            }
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return process.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ApiException.NoCredentials("the token command '" + shown + "' did not finish within "
                        + LIMIT.toMinutes() + " minutes");
            }
            String text = new String(out.join(), StandardCharsets.UTF_8).trim();
            String errors = Files.readString(stderr.toPath()).trim();
            if (process.exitValue() != 0) {
                throw new ApiException.NoCredentials("the token command '" + shown + "' failed (exit "
                        + process.exitValue()
                        + ")"
                        + (errors.isEmpty() ? (interactive ? " (its messages are above)" : "") : ": " + last(errors)));
            }
            String token = parse(text);
            if (token == null) {
                throw new ApiException.NoCredentials("the token command '" + shown + "' printed no token"
                        + (errors.isEmpty() ? "" : ": " + last(errors)));
            }
            return token;
        } catch (IOException e) {
            throw new ApiException.NoCredentials("the token command '" + shown + "' cannot be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.NoCredentials("interrupted while running the token command '" + shown + "'");
        } finally {
            if (stderr != null) {
                stderr.delete();
            }
        }
    }

    /** The token in the command's output: the text itself, or the token field of its JSON. */
    static String parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.startsWith("{")) {
            try {
                JsonNode json = JSON.readTree(text);
                for (JsonNode candidate : List.of(json.path("status").path("token"), json.path("access_token"),
                        json.path("token"))) {
                    if (candidate.isTextual() && !candidate.asText().isBlank()) {
                        return candidate.asText().trim();
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        }
        return text.lines().count() == 1 && !text.contains(" ") ? text : null;
    }

    private static String last(String errors) {
        return errors.length() <= 400 ? errors : "..." + errors.substring(errors.length() - 400);
    }
}
