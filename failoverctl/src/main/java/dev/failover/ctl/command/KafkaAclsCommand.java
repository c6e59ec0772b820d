package dev.failover.ctl.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.utils.SecurityUtils;

import dev.failover.ctl.exit.Exits;
import dev.failover.kafka.security.ApplyServiceAcls;
import dev.failover.kafka.security.ServiceAcls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The services' Kafka ACLs ({@link ServiceAcls}, their one source): printed as Kafka's own {@code kafka-acls.sh} lines
 * for a team to review and run, or applied with an admin's client settings. Both are made from the same bindings, so
 * what is reviewed is what is applied. Offline unless {@code --apply}: it asks no decision-service.
 */
@Command(name = "kafka-acls", description = "The services' Kafka ACLs (ServiceAcls) for these principals: by default "
        + "one kafka-acls.sh --add line per ACL, to review and run with Kafka's own tool (adding an ACL that exists "
        + "changes nothing); --apply creates them with the admin settings of --command-config. Not for MSK with IAM, "
        + "whose IAM policies (deploy/aws/msk) are its ACLs.")
public final class KafkaAclsCommand implements Callable<Integer> {

    /** Kafka's tool that the printed lines run. */
    static final String TOOL = "kafka-acls.sh";

    /** A word a POSIX shell takes as it is; anything else is single-quoted. */
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT",
            description = "the brokers' listener the admin connects to (also written into each printed line)")
    String bootstrapServer;

    @Option(names = "--command-config", required = true, paramLabel = "FILE", description = "the admin's client "
            + "settings (security.protocol, sasl.*, ssl.*), as kafka-acls.sh takes them; read only with --apply")
    Path commandConfig;

    @Option(names = "--probe-principal", paramLabel = "User:NAME",
            description = "the probe-services' principal (default User:failover-probe)")
    String probe;

    @Option(names = "--decision-principal", paramLabel = "User:NAME",
            description = "the decision-services' principal (default User:failover-decision)")
    String decision;

    @Option(names = "--actuator-principal", paramLabel = "User:NAME",
            description = "the actuators' principal (default User:failover-actuator)")
    String actuator;

    @Option(names = "--apply", description = "create the ACLs now instead of printing them (--timeout bounds the wait)")
    boolean apply;

    @Override
    public Integer call() {
        ServiceAcls acls;
        try {
            acls = acls();
        } catch (IllegalArgumentException e) {
            return fail(Exits.USAGE, e.getMessage());
        }
        List<AclBinding> bindings = ordered(acls);
        if (!apply) {
            PrintWriter out = spec.commandLine().getOut();
            bindings.forEach(binding -> out.println(line(binding, bootstrapServer, commandConfig)));
            out.flush();
            return Exits.OK;
        }
        Properties admin = new Properties();
        try (Reader in = Files.newBufferedReader(commandConfig)) {
            admin.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return fail(Exits.USAGE, "--command-config: cannot read " + commandConfig + ": " + e.getMessage());
        }
        admin.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        // the CLI's one bound on waiting for a server; the admin's own defaults (30 s, 60 s) would outlast it
        String timeout = Long.toString(timeout().toMillis());
        admin.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        admin.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        try {
            ApplyServiceAcls.apply(admin, bindings);
        } catch (IllegalStateException | KafkaException e) {
            // Admin.create says only "Failed to create new KafkaAdminClient"; why is in its cause
            String why = e instanceof KafkaException && e.getCause() != null ? e.getMessage() + ": "
                    + e.getCause().getMessage() : e.getMessage();
            return fail(exitCode(e), why + " (admin settings " + commandConfig + ")");
        }
        spec.commandLine().getOut().printf("applied %d ACLs for %s, %s, %s at %s%n", bindings.size(), acls.probe(),
                acls.decision(), acls.actuator(), bootstrapServer);
        spec.commandLine().getOut().flush();
        return Exits.OK;
    }

    /** The principals of the options, each checked as its option, the three distinct (one service, one principal). */
    private ServiceAcls acls() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("--probe-principal", probe != null ? probe : ServiceAcls.DEFAULT.probe());
        given.put("--decision-principal", decision != null ? decision : ServiceAcls.DEFAULT.decision());
        given.put("--actuator-principal", actuator != null ? actuator : ServiceAcls.DEFAULT.actuator());
        Map<String, String> optionOf = new HashMap<>();
        for (Map.Entry<String, String> option : given.entrySet()) {
            try {
                ServiceAcls.principal(option.getValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option.getKey() + ": " + e.getMessage());
            }
            String other = optionOf.putIfAbsent(option.getValue(), option.getKey());
            if (other != null) {
                throw new IllegalArgumentException(option.getKey() + ": " + option.getValue() + " is also " + other
                        + "'s; each service needs a principal of its own, or one could do what the other may");
            }
        }
        return new ServiceAcls(given.get("--probe-principal"), given.get("--decision-principal"),
                given.get("--actuator-principal"));
    }

    /** {@link ServiceAcls#bindings()} in an order to review: probe, decision, actuator, each in its table's order. */
    static List<AclBinding> ordered(ServiceAcls acls) {
        List<AclBinding> all = acls.bindings();
        List<AclBinding> ordered = new ArrayList<>(all.size());
        for (String principal : List.of(acls.probe(), acls.decision(), acls.actuator())) {
            all.stream().filter(b -> b.entry().principal().equals(principal)).forEach(ordered::add);
        }
        return ordered;
    }

    /**
     * The kafka-acls.sh line that adds exactly this binding: one principal, host, operation and resource pattern, with
     * Kafka's own names of the operation and resource type. Every word a shell would change is quoted.
     */
    static String line(AclBinding binding, String bootstrapServer, Path commandConfig) {
        if (binding.entry().permissionType() != AclPermissionType.ALLOW) {
            throw new IllegalArgumentException("only ALLOW bindings are printed: " + binding);
        }
        List<String> words = new ArrayList<>(List.of(TOOL, "--bootstrap-server", bootstrapServer, "--command-config",
                commandConfig.toString(), "--add", "--allow-principal", binding.entry().principal(), "--allow-host",
                binding.entry().host(), "--operation", SecurityUtils.operationName(binding.entry().operation())));
        ResourcePattern pattern = binding.pattern();
        switch (pattern.resourceType()) {
            case TOPIC -> words.addAll(List.of("--topic", pattern.name()));
            case GROUP -> words.addAll(List.of("--group", pattern.name()));
            case TRANSACTIONAL_ID -> words.addAll(List.of("--transactional-id", pattern.name()));
            case CLUSTER -> words.add("--cluster");
            default -> throw new IllegalArgumentException("kafka-acls.sh has no option for " + pattern.resourceType());
        }
        words.addAll(List.of("--resource-pattern-type", pattern.patternType().name().toLowerCase(Locale.ROOT)));
        return String.join(" ", words.stream().map(KafkaAclsCommand::shellWord).toList());
    }

    /** A word as a POSIX shell reads it back unchanged: as it is when plain, else in single quotes. */
    static String shellWord(String word) {
        return PLAIN_WORD.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * The CLI's codes for what the broker said: a non-retriable answer (authentication, authorization, no authorizer
     * configured) is a refusal (3); no answer in time a timeout (8); no bootstrap server whose name resolves 7, as for
     * the APIs; other settings Kafka cannot use a usage error (2); any other failure to reach the brokers 4.
     */
    static int exitCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigException) {
                // kafka-clients' ClientUtils: "No resolvable bootstrap urls given in bootstrap.servers"
                return String.valueOf(t.getMessage()).contains("No resolvable bootstrap urls") ? Exits.NAME_NOT_RESOLVED
                        : Exits.USAGE;
            }
            if (t instanceof org.apache.kafka.common.errors.TimeoutException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return Exits.TIMEOUT;
            }
            if (t instanceof ApiException && !(t instanceof RetriableException)) {
                return Exits.REFUSED;
            }
        }
        return Exits.UNREACHABLE;
    }

    private Duration timeout() {
        return ((ConnectionOptions) spec.root().mixins().get("options").userObject()).timeout;
    }

    private int fail(int exit, String message) {
        spec.commandLine().getErr().println("failoverctl: kafka-acls: " + message);
        spec.commandLine().getErr().flush();
        return exit;
    }
}
