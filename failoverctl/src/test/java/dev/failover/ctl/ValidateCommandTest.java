package dev.failover.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.failover.ctl.exit.Exits;

/**
 * {@code failoverctl validate -f FILE} checks a topology with the services' own validator, offline, for editors and
 * CI: exit 0 when valid, 6 with every bad key when not.
 */
class ValidateCommandTest {

    static final String VALID = """
            version: 1
            locations: [loc-a, loc-b, loc-c]
            groups:
              - id: api
                dns: {zone: example.com., name: api.example.com., type: A, ttl: 30}
                targets:
                  - id: primary
                    region: us-east-1
                    probe: {type: http, url: "https://use1.example.com/health"}
                    dns: {values: [192.0.2.10]}
                  - id: secondary
                    region: us-west-2
                    probe: {type: http, url: "https://usw2.example.com/health"}
                    dns: {values: [192.0.2.20]}
            """;

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = FailoverCtl.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aValidTopologyIsSummarisedWithExitZero() throws Exception {
        Path file = Files.writeString(dir.resolve("failover.yaml"), VALID);
        Run run = run("validate", "-f", file.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        assertThat(run.out()).contains(file + ": valid").contains("1 group").contains("3 locations");
    }

    @Test
    void everyBadKeyIsNamedWithExitSix() throws Exception {
        Path file = Files.writeString(dir.resolve("failover.yaml"), VALID.replace("ttl: 30", "ttl: 0")
                .replace("https://usw2.example.com/health", "ftp://usw2.example.com/health"));
        Run run = run("validate", "-f", file.toString());
        assertThat(run.exit()).isEqualTo(Exits.INVALID);
        assertThat(run.err()).contains("groups[0].dns.ttl: must be between 1 and 86400")
                .contains("groups[0].targets[1].probe.url");
    }

    @Test
    void anUnreadableFileIsNamed() {
        Run run = run("validate", "-f", dir.resolve("missing.yaml").toString());
        assertThat(run.exit()).isEqualTo(Exits.INVALID);
        assertThat(run.err()).contains("missing.yaml").contains("cannot read");
    }
}
