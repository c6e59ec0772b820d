package dev.failover.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.SecurityUtils;
import org.apache.kafka.tools.AclCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.failover.ctl.exit.Exits;
import dev.failover.kafka.security.ServiceAcls;
import dev.failover.testkit.kafka.EmbeddedKafkaBroker;
import dev.failover.testkit.net.FreePorts;

/**
 * {@code failoverctl kafka-acls} prints the services' ACLs as kafka-acls.sh lines, or applies them, from their one
 * source ({@link ServiceAcls}): the lines are parsed back into exactly that table's bindings, and Kafka's own tool
 * (the class kafka-acls.sh runs) applying them leaves a broker with exactly those ACLs, as {@code --apply} does.
 */
class KafkaAclsCommandTest {

    static final ServiceAcls RENAMED = new ServiceAcls("User:probe-eu", "User:decision-eu", "User:actuator-eu");

    static EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startSecured(List.of());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = FailoverCtl.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void printsOneKafkaAclsLinePerBindingOfServiceAcls() {
        Run run = run("kafka-acls", "--bootstrap-server", "b-1.kafka.example:9096", "--command-config",
                "/etc/failover/admin.properties", "--probe-principal", RENAMED.probe(), "--decision-principal",
                RENAMED.decision(), "--actuator-principal", RENAMED.actuator());

        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        List<String> lines = run.out().lines().toList();
        assertThat(lines).as("one line per binding, none twice").hasSize(RENAMED.bindings().size())
                .doesNotHaveDuplicates();
        List<AclBinding> parsed = new ArrayList<>();
        for (String line : lines) {
            List<String> words = shellWords(line);
            assertThat(words.subList(0, 6)).as(line).containsExactly("kafka-acls.sh", "--bootstrap-server",
                    "b-1.kafka.example:9096", "--command-config", "/etc/failover/admin.properties", "--add");
            parsed.add(binding(words.subList(6, words.size())));
        }
        assertThat(parsed).containsExactlyInAnyOrderElementsOf(RENAMED.bindings());
        assertThat(lines.get(0)).as("the probe's first, a reviewer reads them per service").contains(RENAMED.probe());
    }

    @Test
    void withoutPrincipalsTheyAreServiceAclsDefaults() {
        Run run = run("kafka-acls", "--bootstrap-server", "kafka:9093", "--command-config", "admin.properties");

        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        assertThat(run.out().lines().map(line -> binding(shellWords(line).subList(6, shellWords(line).size()))))
                .containsExactlyInAnyOrderElementsOf(ServiceAcls.DEFAULT.bindings());
    }

