package dev.failover.decision.identity;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import dev.failover.contract.signing.PemKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The decision-service configured as on AWS with Cognito: bearer tokens are Cognito access tokens (audience in
 * {@code client_id}, roles in {@code cognito:groups}, name in {@code username}), and an Application Load Balancer in
 * front signs users in; its key server publishes the test's P-256 key as {@code /<region>/<kid>} (PEM), as
 * {@code public-keys.auth.elb.<region>.amazonaws.com} does. Test code.
 */
public class AwsIdentityResource implements QuarkusTestResourceLifecycleManager {

    static final KeyPair ALB = AlbTokens.keyPair();
    static final List<String> FETCHED = new CopyOnWriteArrayList<>();
    private HttpServer keys;

    @Override
    public Map<String, String> start() {
        try {
            keys = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] pem = PemKeys.pem(ALB.getPublic()).getBytes(StandardCharsets.US_ASCII);
        keys.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            FETCHED.add(path);
            boolean known = path.equals("/" + AlbTokens.REGION + "/" + AlbTokens.KID);
            exchange.sendResponseHeaders(known ? 200 : 404, known ? pem.length : -1);
            if (known) {
                exchange.getResponseBody().write(pem);
            }
            exchange.close();
        });
        keys.start();
        return Map.of(
                "failover.identity.issuer", AlbTokens.ISSUER,
                "failover.identity.audience", AlbTokens.CLIENT,
                "failover.identity.audience-claim", "client_id",
                "failover.identity.groups-claim", "cognito:groups",
                "failover.identity.name-claim", "username",
                "failover.identity.alb.signer-arns", AlbTokens.SIGNER,
                "failover.identity.alb.client-id", AlbTokens.CLIENT,
                "failover.identity.alb.groups-claim", AlbTokens.ROLES_CLAIM,
                "failover.identity.alb.key-url", "http://127.0.0.1:" + keys.getAddress().getPort() + "/{region}/{kid}");
    }

    @Override
    public void stop() {
        if (keys != null) {
            keys.stop(0);
        }
    }
}
