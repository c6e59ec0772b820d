package dev.failover.testkit.aws;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Route 53 Application Recovery Controller cluster's data plane ({@code route53-recovery-cluster}, API version
 * 2019-12-02) over loopback HTTP, for the real AWS SDK pointed at it with endpoint overrides. Like a real cluster it has
 * several regional endpoints (five by default) that serve one shared state: a routing control set through one endpoint
 * is read the same through every other. It speaks the service's wire protocol as the SDK's model describes it: AWS JSON
 * 1.0 ({@code Content-Type: application/x-amz-json-1.0}), {@code POST /} with {@code X-Amz-Target:
 * ToggleCustomerAPI.<operation>}, errors as {@code {"__type": "<code>", "message": ...}}. A request without a SigV4
 * {@code Authorization} for the {@code route53-recovery-cluster} signing name, or without the JSON 1.0 target header, is
 * refused as the service would (AccessDenied, UnknownOperation) and recorded, so a test can show what the client sent.
 * <p>
 * Operations: GetRoutingControlState, UpdateRoutingControlState, UpdateRoutingControlStates (all entries or none),
 * ListRoutingControls (paged with MaxResults and NextToken, optionally for one control panel). Each update is
 * evaluated against the safety rules on the state the whole transaction would leave, all under one lock: an assertion
 * rule (at least {@code threshold} of its asserted controls On) whose controls the update touches, and a gating rule
 * (at least {@code threshold} of its gating controls On) to change any of its target controls. A rule named in {@code
 * SafetyRulesToOverride} is skipped. A refusal is a ValidationException whose message names the rule (its name and
 * ARN), as the Developer Guide says the real message does, and changes nothing.
 * <p>
 * ARC's quota of mutating calls a second per cluster endpoint (three) is kept when asked ({@link
 * #mutatingCallsPerSecond}): an update beyond it is answered 429 ThrottlingException. Several control panels may share
 * the cluster ({@link #start(int, Map, String)}); a listener sees every update applied ({@link #watch}).
 * <p>
 * Each endpoint can be made to fail on demand: answer 500 InternalServerException, answer 429 ThrottlingException,
 * refuse connections (its server is stopped, its port kept for {@link #heal}), or hang (the request is held until healed
 * or closed).
 * <p>
 * The control-configuration API ({@code route53-recovery-control-config}, REST JSON, served by AWS from us-west-2
 * only) is one more server, {@link #controlConfigEndpoint()}: {@code GET /controlpanel/{ControlPanelArn}/safetyrules}
 * (ListSafetyRules, paged with MaxResults and NextToken) lists the rules above as ASSERTION or GATING rules of type
 * ATLEAST, DEPLOYED. A request not signed for that name and us-west-2 is refused (AccessDeniedException).
 */
public final class RecoveryCluster implements AutoCloseable {

    /** The SigV4 signing name of the cluster's data plane. */
    public static final String SIGNING_NAME = "route53-recovery-cluster";
    /** The SigV4 signing name of the control-configuration API, and the one region that serves it. */
    public static final String CONTROL_CONFIG_SIGNING_NAME = "route53-recovery-control-config";
    public static final String CONTROL_CONFIG_REGION = "us-west-2";
    private static final Pattern SAFETY_RULES_PATH = Pattern.compile("/controlpanel/([^/]+)/safetyrules");
    private static final String TARGET_PREFIX = "ToggleCustomerAPI.";
    private static final String JSON_1_0 = "application/x-amz-json-1.0";
    private static final Pattern CREDENTIAL = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/\\d{8}/([^/]+)/([^/]+)/aws4_request, SignedHeaders=\\S+, Signature=[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A routing control's state, spelled as on the wire. */
    public enum State {
        On, Off
    }

    /** How an endpoint answers. */
    public enum Health {
        /** As the service: answers every request. */
        UP,
        /** Answers every request with 500 InternalServerException. */
        FAILING,
        /** Refuses connections: nothing listens on its port. */
        REFUSING,
        /** Accepts the request and never answers (until healed or closed). */
        HANGING,
        /** Answers every request with 429 ThrottlingException, as an endpoint past its quota of calls a second. */
        THROTTLING
    }

    /**
     * A safety rule.
     *
     * @param arn       the rule's ARN, as a refusal names it
     * @param name      its name
     * @param controls  an assertion rule's asserted controls; a gating rule's gating controls
     * @param targets   a gating rule's target controls; empty for an assertion rule
     * @param threshold how many of {@code controls} must be On (ATLEAST; AND is all of them, OR is 1)
     */
    public record SafetyRule(String arn, String name, List<String> controls, List<String> targets, int threshold) {
        public SafetyRule {
            controls = List.copyOf(controls);
            targets = List.copyOf(targets);
        }

        /** An assertion rule: after any update touching {@code asserted}, at least {@code threshold} of them are On. */
        public static SafetyRule assertion(String arn, String name, List<String> asserted, int threshold) {
            return new SafetyRule(arn, name, asserted, List.of(), threshold);
        }

        /** A gating rule: {@code targets} can change only while at least {@code threshold} of {@code gating} are On. */
        public static SafetyRule gating(String arn, String name, List<String> gating, List<String> targets,
                int threshold) {
            return new SafetyRule(arn, name, gating, targets, threshold);
        }

        boolean gating() {
            return !targets.isEmpty();
        }
    }

    /**
     * One request as received.
     *
     * @param endpoint    index of the endpoint that received it
     * @param operation   the operation of its {@code X-Amz-Target}; null without one
     * @param accessKeyId the access key of its SigV4 signature; null when unsigned
     * @param region      the region it was signed for; null when unsigned
     * @param body        its JSON body
     * @param status      the HTTP status answered (0: never answered, the endpoint hung)
     */
    public record Call(Instant at, int endpoint, String operation, String accessKeyId, String region, JsonNode body,
            int status) {

        /** The safety rules the request asked to override. */
        public List<String> overrides() {
            List<String> arns = new ArrayList<>();
            body.path("SafetyRulesToOverride").forEach(n -> arns.add(n.asText()));
            return arns;
        }
    }

    /** A routing control as kept: its control panel, name and state. */
    private record Control(String panelArn, String panelName, String name, State state) {
        Control with(State s) {
            return new Control(panelArn, panelName, name, s);
        }
    }

    private final String panelArn;
    private final Set<String> panels = new LinkedHashSet<>();
    private final Map<String, Control> controls = new LinkedHashMap<>();
    private final List<SafetyRule> rules = new ArrayList<>();
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Call> controlConfigCalls = new CopyOnWriteArrayList<>();
    private HttpServer controlConfig;
    private volatile boolean controlConfigUp = true;
    private volatile int mutatingCallsPerSecond = Integer.MAX_VALUE;
    private final AtomicLong throttled = new AtomicLong();
    private final List<BiConsumer<Instant, Map<String, State>>> watchers = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recovery-cluster");
        t.setDaemon(true);
        return t;
    });

    /** The address every endpoint listens on: 127.0.0.1, or one of this host's (or namespace's) own. */
    private final String address;

    private RecoveryCluster(String panelArn, String address) {
        this.address = address;
        this.panelArn = panelArn;
    }

    /**
     * Starts a cluster of {@code endpointCount} regional endpoints on free local ports, with one control panel holding
     * these routing controls (ARN to initial state); a control's name is the last part of its ARN.
     */
    public static RecoveryCluster start(int endpointCount, String controlPanelArn, Map<String, State> initial) {
        return start(endpointCount, controlPanelArn, initial, "127.0.0.1");
    }

    /** As {@link #start(int, String, Map)}, every endpoint listening on {@code address}, one of this host's own. */
    public static RecoveryCluster start(int endpointCount, String controlPanelArn, Map<String, State> initial,
            String address) {
        return start(endpointCount, Map.of(controlPanelArn, initial), address);
    }

    /**
     * As {@link #start(int, String, Map, String)} with several control panels (panel ARN to its controls' initial
     * states); {@link #controlPanelArn()} is the first.
     */
    public static RecoveryCluster start(int endpointCount, Map<String, Map<String, State>> panels, String address) {
        RecoveryCluster cluster = new RecoveryCluster(panels.keySet().iterator().next(), address);
        panels.forEach((panel, initial) -> {
            cluster.panels.add(panel);
            String panelName = panel.substring(panel.lastIndexOf('/') + 1);
            initial.forEach((arn, state) -> cluster.controls.put(arn, new Control(panel, panelName,
                    arn.substring(arn.lastIndexOf('/') + 1), state)));
        });
        for (int i = 0; i < endpointCount; i++) {
            cluster.endpoints.add(cluster.new Endpoint(i));
        }
        return cluster;
    }

    /** The five regional endpoints' URLs, as the cluster lists them (give each to its own SDK client). */
    public List<URI> endpoints() {
        return endpoints.stream().map(Endpoint::uri).toList();
    }

    /**
     * Keeps ARC's quota of mutating calls (UpdateRoutingControlState, UpdateRoutingControlStates) to one endpoint in
     * any one second: beyond it the endpoint answers 429 ThrottlingException and counts it ({@link #throttled()}).
     */
    public RecoveryCluster mutatingCallsPerSecond(int calls) {
        this.mutatingCallsPerSecond = calls;
        return this;
    }

    /** How many mutating calls were answered ThrottlingException for the quota so far. */
    public long throttled() {
        return throttled.get();
    }

    /** Calls {@code watcher}, under the cluster's lock, with the time and the controls' new states of every update applied. */
    public RecoveryCluster watch(BiConsumer<Instant, Map<String, State>> watcher) {
        watchers.add(watcher);
        return this;
    }

    /** Adds a safety rule, evaluated on every update from now on. */
    public synchronized RecoveryCluster rule(SafetyRule rule) {
        rules.add(rule);
        return this;
    }

    /** A control's state now. */
    public synchronized State state(String controlArn) {
        return Objects.requireNonNull(controls.get(controlArn), controlArn).state();
    }

    /** Every control's state now, by ARN. */
    public synchronized Map<String, State> states() {
        Map<String, State> states = new LinkedHashMap<>();
        controls.forEach((arn, c) -> states.put(arn, c.state()));
        return states;
    }

    /** Flips a control by hand (as a person with the console would, rules not evaluated): for drift. */
    public synchronized void set(String controlArn, State state) {
        controls.computeIfPresent(controlArn, (arn, c) -> c.with(state));
    }

    /** Every request received so far, oldest first. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The requests of one operation that were answered 200, oldest first. */
    public List<Call> accepted(String operation) {
        return calls.stream().filter(c -> operation.equals(c.operation()) && c.status() == 200).toList();
    }

    /** Makes endpoint {@code index} answer as {@code health} from now on. */
    public void endpoint(int index, Health health) {
        endpoints.get(index).health(health);
    }

    /** Makes endpoint {@code index} answer again; requests it holds (hanging) are let go with a 500. */
    public void heal(int index) {
        endpoint(index, Health.UP);
    }

    /**
     * The control-configuration API's endpoint (started on first use): point a {@code
     * Route53RecoveryControlConfigClient} signed for us-west-2 at it.
     */
    public synchronized URI controlConfigEndpoint() {
        if (controlConfig == null) {
            try {
                controlConfig = HttpServer.create(new InetSocketAddress(address, 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException("cannot listen on " + address, e);
            }
            controlConfig.createContext("/", this::controlConfig);
            controlConfig.setExecutor(executor);
            controlConfig.start();
        }
        return URI.create("http://" + address + ":" + controlConfig.getAddress().getPort());
    }

    /** Makes the control-configuration API answer (true) or fail every request with 500 (false), as in an outage. */
    public void controlConfigUp(boolean up) {
        controlConfigUp = up;
    }

    /** The control-configuration requests received so far, oldest first (operation ListSafetyRules). */
    public List<Call> controlConfigCalls() {
        return List.copyOf(controlConfigCalls);
    }

    private void controlConfig(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            Matcher signature = CREDENTIAL
                    .matcher(Objects.toString(exchange.getRequestHeaders().getFirst("Authorization"), ""));
            boolean signed = signature.find();
            Matcher path = SAFETY_RULES_PATH.matcher(exchange.getRequestURI().getRawPath());
            Map<String, String> query = new LinkedHashMap<>();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            if (rawQuery != null) {
                for (String pair : rawQuery.split("&")) {
                    int eq = pair.indexOf('=');
                    query.put(decode(eq < 0 ? pair : pair.substring(0, eq)),
                            eq < 0 ? "" : decode(pair.substring(eq + 1)));
                }
            }
            Answer answer;
            if (!controlConfigUp) {
                answer = error(500, "InternalServerException", "the control-configuration API failed (fixture)");
            } else if (!signed || !CONTROL_CONFIG_SIGNING_NAME.equals(signature.group(3))
                    || !CONTROL_CONFIG_REGION.equals(signature.group(2))) {
                answer = error(403, "AccessDeniedException", "the request must be signed with SigV4 for "
                        + CONTROL_CONFIG_SIGNING_NAME + " in " + CONTROL_CONFIG_REGION + " (got Authorization '"
                        + exchange.getRequestHeaders().getFirst("Authorization") + "')");
            } else if (!"GET".equals(exchange.getRequestMethod()) || !path.matches()) {
                answer = error(404, "ResourceNotFoundException", "no operation at " + exchange.getRequestMethod() + " "
                        + exchange.getRequestURI().getRawPath());
            } else {
                answer = safetyRules(decode(path.group(1)), query);
            }
            controlConfigCalls.add(new Call(Instant.now(), -1, "ListSafetyRules", signed ? signature.group(1) : null,
                    signed ? signature.group(2) : null, JSON.valueToTree(query), answer.status()));
            byte[] bytes = JSON.writeValueAsBytes(answer.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
            if (answer.status() != 200) {
                exchange.getResponseHeaders().set("x-amzn-ErrorType", answer.body().path("__type").asText());
            }
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static String decode(String text) {
        return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    private synchronized Answer safetyRules(String panel, Map<String, String> query) {
        if (!panels.contains(panel)) {
            return error(404, "ResourceNotFoundException", "control panel " + panel + " not found");
        }
        // a rule belongs to the panel its ARN is under (as a real safety rule's ARN is), else to its controls' panel
        List<SafetyRule> rules = this.rules.stream().filter(r -> r.arn().startsWith(panel + "/")
                || panels.stream().noneMatch(p -> r.arn().startsWith(p + "/"))
                        && r.controls().stream().map(controls::get)
                                .anyMatch(c -> c != null && c.panelArn().equals(panel)))
                .toList();
        int max = Integer.parseInt(query.getOrDefault("MaxResults", "100"));
        int from = query.containsKey("NextToken") ? Integer.parseInt(query.get("NextToken")) : 0;
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode page = answer.putArray("SafetyRules");
        for (int i = from; i < Math.min(rules.size(), from + max); i++) {
            SafetyRule rule = rules.get(i);
            ObjectNode body = page.addObject().putObject(rule.gating() ? "GATING" : "ASSERTION");
            body.set(rule.gating() ? "GatingControls" : "AssertedControls", JSON.valueToTree(rule.controls()));
            if (rule.gating()) {
                body.set("TargetControls", JSON.valueToTree(rule.targets()));
            }
            body.put("ControlPanelArn", panel).put("Name", rule.name()).put("SafetyRuleArn", rule.arn())
                    .put("Status", "DEPLOYED").put("WaitPeriodMs", 5000);
            body.putObject("RuleConfig").put("Inverted", false).put("Threshold", rule.threshold()).put("Type",
                    "ATLEAST");
        }
        if (from + max < rules.size()) {
            answer.put("NextToken", Integer.toString(from + max));
        }
        return new Answer(200, answer);
    }

    @Override
    public void close() {
        endpoints.forEach(Endpoint::close);
        synchronized (this) {
            if (controlConfig != null) {
                controlConfig.stop(0);
            }
        }
        executor.shutdownNow();
    }

    /** One regional endpoint: its own HTTP server on its own port, over the cluster's shared state. */
    private final class Endpoint {
        private final int index;
        private final int port;
        private HttpServer server;
        private volatile Health health = Health.UP;
        private volatile CountDownLatch released = new CountDownLatch(1);
        private final ArrayDeque<Long> mutatingCalls = new ArrayDeque<>();

        Endpoint(int index) {
            this.index = index;
            this.server = listen(0);
            this.port = server.getAddress().getPort();
        }

        URI uri() {
            return URI.create("http://" + address + ":" + port);
        }

        private HttpServer listen(int onPort) {
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress(address, onPort), 0);
                s.createContext("/", this::handle);
                s.setExecutor(executor);
                s.start();
                return s;
            } catch (IOException e) {
                throw new IllegalStateException("cannot listen on " + address + ":" + onPort, e);
            }
        }

        synchronized void health(Health next) {
            Health previous = health;
            health = next;
            if (previous == Health.HANGING && next != Health.HANGING) {
                released.countDown();
            }
            if (next == Health.HANGING) {
                released = new CountDownLatch(1);
            }
            if (next == Health.REFUSING && server != null) {
                server.stop(0);
                server = null;
            } else if (next != Health.REFUSING && server == null) {
                server = listen(port);
            }
        }

        /** Whether one more mutating call fits this second's quota; counts it if so. */
        private synchronized boolean withinQuota() {
            long now = System.nanoTime();
            while (!mutatingCalls.isEmpty() && now - mutatingCalls.peekFirst() >= 1_000_000_000L) {
                mutatingCalls.removeFirst();
            }
            if (mutatingCalls.size() >= mutatingCallsPerSecond) {
                return false;
            }
            mutatingCalls.addLast(now);
            return true;
        }

        synchronized void close() {
            released.countDown();
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                byte[] raw;
                try (InputStream in = exchange.getRequestBody()) {
                    raw = in.readAllBytes();
                }
                JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                String operation = target != null && target.startsWith(TARGET_PREFIX)
                        ? target.substring(TARGET_PREFIX.length()) : null;
                Matcher signature = CREDENTIAL
                        .matcher(Objects.toString(exchange.getRequestHeaders().getFirst("Authorization"), ""));
                boolean signed = signature.find();
                Answer answer;
                if (health == Health.HANGING) {
                    CountDownLatch latch = released;
                    calls.add(new Call(Instant.now(), index, operation, signed ? signature.group(1) : null,
                            signed ? signature.group(2) : null, body, 0));
                    awaitQuietly(latch);
                    answer = error(500, "InternalServerException", "the endpoint was released after hanging");
                    respond(exchange, answer);
                    return;
                }
                if (health == Health.FAILING) {
                    answer = error(500, "InternalServerException", "endpoint " + index + " failed (fixture)");
                } else if (health == Health.THROTTLING) {
                    answer = error(429, "ThrottlingException", "Rate exceeded at endpoint " + index + " (fixture)");
                } else if (!signed || !SIGNING_NAME.equals(signature.group(3))) {
                    answer = error(403, "AccessDeniedException", "the request must be signed with SigV4 for "
                            + SIGNING_NAME + " (got Authorization '"
                            + exchange.getRequestHeaders().getFirst("Authorization") + "')");
                } else if (!"POST".equals(exchange.getRequestMethod())
                        || !Objects.toString(exchange.getRequestHeaders().getFirst("Content-Type"), "")
                                .startsWith(JSON_1_0)
                        || operation == null) {
                    answer = error(400, "ValidationException", "unknownOperation: expected POST / with Content-Type "
                            + JSON_1_0 + " and X-Amz-Target " + TARGET_PREFIX + "<operation>, got "
                            + exchange.getRequestMethod()
                            + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " " + target);
                } else if (operation.startsWith("UpdateRoutingControlState") && !withinQuota()) {
                    throttled.incrementAndGet();
                    answer = error(429, "ThrottlingException", "Rate exceeded: more than " + mutatingCallsPerSecond
                            + " mutating calls a second to endpoint " + index);
                } else {
                    answer = operate(operation, body);
                }
                calls.add(new Call(Instant.now(), index, operation, signed ? signature.group(1) : null,
                        signed ? signature.group(2) : null, body, answer.status()));
                respond(exchange, answer);
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Answer(int status, JsonNode body) {
    }

    private static Answer error(int status, String code, String message) {
        ObjectNode node = JSON.createObjectNode().put("__type", code).put("message", message);
        if (code.equals("ValidationException")) {
            node.put("reason", "other");
        }
        return new Answer(status, node);
    }

    private static void respond(HttpExchange exchange, Answer answer) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(answer.body());
        exchange.getResponseHeaders().set("Content-Type", JSON_1_0);
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        if (answer.status() != 200) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", answer.body().path("__type").asText());
        }
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private synchronized Answer operate(String operation, JsonNode body) {
        return switch (operation) {
            case "GetRoutingControlState" -> get(body);
            case "UpdateRoutingControlState" -> {
                ObjectNode entry = JSON.createObjectNode()
                        .put("RoutingControlArn", body.path("RoutingControlArn").asText())
                        .put("RoutingControlState", body.path("RoutingControlState").asText());
                yield update(List.of(entry), body.path("SafetyRulesToOverride"));
            }
            case "UpdateRoutingControlStates" -> {
                List<JsonNode> entries = new ArrayList<>();
                body.path("UpdateRoutingControlStateEntries").forEach(entries::add);
                yield update(entries, body.path("SafetyRulesToOverride"));
            }
            case "ListRoutingControls" -> list(body);
            default -> error(400, "ValidationException", "unknownOperation: " + operation);
        };
    }

    private Answer get(JsonNode body) {
        String arn = body.path("RoutingControlArn").asText(null);
        Control c = arn == null ? null : controls.get(arn);
        if (c == null) {
            return notFound(arn);
        }
        return new Answer(200, JSON.createObjectNode().put("RoutingControlArn", arn).put("RoutingControlState",
                c.state().name()).put("RoutingControlName", c.name()));
    }

    private Answer update(List<JsonNode> entries, JsonNode overrides) {
        if (entries.isEmpty()) {
            return error(400, "ValidationException", "UpdateRoutingControlStateEntries must hold at least one entry");
        }
        Map<String, State> after = new LinkedHashMap<>();
        controls.forEach((arn, c) -> after.put(arn, c.state()));
        List<String> touched = new ArrayList<>();
        for (JsonNode entry : entries) {
            String arn = entry.path("RoutingControlArn").asText(null);
            if (arn == null || !controls.containsKey(arn)) {
                return notFound(arn);
            }
            Optional<State> state = parse(entry.path("RoutingControlState").asText(""));
            if (state.isEmpty()) {
                return error(400, "ValidationException", "RoutingControlState must be On or Off, was '"
                        + entry.path("RoutingControlState").asText("") + "'");
            }
            after.put(arn, state.get());
            if (controls.get(arn).state() != state.get()) {
                touched.add(arn);
            }
        }
        List<String> skipped = new ArrayList<>();
        overrides.forEach(n -> skipped.add(n.asText()));
        for (SafetyRule rule : rules) {
            if (skipped.contains(rule.arn())) {
                continue;
            }
            long on = rule.controls().stream().filter(arn -> after.get(arn) == State.On).count();
            if (rule.gating()) {
                long currentlyOn = rule.controls().stream().filter(arn -> controls.get(arn).state() == State.On)
                        .count();
                if (touched.stream().anyMatch(rule.targets()::contains) && currentlyOn < rule.threshold()) {
                    return refused(rule, "its gating controls allow no change to its target controls (" + currentlyOn
                            + " of " + rule.controls().size() + " On, " + rule.threshold() + " needed)");
                }
            } else if (touched.stream().anyMatch(rule.controls()::contains) && on < rule.threshold()) {
                return refused(rule, "the update would leave " + on + " of its " + rule.controls().size()
                        + " asserted controls On, at least " + rule.threshold() + " needed");
            }
        }
        after.forEach((arn, state) -> controls.computeIfPresent(arn, (a, c) -> c.with(state)));
        if (!watchers.isEmpty()) {
            Instant at = Instant.now();
            watchers.forEach(w -> w.accept(at, Map.copyOf(after)));
        }
        return new Answer(200, JSON.createObjectNode());
    }

    private static Answer refused(SafetyRule rule, String why) {
        return error(400, "ValidationException", "Cannot change routing control states: safety rule " + rule.name()
                + " (" + rule.arn() + ") would be violated: " + why);
    }

    private Answer list(JsonNode body) {
        String panel = body.path("ControlPanelArn").asText(null);
        int max = body.path("MaxResults").asInt(500);
        int from = body.hasNonNull("NextToken") ? Integer.parseInt(body.path("NextToken").asText()) : 0;
        List<Map.Entry<String, Control>> all = controls.entrySet().stream()
                .filter(e -> panel == null || panel.equals(e.getValue().panelArn())).toList();
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode page = answer.putArray("RoutingControls");
        for (int i = from; i < Math.min(all.size(), from + max); i++) {
            Control c = all.get(i).getValue();
            page.addObject().put("ControlPanelArn", c.panelArn()).put("ControlPanelName", c.panelName())
                    .put("RoutingControlArn", all.get(i).getKey()).put("RoutingControlName", c.name())
                    .put("RoutingControlState", c.state().name());
        }
        if (from + max < all.size()) {
            answer.put("NextToken", Integer.toString(from + max));
        }
        return new Answer(200, answer);
    }

    private static Answer notFound(String arn) {
        return error(404, "ResourceNotFoundException", "routing control " + arn + " not found");
    }

    private static Optional<State> parse(String text) {
        for (State s : State.values()) {
            if (s.name().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The cluster's control panel ARN (the first, when it has several). */
    public String controlPanelArn() {
        return panelArn;
    }

    @Override
    public String toString() {
        return "RecoveryCluster " + panelArn + " " + states() + " at " + endpoints();
    }
}