    /**
     * What a team reviews is what Kafka applies: each printed line run through kafka-acls.sh's own class (twice: adding
     * one that exists changes nothing) leaves the broker with exactly ServiceAcls' bindings; so does --apply.
     */
    @Test
    void kafkasOwnToolAndApplyBothLeaveTheBrokerWithExactlyServiceAcls() throws Exception {
        Path admin = adminProperties(broker.adminProperties());
        Run printed = run("kafka-acls", "--bootstrap-server", broker.bootstrapServers(), "--command-config",
                admin.toString(), "--probe-principal", RENAMED.probe(), "--decision-principal", RENAMED.decision(),
                "--actuator-principal", RENAMED.actuator());
        assertThat(printed.exit()).as(printed.err()).isEqualTo(Exits.OK);
        deleteAllAcls();

        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("kafka-acls.sh exited " + code + ": " + message);
        });
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(OutputStream.nullOutputStream())); // its listing of each resource
            for (int round = 0; round < 2; round++) {
                for (String line : printed.out().lines().toList()) {
                    List<String> words = shellWords(line);
                    AclCommand.main(words.subList(1, words.size()).toArray(String[]::new));
                }
            }
        } finally {
            System.setOut(stdout);
            Exit.resetExitProcedure();
        }
        assertThat(aclsOnTheBroker()).containsExactlyInAnyOrderElementsOf(RENAMED.bindings());

        deleteAllAcls();
        for (int round = 0; round < 2; round++) {
            Run applied = run("kafka-acls", "--apply", "--bootstrap-server", broker.bootstrapServers(),
                    "--command-config", admin.toString(), "--probe-principal", RENAMED.probe(), "--decision-principal",
                    RENAMED.decision(), "--actuator-principal", RENAMED.actuator());
            assertThat(applied.exit()).as(applied.err()).isEqualTo(Exits.OK);
            assertThat(applied.out()).contains("applied " + RENAMED.bindings().size() + " ACLs for User:probe-eu");
            assertThat(aclsOnTheBroker()).containsExactlyInAnyOrderElementsOf(RENAMED.bindings());
        }
    }

    @Test
    void aWrongAdminPasswordIsARefusalNamingTheSettingsFile() throws IOException {
        Path admin = adminProperties(Map.copyOf(broker.clientProperties(EmbeddedKafkaBroker.ADMIN_USER, "not-it")));
        Run run = run("kafka-acls", "--apply", "--bootstrap-server", broker.bootstrapServers(), "--command-config",
                admin.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.REFUSED);
        assertThat(run.err()).contains("failoverctl: kafka-acls:").contains(admin.toString())
                .contains("Authentication failed");
    }

    @Test
    void noBrokerAnsweringWithinTimeoutIsATimeout() throws IOException {
        Path admin = Files.writeString(dir.resolve("admin.properties"), "security.protocol=PLAINTEXT\n");
        long start = System.nanoTime();
        Run run = run("kafka-acls", "--apply", "--bootstrap-server", "127.0.0.1:" + FreePorts.next(),
                "--command-config", admin.toString(), "--timeout", "2s");

        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.TIMEOUT);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("--timeout bounds it").isLessThan(20);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aBootstrapServerWhoseNameDoesNotResolveIsTheDnsExitCode() throws IOException {
        Path admin = Files.writeString(dir.resolve("admin.properties"), "security.protocol=PLAINTEXT\n");
        // .invalid never resolves (RFC 2606)
        Run run = run("kafka-acls", "--apply", "--bootstrap-server", "kafka.failover.invalid:9093", "--command-config",
                admin.toString(), "--timeout", "2s");

        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.NAME_NOT_RESOLVED);
        assertThat(run.err()).contains("No resolvable bootstrap urls").contains(admin.toString());
    }

    @Test
    void aMissingOrUnknownOptionIsAUsageErrorNamingIt() {
        Run missing = run("kafka-acls", "--command-config", "admin.properties");
        assertThat(missing.exit()).isEqualTo(Exits.USAGE);
        assertThat(missing.err()).contains("--bootstrap-server");

        Run unknown = run("kafka-acls", "--bootstrap-server", "kafka:9093", "--command-config", "admin.properties",
                "--probe-principle", "User:probe");
        assertThat(unknown.exit()).isEqualTo(Exits.USAGE);
        assertThat(unknown.err()).contains("--probe-principle");
        assertThat(unknown.out()).isEmpty();
    }

    @Test
    void aPrincipalThatIsNoneOrTakenIsAUsageErrorNamingItsOption() {
        Run bare = run("kafka-acls", "--bootstrap-server", "kafka:9093", "--command-config", "admin.properties",
                "--decision-principal", "failover-decision");
        assertThat(bare.exit()).isEqualTo(Exits.USAGE);
        assertThat(bare.err()).contains("--decision-principal")
                .contains("'failover-decision' is not a Kafka principal");
        assertThat(bare.out()).isEmpty();

        Run shared = run("kafka-acls", "--bootstrap-server", "kafka:9093", "--command-config", "admin.properties",
                "--actuator-principal", ServiceAcls.DEFAULT.probe());
        assertThat(shared.exit()).isEqualTo(Exits.USAGE);
        assertThat(shared.err()).contains("--actuator-principal").contains("--probe-principal");
    }

    @Test
    void anUnreadableAdminSettingsFileIsAUsageErrorNamingIt() {
        Path absent = dir.resolve("absent.properties");
        Run run = run("kafka-acls", "--apply", "--bootstrap-server", "kafka:9093", "--command-config",
                absent.toString());
        assertThat(run.exit()).isEqualTo(Exits.USAGE);
        assertThat(run.err()).contains("--command-config").contains(absent.toString());
    }

    @Test
    void aWordTheShellWouldChangeIsQuotedSoThatItReadsBackTheSame() {
        Run run = run("kafka-acls", "--bootstrap-server", "kafka:9093", "--command-config", dir.resolve("my admin's")
                .toString(), "--probe-principal", "User:CN=probe,O=Example Corp");
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        String first = run.out().lines().findFirst().orElseThrow();
        assertThat(shellWords(first)).contains(dir.resolve("my admin's").toString(), "User:CN=probe,O=Example Corp",
                "*");
    }

    /** The binding one kafka-acls.sh --add line's words (after --add) make, read as Kafka's tool reads them. */
    static AclBinding binding(List<String> words) {
        Map<String, String> options = new HashMap<>();
        ResourceType type = null;
        String name = null;
        for (int i = 0; i < words.size(); i += 2) {
            String option = words.get(i);
            switch (option) {
                case "--topic", "--group", "--transactional-id" -> {
                    assertThat(type).as("one resource per line").isNull();
                    type = option.equals("--topic") ? ResourceType.TOPIC
                            : option.equals("--group") ? ResourceType.GROUP : ResourceType.TRANSACTIONAL_ID;
                    name = words.get(i + 1);
                }
                case "--allow-principal", "--allow-host", "--operation", "--resource-pattern-type" -> assertThat(
                        options.put(option, words.get(i + 1))).as(option + " once per line").isNull();
                default -> throw new AssertionError("unexpected option " + option + " in " + words);
            }
        }
        assertThat(type).as("a resource in " + words).isNotNull();
        // as the tool's own converter (jopt-simple's EnumConverter) reads it: the enum's name, in any case
        PatternType pattern = PatternType.valueOf(options.get("--resource-pattern-type").toUpperCase(Locale.ROOT));
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(options.get("--allow-principal"), options.get("--allow-host"),
                        SecurityUtils.operation(options.get("--operation")), AclPermissionType.ALLOW));
    }

    /** A line split into words as a POSIX shell splits it: blanks between words, single quotes, backslash escapes. */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            word = word == null ? new StringBuilder() : word;
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                assertThat(end).as("a closing quote in " + line).isPositive();
                word.append(line, i + 1, end);
                i = end;
            } else if (c == '\\') {
                word.append(line.charAt(++i));
            } else {
                assertThat("\"$`*?[]{}()<>|&;#~!".indexOf(c)).as("'" + c + "' unquoted in " + line).isNegative();
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    private Path adminProperties(Map<String, ?> client) throws IOException {
        Properties properties = new Properties();
        client.forEach((key, value) -> {
            if (!key.equals(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                properties.setProperty(key, String.valueOf(value));
            }
        });
        Path file = Files.createTempFile(dir, "admin", ".properties");
        try (var out = Files.newBufferedWriter(file)) {
            properties.store(out, "the broker's admin, as kafka-acls.sh --command-config takes it");
        }
        return file;
    }

    private static Set<AclBinding> aclsOnTheBroker() throws Exception {
        try (Admin admin = Admin.create(broker.adminProperties())) {
            List<AclBinding> all = new ArrayList<>(admin.describeAcls(AclBindingFilter.ANY).values()
                    .get(30, TimeUnit.SECONDS));
            Set<AclBinding> distinct = new HashSet<>(all);
            assertThat(distinct).as("no ACL twice").hasSize(all.size());
            return distinct;
        }
    }

    private static void deleteAllAcls() throws Exception {
        try (Admin admin = Admin.create(broker.adminProperties())) {
            admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get(30, TimeUnit.SECONDS);
        }
        assertThat(aclsOnTheBroker()).isEmpty();
    }
}
