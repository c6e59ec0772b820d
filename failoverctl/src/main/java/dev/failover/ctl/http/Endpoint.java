package dev.failover.ctl.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One server the CLI calls, named as errors name it.
 *
 * @param service              "decision-service" or "actuator"
 * @param base                 its base URL, ending in "/"
 * @param origin               where the URL came from ("--url", "FAILOVER_URL", "context prod"), for error messages
 * @param certificateAuthority PEM file of the CA(s) to trust for it instead of the JDK's, or null
 */
public record Endpoint(String service, URI base, String origin, Path certificateAuthority) {

    public Endpoint {
        if (!base.toString().endsWith("/")) {
            base = URI.create(base + "/");
        }
    }

    /** "the decision-service at https://x/ (context prod)". */
    public String describe() {
        return "the " + service + " at " + base + (origin == null ? "" : " (" + origin + ")");
    }

    /** The TLS context trusting only the configured CA; the JDK's default when none is configured. */
    SSLContext sslContext() {
        try {
            if (certificateAuthority == null) {
                return SSLContext.getDefault();
            }
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(certificateAuthority)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(
                        "certificate-authority " + certificateAuthority + " holds no PEM certificate");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "certificate-authority " + certificateAuthority + " cannot be read: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "certificate-authority " + certificateAuthority + " is not a PEM certificate: "
                            + e.getMessage());
        }
    }
}
