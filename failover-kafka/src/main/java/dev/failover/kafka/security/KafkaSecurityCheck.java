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
import java.util.function.Predicate;
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

    /** The MSK IAM auth library (software.amazon.msk:aws-msk-iam-auth): MSK's own mechanism, AWS_MSK_IAM. */
    static final String MSK_IAM_LOGIN_MODULE = "software.amazon.msk.auth.iam.IAMLoginModule";
    /** What AWS_MSK_IAM needs as {@code sasl.client.callback.handler.class}: it signs with the default AWS chain. */
    static final String MSK_IAM_CLIENT_CALLBACK_HANDLER = "software.amazon.msk.auth.iam.IAMClientCallbackHandler";
    /** MSK IAM through Kafka's OAUTHBEARER: the login and the client callback handler both. */
    static final String MSK_IAM_OAUTHBEARER_CALLBACK_HANDLER = "software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler";

    /** The SASL mechanisms of Kafka's clients and of the MSK IAM auth library, each with the JAAS login module it takes. */
    enum SaslMechanism {
        PLAIN("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"),
        SCRAM_SHA_256("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule"),
        SCRAM_SHA_512("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule"),
        OAUTHBEARER("OAUTHBEARER", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"),
        GSSAPI("GSSAPI", "com.sun.security.auth.module.Krb5LoginModule"),
        AWS_MSK_IAM("AWS_MSK_IAM", MSK_IAM_LOGIN_MODULE);

        final String mechanismName;
        final String loginModule;

        SaslMechanism(String mechanismName, String loginModule) {
            this.mechanismName = mechanismName;
            this.loginModule = loginModule;
        }

        String mechanismName() {
            return mechanismName;
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
        return of(kafka, KafkaSecurityCheck::loadable);
    }

    /**
     * As {@link #of(Map)}, with what tells whether a class the settings name (login module, callback handler) can be
     * loaded by the clients.
     */
    static KafkaSecurityCheck of(Map<String, ?> kafka, Predicate<String> loadable) {
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
            sasl(kafka, problems, loadable);
            awsIam(kafka, protocol, problems);
        } else {
            for (String key : List.of(SaslConfigs.SASL_MECHANISM, SaslConfigs.SASL_JAAS_CONFIG,
                    SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS, SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS)) {
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
        String readme = "; see docs/security.md and docs/security-kafka.md";
        return switch (protocol) {
            case PLAINTEXT -> Optional.of(PREFIX + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG
                    + " is PLAINTEXT: Kafka neither authenticates nor encrypts, so anyone who can reach the broker can write"
                    + " decisions and commands and move traffic" + readme);
            case SASL_PLAINTEXT -> Optional.of(PREFIX + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG
                    + " is SASL_PLAINTEXT: clients authenticate, but every record crosses the network unencrypted"
                    + readme);
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
        Optional<SecurityProtocol> protocol = Arrays.stream(SecurityProtocol.values()).filter(p -> p.name.equals(upper))
                .findFirst();
        if (protocol.isEmpty()) {
            problem(problems, CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "'" + name.get() + "' is not one of "
                    + Arrays.stream(SecurityProtocol.values()).map(p -> p.name).collect(Collectors.joining(", ")));
        }
        return protocol;
    }

    private static void sasl(Map<String, ?> kafka, List<KafkaConfigProblem> problems, Predicate<String> loadable) {
        String known = Arrays.stream(SaslMechanism.values()).map(SaslMechanism::mechanismName)
                .collect(Collectors.joining(", "));
        Optional<String> mechanismName = value(kafka, SaslConfigs.SASL_MECHANISM);
        Optional<SaslMechanism> mechanism = mechanismName.flatMap(SaslMechanism::of);
        if (mechanismName.isEmpty()) {
            problem(problems, SaslConfigs.SASL_MECHANISM,
                    "is required with SASL (e.g. SCRAM-SHA-512), one of " + known);
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
            entries = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas.get())))
                    .configurationEntries();
        } catch (IllegalArgumentException | KafkaException e) {
            // the parser's message quotes no option values, so no password reaches the log
            problem(problems, SaslConfigs.SASL_JAAS_CONFIG, "cannot be parsed: " + e.getMessage());
            return;
        }
        if (entries.size() != 1) {
            problem(problems, SaslConfigs.SASL_JAAS_CONFIG,
                    "must name exactly one login module, names " + entries.size());
        } else if (mechanism.isPresent() && !entries.get(0).getLoginModuleName().equals(mechanism.get().loginModule)) {
            problem(problems, SaslConfigs.SASL_JAAS_CONFIG,
                    "names the login module " + entries.get(0).getLoginModuleName()
                            + ", but " + PREFIX + SaslConfigs.SASL_MECHANISM + "=" + mechanism.get().mechanismName()
                            + " takes "
                            + mechanism.get().loginModule);
        } else if (!loadable.test(entries.get(0).getLoginModuleName())) {
            problem(problems, SaslConfigs.SASL_JAAS_CONFIG, notOnClassPath(entries.get(0).getLoginModuleName()));
        }
        for (String key : List.of(SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS,
                SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS)) {
            value(kafka, key).map(String::trim).filter(handler -> !loadable.test(handler))
                    .ifPresent(handler -> problem(problems, key, notOnClassPath(handler)));
        }
    }

    /**
     * MSK with IAM authentication, either way the MSK IAM auth library offers: {@code AWS_MSK_IAM} with its client
     * callback handler, or OAUTHBEARER with its login callback handler as both handlers. Either signs with the default
     * AWS credentials chain (IRSA, Pod Identity) and is served by MSK on its TLS listener only.
     */
    private static void awsIam(Map<String, ?> kafka, SecurityProtocol protocol, List<KafkaConfigProblem> problems) {
        Optional<SaslMechanism> mechanism = value(kafka, SaslConfigs.SASL_MECHANISM).flatMap(SaslMechanism::of);
        Optional<String> login = value(kafka, SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS).map(String::trim);
        Optional<String> client = value(kafka, SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS).map(String::trim);
        String how;
        if (mechanism.equals(Optional.of(SaslMechanism.AWS_MSK_IAM))) {
            how = PREFIX + SaslConfigs.SASL_MECHANISM + "=AWS_MSK_IAM";
            requireHandler(client, SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS, MSK_IAM_CLIENT_CALLBACK_HANDLER, how,
                    problems);
        } else if (mechanism.equals(Optional.of(SaslMechanism.OAUTHBEARER))
                && (login.equals(Optional.of(MSK_IAM_OAUTHBEARER_CALLBACK_HANDLER))
                        || client.equals(Optional.of(MSK_IAM_OAUTHBEARER_CALLBACK_HANDLER)))) {
            how = "MSK IAM by OAUTHBEARER";
            requireHandler(login, SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS, MSK_IAM_OAUTHBEARER_CALLBACK_HANDLER,
                    how, problems);
            requireHandler(client, SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS, MSK_IAM_OAUTHBEARER_CALLBACK_HANDLER,
                    how,
                    problems);
        } else {
            return;
        }
        if (protocol != SecurityProtocol.SASL_SSL) {
            problem(problems, CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "is " + protocol + ", but " + how
                    + " signs with AWS credentials that MSK takes on its TLS listener only; set it to SASL_SSL");
        }
    }

    private static void requireHandler(Optional<String> set, String key, String handler, String how,
            List<KafkaConfigProblem> problems) {
        if (set.isEmpty()) {
            problem(problems, key, "is required with " + how + ": " + handler);
        } else if (!set.get().equals(handler)) {
            problem(problems, key, "is " + set.get() + ", but " + how + " takes " + handler);
        }
    }

    private static String notOnClassPath(String className) {
        return "names " + className + ", which is not on the service's class path"
                + (className.startsWith("software.amazon.msk.")
                        ? " (the MSK IAM auth library, software.amazon.msk:aws-msk-iam-auth)" : "");
    }

    /** Whether the Kafka clients can load this class: they load by the thread's context class loader, as here. */
    static boolean loadable(String className) {
        ClassLoader loader = Optional.ofNullable(Thread.currentThread().getContextClassLoader())
                .orElse(KafkaSecurityCheck.class.getClassLoader());
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
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
