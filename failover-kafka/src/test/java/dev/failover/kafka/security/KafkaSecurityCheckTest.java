package dev.failover.kafka.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KafkaSecurityCheckTest {

    private static final String SCRAM_JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"failover-probe\" password=\"secret\";";

    @TempDir
    static Path dir;
    static Path truststore;

    @BeforeAll
    static void truststore() throws IOException {
        truststore = Files.writeString(dir.resolve("ca.pem"), "not parsed here");
    }

    static Map<String, Object> saslSsl() {
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("bootstrap.servers", "kafka:9093");
        kafka.put("security.protocol", "SASL_SSL");
        kafka.put("sasl.mechanism", "SCRAM-SHA-512");
        kafka.put("sasl.jaas.config", SCRAM_JAAS);
        kafka.put("ssl.truststore.type", "PEM");
        kafka.put("ssl.truststore.location", truststore.toString());
        return kafka;
    }

    /** MSK with IAM authentication as the MSK IAM auth library documents it: mechanism AWS_MSK_IAM. */
    static Map<String, Object> mskIam() {
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("bootstrap.servers", "b-1.failover.abc123.c2.kafka.us-east-1.amazonaws.com:9098");
        kafka.put("security.protocol", "SASL_SSL");
        kafka.put("sasl.mechanism", "AWS_MSK_IAM");
        kafka.put("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
        kafka.put("sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
        return kafka;
    }

    /** MSK with IAM authentication through Kafka's OAUTHBEARER, the library's other way. */
    static Map<String, Object> mskIamOAuthBearer() {
        Map<String, Object> kafka = new HashMap<>(mskIam());
        kafka.put("sasl.mechanism", "OAUTHBEARER");
        kafka.put("sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;");
        kafka.put("sasl.login.callback.handler.class",
                "software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler");
        kafka.put("sasl.client.callback.handler.class",
                "software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler");
        return kafka;
    }

    static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> kafka = new HashMap<>(base);
        if (value == null) {
            kafka.remove(key);
        } else {
            kafka.put(key, value);
        }
        return kafka;
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("unknown protocol", with(saslSsl(), "security.protocol", "SASL_TLS"),
                        "kafka.security.protocol",
                        "'SASL_TLS' is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
                Arguments.of("SASL without mechanism", with(saslSsl(), "sasl.mechanism", null), "kafka.sasl.mechanism",
                        "is required with SASL"),
                Arguments.of("blank mechanism", with(saslSsl(), "sasl.mechanism", " "), "kafka.sasl.mechanism",
                        "is required with SASL"),
                Arguments.of("unknown mechanism", with(saslSsl(), "sasl.mechanism", "SCRAM-SHA-1"),
                        "kafka.sasl.mechanism",
                        "'SCRAM-SHA-1' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, GSSAPI, AWS_MSK_IAM"),
                Arguments.of("SASL without JAAS config", with(saslSsl(), "sasl.jaas.config", null),
                        "kafka.sasl.jaas.config",
                        "is required with SASL"),
                Arguments.of("JAAS config without ;", with(saslSsl(), "sasl.jaas.config", SCRAM_JAAS.replace(";", "")),
                        "kafka.sasl.jaas.config", "cannot be parsed: JAAS config entry not terminated by semi-colon"),
                Arguments.of("login module of another mechanism", with(saslSsl(), "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"b\";"),
                        "kafka.sasl.jaas.config",
                        "names the login module org.apache.kafka.common.security.plain.PlainLoginModule,"
                                + " but kafka.sasl.mechanism=SCRAM-SHA-512 takes org.apache.kafka.common.security.scram.ScramLoginModule"),
                Arguments.of("unreadable truststore", with(saslSsl(), "ssl.truststore.location", "/nonexistent/ca.pem"),
                        "kafka.ssl.truststore.location", "'/nonexistent/ca.pem' is not a readable file"),
                Arguments.of("truststore is a directory", with(saslSsl(), "ssl.truststore.location", "/tmp"),
                        "kafka.ssl.truststore.location", "'/tmp' is not a readable file"),
                Arguments.of("unknown truststore type", with(saslSsl(), "ssl.truststore.type", "PEMS"),
                        "kafka.ssl.truststore.type",
                        "'PEMS' is not one of JKS, PKCS12, PEM"),
                Arguments.of("unreadable keystore", with(saslSsl(), "ssl.keystore.location", "/nonexistent/client.p12"),
                        "kafka.ssl.keystore.location", "'/nonexistent/client.p12' is not a readable file"),
                Arguments.of("credentials without SASL",
                        with(with(saslSsl(), "security.protocol", "SSL"), "sasl.jaas.config", null),
                        "kafka.sasl.mechanism",
                        "is set, but kafka.security.protocol is SSL: the credentials would not be used; set it to SASL_SSL"),
                Arguments.of("credentials on PLAINTEXT",
                        with(with(saslSsl(), "security.protocol", null), "sasl.mechanism", null),
                        "kafka.sasl.jaas.config", "is set, but kafka.security.protocol is PLAINTEXT"),
                Arguments.of("AWS_MSK_IAM without its callback handler",
                        with(mskIam(), "sasl.client.callback.handler.class", null),
                        "kafka.sasl.client.callback.handler.class", "is required with kafka.sasl.mechanism=AWS_MSK_IAM:"
                                + " software.amazon.msk.auth.iam.IAMClientCallbackHandler"),
                Arguments.of("AWS_MSK_IAM with Kafka's callback handler",
                        with(mskIam(), "sasl.client.callback.handler.class",
                                "org.apache.kafka.common.security.authenticator.SaslClientCallbackHandler"),
                        "kafka.sasl.client.callback.handler.class", "but kafka.sasl.mechanism=AWS_MSK_IAM takes"
                                + " software.amazon.msk.auth.iam.IAMClientCallbackHandler"),
                Arguments.of("AWS_MSK_IAM with the SCRAM login module", with(mskIam(), "sasl.jaas.config", SCRAM_JAAS),
                        "kafka.sasl.jaas.config",
                        "but kafka.sasl.mechanism=AWS_MSK_IAM takes software.amazon.msk.auth.iam.IAMLoginModule"),
                Arguments.of("AWS_MSK_IAM without TLS", with(mskIam(), "security.protocol", "SASL_PLAINTEXT"),
                        "kafka.security.protocol",
                        "is SASL_PLAINTEXT, but kafka.sasl.mechanism=AWS_MSK_IAM signs with AWS"
                                + " credentials that MSK takes on its TLS listener only; set it to SASL_SSL"),
                Arguments.of("MSK IAM by OAUTHBEARER without the client handler", with(mskIamOAuthBearer(),
                        "sasl.client.callback.handler.class", null), "kafka.sasl.client.callback.handler.class",
                        "is required with MSK IAM by OAUTHBEARER: software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler"),
                Arguments.of("MSK IAM by OAUTHBEARER without the login handler", with(mskIamOAuthBearer(),
                        "sasl.login.callback.handler.class", null), "kafka.sasl.login.callback.handler.class",
                        "is required with MSK IAM by OAUTHBEARER: software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler"),
                Arguments.of("a callback handler that is not there",
                        with(saslSsl(), "sasl.login.callback.handler.class",
                                "com.example.NoSuchHandler"),
                        "kafka.sasl.login.callback.handler.class",
                        "names com.example.NoSuchHandler, which is not on the service's class path"),
                Arguments.of("MSK IAM handler on SSL",
                        with(with(with(mskIam(), "security.protocol", "SSL"), "sasl.mechanism", null),
                                "sasl.jaas.config", null),
                        "kafka.sasl.client.callback.handler.class",
                        "is set, but kafka.security.protocol is SSL"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void stopsTheStartNamingTheKey(String name, Map<String, Object> kafka, String key, String message) {
        List<KafkaConfigProblem> problems = KafkaSecurityCheck.of(kafka).problems();

        assertThat(problems).as("problems of %s", name).hasSize(1);
        assertThat(problems.get(0).key()).as("key of %s", name).isEqualTo(key);
        assertThat(problems.get(0).message()).as("message of %s", name).contains(message);
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("SASL_SSL with SCRAM", saslSsl(), SecurityProtocol.SASL_SSL),
                Arguments.of("lower-case protocol", with(saslSsl(), "security.protocol", "sasl_ssl"),
                        SecurityProtocol.SASL_SSL),
                Arguments.of("JVM trust store (no location)", with(with(saslSsl(), "ssl.truststore.location", null),
                        "ssl.truststore.type", null), SecurityProtocol.SASL_SSL),
                Arguments.of("TLS only",
                        Map.of("security.protocol", "SSL", "ssl.truststore.location", truststore.toString()),
                        SecurityProtocol.SSL),
                Arguments.of("nothing set", Map.of("bootstrap.servers", "kafka:9092"), SecurityProtocol.PLAINTEXT),
                Arguments.of("MSK IAM (AWS_MSK_IAM)", mskIam(), SecurityProtocol.SASL_SSL),
                Arguments.of("MSK IAM by OAUTHBEARER", mskIamOAuthBearer(), SecurityProtocol.SASL_SSL),
                Arguments.of("MSK IAM with a role to assume",
                        with(mskIam(), "sasl.jaas.config", "software.amazon.msk.auth.iam."
                                + "IAMLoginModule required awsRoleArn=\"arn:aws:iam::111122223333:role/failover-kafka\";"),
                        SecurityProtocol.SASL_SSL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void acceptsUsableSettings(String name, Map<String, Object> kafka, SecurityProtocol protocol) {
        KafkaSecurityCheck check = KafkaSecurityCheck.of(kafka);

        assertThat(check.problems()).as("problems of %s", name).isEmpty();
        assertThat(check.protocol()).as(name).isEqualTo(protocol);
    }

    @Test
    void namesTheLibraryWhenMskIamIsNotOnTheClassPath() {
        List<KafkaConfigProblem> problems = KafkaSecurityCheck.of(mskIam(), c -> !c.startsWith("software.amazon.msk."))
                .problems();

        assertThat(problems).extracting(KafkaConfigProblem::key).as("both classes the settings name")
                .containsExactly("kafka.sasl.jaas.config", "kafka.sasl.client.callback.handler.class");
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).contains("not on the service's class path")
                .contains("software.amazon.msk:aws-msk-iam-auth"));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Map<String, Object> kafka = with(with(saslSsl(), "sasl.mechanism", null), "sasl.jaas.config", null);
        kafka.put("ssl.truststore.location", "/nonexistent");

        assertThat(KafkaSecurityCheck.of(kafka).problems()).extracting(KafkaConfigProblem::key)
                .as("every bad key")
                .containsExactly("kafka.sasl.mechanism", "kafka.sasl.jaas.config", "kafka.ssl.truststore.location");
    }

    @Test
    void warnsOnlyWhenTheBoundaryIsOpen() {
        assertThat(KafkaSecurityCheck.of(Map.of()).warning()).as("PLAINTEXT").hasValueSatisfying(w -> assertThat(w)
                .contains("kafka.security.protocol is PLAINTEXT").contains("docs/security-kafka.md"));
        assertThat(KafkaSecurityCheck.of(saslSsl()).warning()).as("SASL_SSL").isEmpty();
    }

    @Test
    void neverPrintsThePassword() {
        Map<String, Object> kafka = with(saslSsl(), "sasl.jaas.config", SCRAM_JAAS.replace("required", "requird"));

        assertThat(KafkaSecurityCheck.of(kafka).describeProblems()).as("problem text").isNotEmpty()
                .doesNotContain("secret");
    }
}
