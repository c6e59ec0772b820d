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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * IAM's {@code SimulatePrincipalPolicy} in the Query protocol, as the IAM API reference documents it (version
 * 2010-05-08: {@code PolicySourceArn}, {@code ActionNames.member.N}, {@code ResourceArns.member.N},
 * {@code ContextEntries.member.N.ContextKey*}; a paged {@code EvaluationResults} answer), for a service pointed at it
 * ({@code endpointOverride}). Its policy is a list of denials: an action of a principal on a resource prefix answers
 * {@code implicitDeny}, anything else {@code allowed}; an unsigned request, another action or version is refused as IAM
 * refuses it. Every request is kept with what it asked, so a test can check the principal, the resources and the
 * context the caller simulated. JDK only.
 */
public final class IamPolicySimulation implements AutoCloseable {

    static final String NS = "https://iam.amazonaws.com/doc/2010-05-08/";

    /** One simulation as asked: the principal, actions, resources, context (key to values) and the signing access key. */
    public record Request(String principal, List<String> actions, List<String> resources,
            Map<String, List<String>> context,
            String accessKey) {
    }

    private record Denial(String principal, String action, String resourcePrefix) {
    }

    private final HttpServer server;
    private final Set<Denial> denials = ConcurrentHashMap.newKeySet();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int failWith;

    private IamPolicySimulation(HttpServer server) {
        this.server = server;
    }

    public static IamPolicySimulation start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            IamPolicySimulation iam = new IamPolicySimulation(server);
            server.createContext("/", iam::handle);
            server.start();
            return iam;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the IAM fixture", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The principal may not do {@code action} on resources starting with {@code resourcePrefix}. */
    public IamPolicySimulation deny(String principal, String action, String resourcePrefix) {
        denials.add(new Denial(principal, action, resourcePrefix));
        return this;
    }

    /** Forgets every denial. */
    public IamPolicySimulation allowAll() {
        denials.clear();
        return this;
    }

    /** Every request answers this status (a ServiceUnavailable, say) until 0 again. */
    public void failWith(int status) {
        this.failWith = status;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.contains("Credential=")) {
                answer(exchange, 403,
                        error(NS, "MissingAuthenticationToken", "Request is missing Authentication Token"));
                return;
            }
            if (!"SimulatePrincipalPolicy".equals(form.get("Action")) || !"2010-05-08".equals(form.get("Version"))) {
                answer(exchange, 400,
                        error(NS, "InvalidAction", "not modelled: " + form.get("Action") + " " + form.get("Version")));
                return;
            }
            if (failWith != 0) {
                answer(exchange, failWith, error(NS, "ServiceUnavailable", "Service is unavailable"));
                return;
            }
            String principal = form.get("PolicySourceArn");
            List<String> actions = members(form, "ActionNames.member.");
            List<String> resources = members(form, "ResourceArns.member.");
            Map<String, List<String>> context = new TreeMap<>();
            for (int i = 1; form.containsKey("ContextEntries.member." + i + ".ContextKeyName"); i++) {
                context.put(form.get("ContextEntries.member." + i + ".ContextKeyName"),
                        members(form, "ContextEntries.member." + i + ".ContextKeyValues.member."));
            }
            String credential = authorization.substring(authorization.indexOf("Credential=") + 11);
            requests.add(new Request(principal, actions, resources, context,
                    credential.substring(0, credential.indexOf('/'))));
            if (principal == null || actions.isEmpty()) {
                answer(exchange, 400, error(NS, "ValidationError", "PolicySourceArn and ActionNames are required"));
                return;
            }
            StringBuilder results = new StringBuilder();
            for (String action : actions) {
                for (String resource : resources.isEmpty() ? List.of("*") : resources) {
                    boolean denied = denials.stream().anyMatch(d -> d.principal().equals(principal)
                            && d.action().equals(action) && resource.startsWith(d.resourcePrefix()));
                    results.append("<member><EvalActionName>").append(escape(action)).append("</EvalActionName>")
                            .append("<EvalResourceName>").append(escape(resource)).append("</EvalResourceName>")
                            .append("<EvalDecision>").append(denied ? "implicitDeny" : "allowed")
                            .append("</EvalDecision>")
                            .append("<MatchedStatements/><MissingContextValues/></member>");
                }
            }
            answer(exchange, 200,
                    "<SimulatePrincipalPolicyResponse xmlns=\"" + NS + "\"><SimulatePrincipalPolicyResult>"
                            + "<IsTruncated>false</IsTruncated><EvaluationResults>" + results + "</EvaluationResults>"
                            + "</SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>" + UUID.randomUUID()
                            + "</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>");
        }
    }

    private static List<String> members(Map<String, String> form, String prefix) {
        List<String> values = new ArrayList<>();
        for (int i = 1; form.containsKey(prefix + i); i++) {
            values.add(form.get(prefix + i));
        }
        return values;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
