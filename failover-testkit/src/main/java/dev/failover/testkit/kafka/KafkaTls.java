package dev.failover.testkit.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority and a broker certificate it signed (SAN ip:127.0.0.1 and dns:localhost), made with the JDK's
 * keytool, for a broker's TLS listener in tests and on the local stack. Nothing here is kept: each start makes new ones.
 *
 * @param brokerKeystore   PKCS12 with the broker's key and certificate chain
 * @param keystorePassword of the keystore and its key
 * @param caCertificate    PEM, what clients trust ({@code ssl.truststore.type=PEM})
 */
public record KafkaTls(Path brokerKeystore, String keystorePassword, Path caCertificate) {

    private static final int VALIDITY_DAYS = 30;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PASSWORD_ENV = "FAILOVER_KAFKA_TLS_PASSWORD";

    /** Makes the CA and the broker's certificate in {@code dir} (created when missing). */
    public static KafkaTls create(Path dir) {
        try {
            Files.createDirectories(dir);
            String password = randomSecret();
            Path ca = dir.resolve("ca.p12");
            Path caPem = dir.resolve("ca.pem");
            Path broker = dir.resolve("broker.p12");
            Path csr = dir.resolve("broker.csr");
            Path brokerPem = dir.resolve("broker.pem");
            keytool(password, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=failover-kafka-ca",
                    "-ext", "bc:c", "-validity", Integer.toString(VALIDITY_DAYS), "-keystore", ca.toString(),
                    "-storetype", "PKCS12",
                    "-storepass:env", PASSWORD_ENV);
            keytool(password, "-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-storepass:env", PASSWORD_ENV,
                    "-rfc", "-file", caPem.toString());
            keytool(password, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=localhost",
                    "-validity", Integer.toString(VALIDITY_DAYS), "-keystore", broker.toString(), "-storetype",
                    "PKCS12",
                    "-storepass:env", PASSWORD_ENV);
            keytool(password, "-certreq", "-alias", "broker", "-keystore", broker.toString(), "-storepass:env",
                    PASSWORD_ENV, "-file", csr.toString());
            keytool(password, "-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass:env", PASSWORD_ENV,
                    "-infile", csr.toString(),
                    "-outfile", brokerPem.toString(), "-rfc", "-validity", Integer.toString(VALIDITY_DAYS),
                    "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "EKU=serverAuth");
            keytool(password, "-importcert", "-alias", "ca", "-file", caPem.toString(), "-keystore", broker.toString(),
                    "-storepass:env", PASSWORD_ENV,
                    "-noprompt");
            keytool(password, "-importcert", "-alias", "broker", "-file", brokerPem.toString(), "-keystore",
                    broker.toString(),
                    "-storepass:env", PASSWORD_ENV, "-noprompt");
            // the CA's key is not needed again: a new CA is made for every broker
            Files.delete(ca);
            Files.delete(csr);
            return new KafkaTls(broker, password, caPem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the Kafka TLS certificates in " + dir, e);
        }
    }

    /** A random secret of letters and digits (fit for SCRAM user lists and properties files without quoting). */
    public static String randomSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).replace('-', 'a').replace('_', 'b');
    }

    private static void keytool(String password, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // from the environment, not the command line, which every local user can read
        builder.environment().put(PASSWORD_ENV, password);
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * For scripts/kafka.sh: {@code KafkaTls DIR} makes the certificates in DIR and writes the keystore password to
     * DIR/keystore-password.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: KafkaTls DIR");
            System.exit(2);
        }
        KafkaTls tls = create(Path.of(args[0]));
        Files.writeString(Path.of(args[0]).resolve("keystore-password"), tls.keystorePassword());
    }
}
