package dev.failover.kafka.security;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * The security settings of one service's Kafka clients (the map every channel and every hand-built client gets), checked
 * once at start by the service's config resolver: a setting that would make the clients fail on their first connection,
 * or silently not authenticate, is reported here naming its {@code kafka.} key.
 *
 * @param protocol the security protocol the clients use (PLAINTEXT when none is set, as Kafka's default)
 * @param problems every bad setting; empty when the settings are usable
 */
public record KafkaSecurityCheck(SecurityProtocol protocol, List<KafkaConfigProblem> problems) {

    /** The client keys with the prefix the service's configuration gives them (Quarkus' {@code kafka.*}). */
    static final String PREFIX = "kafka.";
    static final List<String> TRUST_STORE_TYPES = List.of("JKS", "PKCS12", "PEM");

    /** The SASL mechanisms of Kafka's clients, each with the JAAS login module it takes. */
    enum SaslMechanism {
        PLAIN("org.apache.kafka.common.security.plain.PlainLoginModule"),
        SCRAM_SHA_256("org.apache.kafka.common.security.scram.ScramLoginModule"),
        SCRAM_SHA_512("org.apache.kafka.common.security.scram.ScramLoginModule"),
        OAUTHBEARER("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"),
        GSSAPI("com.sun.security.auth.module.Krb5LoginModule");

        final String loginModule;

        SaslMechanism(String loginModule) {
            this.loginModule = loginModule;
        }

        String mechanismName() {
            return name().replace('_', '-');
        }

        static Optional<SaslMechanism> of(String name) {
            return Arrays.stream(values()).filter(m -> m.mechanismName().equals(name.trim())).findFirst();
        }
    }

    public KafkaSecurityCheck {
        problems = List.copyOf(problems);
    }

    /** @param kafka the service's Kafka client properties, keys without the {@code kafka.} prefix */
    public static KafkaSecurityCheck of(Map<String, ?> kafka) {
        List<KafkaConfigProblem> problems = new ArrayList<>();
        Optional<SecurityProtocol> known = protocol(kafka, problems);
        if (known.isEmpty()) {
            // what else is needed depends on the protocol: nothing more can be told
            return new KafkaSecurityCheck(SecurityProtocol.PLAINTEXT, problems);
        }
        SecurityProtocol protocol = known.get();
        boolean sasl = protocol == SecurityProtocol.SASL_SSL || protocol == SecurityProtocol.SASL_PLAINTEXT;
        boolean tls = protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
        if (sasl) {
            sasl(kafka, problems);
        } else {
            for (String key : List.of(SaslConfigs.SASL_MECHANISM, SaslConfigs.SASL_JAAS_CONFIG)) {
                value(kafka, key).ifPresent(v -> problem(problems, key, "is set, but " + PREFIX
                        + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG + " is " + protocol
                        + ": the credentials would not be used; set it to SASL_SSL"));
            }
        }
        if (tls) {
            tls(kafka, problems);
        }
        return new KafkaSecurityCheck(protocol, problems);
    }

    /** What to log once at start about a protocol that leaves the boundary open, if it does. */
    public Optional<String> warning() {
        String readme = "; see the README's Security section (docs/security-kafka.md)";
        return switch (protocol) {
            case PLAINTEXT -> Optional.of(PREFIX + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG
                    + " is PLAINTEXT: Kafka neither authenticates nor encrypts, so anyone who can reach the broker can write"
                    + " decisions and commands and move traffic" + readme);
            case SASL_PLAINTEXT -> Optional.of(PREFIX + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG
                    + " is SASL_PLAINTEXT: clients authenticate, but every record crosses the network unencrypted" + readme);
            default -> Optional.empty();
        };
    }

    /** One line per problem, for the message that stops the start. */
    public String describeProblems() {
        return problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }

    /** The protocol set (PLAINTEXT when none is, as Kafka's default); empty, with a problem, when it is unknown. */
    private static Optional<SecurityProtocol> protocol(Map<String, ?> kafka, List<KafkaConfigProblem> problems) {
        Optional<String> name = value(kafka, CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        if (name.isEmpty()) {
            return Optional.of(SecurityProtocol.PLAINTEXT);
        }
        String upper = name.get().trim().toUpperCase(Locale.ROOT);
        Optional<SecurityProtocol> protocol = Arrays.stream(SecurityProtocol.values()).filter(p -> p.name.equals(upper)).findFirst();
        if (protocol.isEmpty()) {
            problem(problems, CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "'" + name.get() + "' is not one of "
                    + Arrays.stream(SecurityProtocol.values()).map(p -> p.name).collect(Collectors.joining(", ")));
        }
        return protocol;
    }

    private static void sasl(Map<String, ?> kafka, List<KafkaConfigProblem> problems) {
        String known = Arrays.stream(SaslMechanism.values()).map(SaslMechanism::mechanismName).collect(Collectors.joining(", "));
        Optional<String> mechanismName = value(kafka, SaslConfigs.SASL_MECHANISM);
        Optional<SaslMechanism> mechanism = mechanismName.flatMap(SaslMechanism::of);
        if (mechanismName.isEmpty()) {
            problem(problems, SaslConfigs.SASL_MECHANISM, "is required with SASL (e.g. SCRAM-SHA-512), one of " + known);
        } else if (mechanism.isEmpty()) {
            problem(problems, SaslConfigs.SASL_MECHANISM, "'" + mechanismName.get() + "' is not one of " + known);
        }
        Optional<String> jaas = value(kafka, SaslConfigs.SASL_JAAS_CONFIG);
        if (jaas.isEmpty()) {
            problem(problems, SaslConfigs.SASL_JAAS_CONFIG, "is required with SASL: the login module and this service's"
                    + " credentials, e.g. org.apache.kafka.common.security.scram.ScramLoginModule required username=\"...\""
                    + " password=\"...\";");
            return;
        }
        List<AppConfigurationEntry> entries;
        try {
            entries = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas.get()))).configurationEntries();
        } catch (IllegalArgumentException | KafkaException e) {
            // the parser's message quotes no option values, so no password reaches the log
            problem(problems, SaslConfigs.SASL_JAAS_CONFIG, "cannot be parsed: " + e.getMessage());
            return;
        }
        if (entries.size() != 1) {
            problem(problems, SaslConfigs.SASL_JAAS_CONFIG, "must name exactly one login module, names " + entries.size());
        } else if (mechanism.isPresent() && !entries.get(0).getLoginModuleName().equals(mechanism.get().loginModule)) {
            problem(problems, SaslConfigs.SASL_JAAS_CONFIG, "names the login module " + entries.get(0).getLoginModuleName()
                    + ", but " + PREFIX + SaslConfigs.SASL_MECHANISM + "=" + mechanism.get().mechanismName() + " takes "
                    + mechanism.get().loginModule);
        }
    }

    private static void tls(Map<String, ?> kafka, List<KafkaConfigProblem> problems) {
        value(kafka, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG).ifPresent(type -> {
            if (!TRUST_STORE_TYPES.contains(type.trim().toUpperCase(Locale.ROOT))) {
                problem(problems, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "'" + type + "' is not one of "
                        + String.join(", ", TRUST_STORE_TYPES));
            }
        });
        readableFile(kafka, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, problems);
        readableFile(kafka, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, problems);
    }

    private static void readableFile(Map<String, ?> kafka, String key, List<KafkaConfigProblem> problems) {
        value(kafka, key).ifPresent(location -> {
            try {
                Path path = Path.of(location.trim());
                if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                    problem(problems, key, "'" + location + "' is not a readable file");
                }
            } catch (InvalidPathException e) {
                problem(problems, key, "'" + location + "' is not a file path: " + e.getMessage());
            }
        });
    }

    /** A setting's value; blank counts as not set. A {@link Password} is read, never printed. */
    private static Optional<String> value(Map<String, ?> kafka, String key) {
        Object value = kafka.get(key);
        String text = value instanceof Password password ? password.value() : value == null ? null : value.toString();
        return Optional.ofNullable(text).filter(t -> !t.isBlank());
    }

    private static void problem(List<KafkaConfigProblem> problems, String key, String message) {
        problems.add(new KafkaConfigProblem(PREFIX + key, message));
    }
}
