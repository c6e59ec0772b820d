package dev.failover.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.failover.ctl.exit.Exits;

/**
 * Named contexts in a config file (kubeconfig-like: planes, users, contexts), {@code config get-contexts /
 * current-context / use-context}, tokens from a command (exec credential), and which source wins.
 */
class ContextsTest {

    record Run(int exit, String out, String err) {
    }

    @TempDir
    Path home;

    final FakeApi prod = new FakeApi();
    final FakeApi staging = new FakeApi();
    final Map<String, String> env = new HashMap<>();

    @AfterEach
    void stop() {
        prod.close();
        staging.close();
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        env.putIfAbsent("HOME", home.toString());
        int exit = FailoverCtl.commandLine(env).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    Path config(String text) throws IOException {
        Path file = home.resolve(".config/failoverctl/config.yaml");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    Path script(String name, String body) throws IOException {
        Path file = home.resolve(".config/failoverctl").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    String twoPlanes() throws IOException {
        Path token = Files.writeString(home.resolve("staging.token"), "staging-token\n");
        script("idp-token", "echo \"$1-$FAILOVERCTL_AUDIENCE\"");
        return """
                # my planes: comments stay when use-context writes
                current-context: prod
                planes:
                  - name: prod
                    decision-service: %s
                    actuators: ["%s"]
                  - name: staging
                    decision-service: %s
                users:
                  - name: alice
                    exec: {command: ./idp-token, args: [alice]}
                  - name: ci
                    token-file: %s
                contexts:
                  - {name: prod, plane: prod, user: alice}
                  - {name: staging, plane: staging, user: ci}
                """.formatted(prod.url(), prod.url(), staging.url(), token);
    }

    @Test
    void theCurrentContextGivesTheServerAndAnExecTokenForItsAudience() throws IOException {
        config(twoPlanes());
        prod.answer("GET /groups", 200, "[]");
        prod.answer("GET /groups/api", 200, "{\"group\":\"api\",\"status\":\"CONVERGING\",\"desiredTarget\":\"b\"}");
        Run run = run("status");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(prod.requests.get(0).header("Authorization")).isEqualTo("Bearer alice-failover-decision-service");
        run("databases", "api");
        assertThat(prod.requests.get(1).header("Authorization"))
                .as("an actuator command is asked for the actuator's audience")
                .isEqualTo("Bearer alice-failover-actuator-service");
    }

    @Test
    void useContextSwitchesAndKeepsTheRestOfTheFile() throws IOException {
        Path file = config(twoPlanes());
        staging.answer("GET /groups", 200, "[]");
        Run list = run("config", "get-contexts");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("\\*\\s+prod\\s+prod\\s+alice\\s+" + prod.url() + "\\s+1")
                .containsPattern("\\n\\s+staging\\s+staging\\s+ci\\s+" + staging.url() + "\\s+0");

        Run use = run("config", "use-context", "staging");
        assertThat(use.exit()).as(use.err()).isZero();
        assertThat(Files.readString(file)).startsWith("# my planes: comments stay")
                .contains("current-context: staging\n")
                .doesNotContain("current-context: prod");
        assertThat(run("config", "current-context").out()).isEqualTo("staging\n");
        assertThat(run("status").exit()).isZero();
        assertThat(staging.requests.get(0).header("Authorization")).isEqualTo("Bearer staging-token");

        Run unknown = run("config", "use-context", "nope");
        assertThat(unknown.exit()).isEqualTo(Exits.USAGE);
        assertThat(unknown.err()).contains("no context named 'nope'").contains("prod, staging");
    }

    @Test
    void aNamedContextWinsOverTheEnvironmentAndFlagsWinOverBoth() throws IOException {
        config(twoPlanes());
        prod.answer("GET /groups", 200, "[]");
        staging.answer("GET /groups", 200, "[]");
        env.put("FAILOVER_URL", prod.url());
        env.put("FAILOVER_TOKEN", "from-env");
        assertThat(run("--context", "staging", "status").exit()).isZero();
        assertThat(staging.requests).hasSize(1);
        assertThat(staging.requests.get(0).header("Authorization")).isEqualTo("Bearer staging-token");

        env.put("FAILOVER_URL", staging.url());
        assertThat(run("status").exit()).as("the environment wins over the current context").isZero();
        assertThat(staging.requests.get(1).header("Authorization")).isEqualTo("Bearer from-env");

        env.put("FAILOVERCTL_CONTEXT", "prod");
        assertThat(run("status", "--url", staging.url(), "--token", "flag").exit()).isZero();
        assertThat(staging.requests.get(2).header("Authorization")).isEqualTo("Bearer flag");
        assertThat(prod.requests).isEmpty();
    }

    @Test
    void aFailingTokenCommandExitsWith10AndSaysWhyBeforeAnythingIsSent() throws IOException {
        Path expired = script("expired", "echo 'SSO session expired: run idp login' >&2; exit 3");
        config("""
                current-context: prod
                planes: [{name: prod, decision-service: "%s"}]
                users: [{name: alice, exec: {command: "%s"}}]
                contexts: [{name: prod, plane: prod, user: alice}]
                """.formatted(prod.url(), expired));
        Run run = run("status");
        assertThat(run.exit()).isEqualTo(Exits.CREDENTIALS);
        assertThat(run.err()).contains("token command").contains("exit 3")
                .contains("SSO session expired: run idp login");
        assertThat(prod.requests).isEmpty();
    }

    @Test
    void anExecCredentialJsonIsReadAsKubectlWritesIt() throws IOException {
        script("cred", "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                + "\"status\":{\"token\":\"jwt-from-json\",\"expirationTimestamp\":\"2026-11-24T05:00:00Z\"}}'");
        config("""
                planes: [{name: p, decision-service: "%s"}]
                users: [{name: u, exec: {command: ./cred}}]
                contexts: [{name: c, plane: p, user: u}]
                """.formatted(prod.url()));
        prod.answer("GET /groups", 200, "[]");
        Run run = run("status", "--context", "c");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(prod.requests.get(0).header("Authorization")).isEqualTo("Bearer jwt-from-json");
    }

    @Test
    void aBadConfigIsRefusedNamingTheFileAndEveryBadKey() throws IOException {
        Path file = config("""
                current-context: nowhere
                planes: [{name: p, decision-service: "ftp://x", tokn: 1}]
                contexts: [{name: c, plane: q}]
                """);
        Run run = run("status");
        assertThat(run.exit()).isEqualTo(Exits.USAGE);
        assertThat(run.err()).contains(file.toString()).contains("planes[0].decision-service: must be an http(s) URL")
                .contains("planes[0].tokn: unknown key").contains("contexts[0].plane: no plane named 'q'")
                .contains("current-context: no context named 'nowhere'");
        assertThat(run("status", "--config", home.resolve("missing.yaml").toString()).err()).contains("missing.yaml")
                .contains("no such file");
        assertThat(run("--context", "x", "status", "--config", "/dev/null").err()).contains("no context named 'x'");
    }

    @Test
    void withoutAConfigFileTheLocalDefaultsStay() {
        env.put("FAILOVER_URL", prod.url());
        prod.answer("GET /groups", 200, "[]");
        assertThat(run("status").exit()).isZero();
        assertThat(run("config", "get-contexts").out()).startsWith("no contexts in ");
    }
}
