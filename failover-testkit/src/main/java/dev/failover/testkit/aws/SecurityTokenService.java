package dev.failover.testkit.aws;

import static dev.failover.testkit.aws.QueryProtocol.answer;
import static dev.failover.testkit.aws.QueryProtocol.error;
import static dev.failover.testkit.aws.QueryProtocol.escape;
import static dev.failover.testkit.aws.QueryProtocol.form;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The STS API of one account for a service pointed at it ({@code AWS_ENDPOINT_URL_STS}): AssumeRoleWithWebIdentity in
 * the Query protocol, as the STS API reference documents it, for one role that trusts one web identity token (what an
 * EKS OIDC provider signs into a projected service-account token, IRSA). It checks what STS checks: the action, the
 * role ARN and the token (the exact content of the token file); a request for another role answers 403 AccessDenied,
 * another token 400 InvalidIdentityToken. A valid request gets fresh temporary credentials in the documented XML.
 * Every request is kept, with what it carried and what it was given, so that a test can check the token the caller
 * read and the access key it then signs with. JDK only.
 */
public final class SecurityTokenService implements AutoCloseable {

    static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";

    /**
     * One request as received: its form fields, whether it was signed (AssumeRoleWithWebIdentity needs no AWS
     * credentials: a caller that signs it had some already) and the credentials issued (null when refused).
     */
    public record Request(String action, String roleArn, String roleSessionName, String webIdentityToken,
            boolean signed,
            TemporaryCredentials issued) {
    }

    private final String roleArn;
    private final String trustedToken;
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private SecurityTokenService(String roleArn, String trustedToken, HttpServer server) {
        this.roleArn = roleArn;
        this.trustedToken = trustedToken;
        this.server = server;
    }

    /** Starts on a free local port: {@code roleArn} can be assumed with exactly {@code trustedToken}. */
    public static SecurityTokenService start(String roleArn, String trustedToken) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            SecurityTokenService sts = new SecurityTokenService(roleArn, trustedToken, server);
            server.createContext("/", sts::handle);
            server.start();
            return sts;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the STS fixture", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The requests answered so far, oldest first. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (exchange.getRequestURI().getRawQuery() != null) {
                form.putAll(form(exchange.getRequestURI().getRawQuery()));
            }
            String action = form.getOrDefault("Action", "");
            boolean signed = exchange.getRequestHeaders().getFirst("Authorization") != null;
            String token = form.get("WebIdentityToken");
            String role = form.get("RoleArn");
            String session = form.get("RoleSessionName");
            if (!action.equals("AssumeRoleWithWebIdentity") || !"2011-06-15".equals(form.get("Version"))) {
                requests.add(new Request(action, role, session, token, signed, null));
                answer(exchange, 400,
                        error(NS, "InvalidAction", "not modelled: " + action + " version " + form.get("Version")));
            } else if (!roleArn.equals(role)) {
                requests.add(new Request(action, role, session, token, signed, null));
                answer(exchange, 403, error(NS, "AccessDenied",
                        "Not authorized to perform sts:AssumeRoleWithWebIdentity on " + role));
            } else if (!trustedToken.equals(token)) {
                requests.add(new Request(action, role, session, token, signed, null));
                answer(exchange, 400, error(NS, "InvalidIdentityToken", "The token is not the one the role trusts"));
            } else if (session == null || session.isEmpty()) {
                requests.add(new Request(action, role, session, token, signed, null));
                answer(exchange, 400,
                        error(NS, "ValidationError", "1 validation error detected: Value null at 'roleSessionName'"));
            } else {
                TemporaryCredentials issued = TemporaryCredentials.issue("WEBID");
                requests.add(new Request(action, role, session, token, signed, issued));
                String roleName = role.substring(role.lastIndexOf('/') + 1);
                answer(exchange, 200, "<AssumeRoleWithWebIdentityResponse xmlns=\"" + NS
                        + "\"><AssumeRoleWithWebIdentityResult>"
                        + "<SubjectFromWebIdentityToken>system:serviceaccount:failover:failover-actuator</SubjectFromWebIdentityToken>"
                        + "<Audience>sts.amazonaws.com</Audience><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/"
                        + escape(roleName) + "/" + escape(session) + "</Arn><AssumedRoleId>AROAFIXTURE:"
                        + escape(session)
                        + "</AssumedRoleId></AssumedRoleUser><Credentials><SessionToken>" + issued.sessionToken()
                        + "</SessionToken><SecretAccessKey>" + issued.secretAccessKey()
                        + "</SecretAccessKey><Expiration>"
                        + issued.expiration() + "</Expiration><AccessKeyId>" + issued.accessKeyId()
                        + "</AccessKeyId></Credentials>"
                        + "<Provider>arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/FIXTURE</Provider>"
                        + "</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>" + UUID.randomUUID()
                        + "</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>");
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
