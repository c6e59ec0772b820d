package dev.failover.testkit.aws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * One region's AWS ARC Region switch data plane ({@code arc-region-switch}, API version 2022-07-26) over loopback HTTP,
 * for the real AWS SDK pointed at it with an endpoint override. It speaks the service's wire protocol as the SDK's model
 * gives it: Smithy RPC v2 CBOR, {@code POST /service/ArcRegionSwitch/operation/<operation>} with a CBOR body, the
 * {@code smithy-protocol: rpc-v2-cbor} header both ways, timestamps as CBOR tag 1 (epoch seconds), errors as
 * {@code {"__type": "<code>", "message": ...}} with a 4xx or 5xx status. A request not signed with SigV4 for the
 * {@code arc-region-switch} signing name and this fixture's region is refused with AccessDeniedException and recorded,
 * so a test shows which region the client called as whom.
 * <p>
 * Plans are given with their workflow for the activated region: ordered steps, each run for {@code stepTime}, a
 * manual-approval step waiting for ApprovePlanExecutionStep (a decline cancels the execution, as AWS does), a step that
 * fails pausing the execution ({@code pausedByFailedStep}) with a {@code stepFailed} event carrying its error. One
 * execution of a plan runs at a time: a start beside an active one is refused with IllegalStateException. Time moves
 * with the wall clock, read when a request comes. Operations: StartPlanExecution, GetPlanExecution, ListPlanExecutions,
 * ListPlanExecutionEvents, ApprovePlanExecutionStep, CancelPlanExecution.
 */
public final class RegionSwitchService implements AutoCloseable {

    public static final String SIGNING_NAME = "arc-region-switch";
    private static final Pattern PATH = Pattern.compile("/service/ArcRegionSwitch/operation/(\\w+)");
    private static final Pattern CREDENTIAL = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/\\d{8}/([^/]+)/([^/]+)/aws4_request, SignedHeaders=\\S+, Signature=[0-9a-f]{64}");
    private static final CBORMapper CBOR = new CBORMapper();

    /** A step of a plan's workflow, as the fixture runs it. */
    public record StepSpec(String name, Kind kind, String error) {

        public enum Kind {
            /** Runs for the step time, then completes. */
            RUNS,
            /** Waits for ApprovePlanExecutionStep. */
            APPROVAL,
            /** Runs for the step time, then fails with {@code error}. */
            FAILS
        }

        public static StepSpec runs(String name) {
            return new StepSpec(name, Kind.RUNS, null);
        }

        public static StepSpec approval(String name) {
            return new StepSpec(name, Kind.APPROVAL, null);
        }

        public static StepSpec fails(String name, String error) {
            return new StepSpec(name, Kind.FAILS, error);
        }
    }

    /** One request as received: operation, who signed it for which region, its decoded body, the status answered. */
    public record Call(Instant at, String operation, String accessKeyId, String region, Map<String, Object> body,
            int status) {
    }

    private static final class Run {
        final String id;
        final String plan;
        final String mode;
        final String comment;
        final String region;
        final Instant started;
        Instant ended;
        String state = "inProgress";
        final List<StepSpec> steps;
        final List<String> status = new ArrayList<>();
        final List<Instant> stepStarted = new ArrayList<>();
        final List<Instant> stepEnded = new ArrayList<>();
        final List<Map<String, Object>> events = new ArrayList<>();

        Run(String id, String plan, String mode, String comment, String region, Instant started, List<StepSpec> steps) {
            this.id = id;
            this.plan = plan;
            this.mode = mode;
            this.comment = comment;
            this.region = region;
            this.started = started;
            this.steps = steps;
            steps.forEach(s -> {
                status.add("notStarted");
                stepStarted.add(null);
                stepEnded.add(null);
            });
        }
    }

    private final String region;
    private final Duration stepTime;
    private final Map<String, List<StepSpec>> plans = new LinkedHashMap<>();
    private final List<Run> runs = new ArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final int port;
    /** Guards {@link #server} alone: stopping waits for the exchange in hand, which needs this fixture's own monitor. */
    private final Object listening = new Object();
    private HttpServer server;
    /** Whether {@link #stopListening()} closed the endpoint; guarded by {@code listening}. */
    private boolean stopped;
    private int nextId = 1;

    private RegionSwitchService(String region, Duration stepTime) throws IOException {
        this.region = region;
        this.stepTime = stepTime;
        this.server = listen(0);
        this.port = server.getAddress().getPort();
    }

    private HttpServer listen(int on) throws IOException {
        HttpServer listening = HttpServer.create(new InetSocketAddress("127.0.0.1", on), 0);
        listening.createContext("/", this::handle);
        listening.start();
        return listening;
    }

    /** Region switch of {@code region}, each step running for {@code stepTime}. */
    public static RegionSwitchService start(String region, Duration stepTime) {
        try {
            return new RegionSwitchService(region, stepTime);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A plan whose workflow activating this region runs these steps in order. */
    public synchronized RegionSwitchService plan(String arn, List<StepSpec> steps) {
        plans.put(arn, List.copyOf(steps));
        return this;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * The region's endpoint goes away for real: the listening socket is closed, so a client's connection is refused
     * (executions go on running, as AWS's would while a client cannot reach it) until {@link #listenAgain()}.
     */
    public void stopListening() {
        synchronized (listening) {
            server.stop(0);
            stopped = true;
        }
    }

    /**
     * The endpoint answers again, on the same port (tried for a few seconds: a socket may hold it a moment); nothing
     * when it answers already (a stop would cut the answers under way: a fault of its own).
     */
    public void listenAgain() {
        synchronized (listening) {
            if (!stopped) {
                return;
            }
            server.stop(0);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (true) {
                try {
                    server = listen(port);
                    stopped = false;
                    return;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("port " + port + " could not be bound again", e);
                    }
                    LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                }
            }
        }
    }

    /** An execution as the fixture holds it, for a checker. */
    public record Execution(String id, String plan, String region, String comment, String state, Instant started,
            Instant ended) {
    }

    /** Every execution, oldest first, advanced to now. */
    public synchronized List<Execution> runs() {
        Instant now = Instant.now();
        return runs.stream().map(r -> {
            advance(r, now);
            return new Execution(r.id, r.plan, r.region, r.comment, r.state, r.started, r.ended);
        }).toList();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Every execution's id and state, oldest first. */
    public synchronized Map<String, String> executions() {
        Map<String, String> states = new LinkedHashMap<>();
        runs.forEach(r -> {
            advance(r, Instant.now());
            states.put(r.id, r.state);
        });
        return states;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] request = exchange.getRequestBody().readAllBytes();
            Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
            String operation = path.matches() ? path.group(1) : null;
            Matcher signed = CREDENTIAL.matcher(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            String key = signed.matches() ? signed.group(1) : null;
            String signedRegion = signed.matches() ? signed.group(2) : null;
            @SuppressWarnings("unchecked")
            Map<String, Object> body = request.length == 0 ? Map.of() : CBOR.readValue(request, Map.class);
            Answer answer;
            if (!signed.matches() || !SIGNING_NAME.equals(signed.group(3)) || !region.equals(signedRegion)) {
                answer = error(403, "AccessDeniedException", "not signed for " + SIGNING_NAME + " in " + region);
            } else if (!"rpc-v2-cbor".equals(exchange.getRequestHeaders().getFirst("smithy-protocol"))) {
                answer = error(400, "UnknownOperationException", "not a Smithy RPC v2 CBOR request");
            } else {
                synchronized (this) {
                    answer = answer(operation, body, Instant.now());
                }
            }
            calls.add(new Call(Instant.now(), operation, key, signedRegion, body, answer.status));
            byte[] bytes = cbor(answer.body);
            exchange.getResponseHeaders().set("Content-Type", "application/cbor");
            exchange.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
            exchange.sendResponseHeaders(answer.status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private record Answer(int status, Map<String, Object> body) {
    }

    private static Answer ok(Map<String, Object> body) {
        return new Answer(200, body);
    }

    private static Answer error(int status, String type, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("__type", type);
        body.put("message", message);
        return new Answer(status, body);
    }

    private Answer answer(String operation, Map<String, Object> body, Instant now) {
        String plan = (String) body.get("planArn");
        if (operation == null) {
            return error(404, "UnknownOperationException", "no operation in the path");
        }
        if (plan == null || !plans.containsKey(plan)) {
            return error(404, "ResourceNotFoundException", "no plan " + plan);
        }
        runs.forEach(r -> advance(r, now));
        switch (operation) {
            case "StartPlanExecution": {
                if (!region.equals(body.get("targetRegion")) || !"activate".equals(body.get("action"))) {
                    return error(400, "IllegalArgumentException", "this fixture activates " + region + " only");
                }
                if (runs.stream().anyMatch(r -> r.plan.equals(plan) && active(r.state))) {
                    return error(400, "IllegalStateException", "an execution of plan " + plan + " is in progress");
                }
                Run run = new Run("exec-" + nextId++, plan, String.valueOf(body.getOrDefault("mode", "graceful")),
                        (String) body.get("comment"), region, now, plans.get(plan));
                runs.add(run);
                event(run, now, "executionStarted", null, null);
                advance(run, now);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("executionId", run.id);
                out.put("plan", plan);
                out.put("activateRegion", region);
                return ok(out);
            }
            case "GetPlanExecution": {
                Run run = run(plan, (String) body.get("executionId"));
                return run == null ? error(404, "ResourceNotFoundException", "no execution " + body.get("executionId"))
                        : ok(describe(run, true));
            }
            case "ListPlanExecutions": {
                // oldest first, in pages of maxResults: AWS documents no order, so a client must read every page
                List<Run> ofPlan = runs.stream().filter(r -> r.plan.equals(plan)).toList();
                int from = body.get("nextToken") == null ? 0 : Integer.parseInt((String) body.get("nextToken"));
                int size = body.get("maxResults") == null ? 100 : ((Number) body.get("maxResults")).intValue();
                List<Object> items = new ArrayList<>();
                ofPlan.subList(from, Math.min(ofPlan.size(), from + size)).forEach(r -> items.add(describe(r, false)));
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("items", items);
                if (from + size < ofPlan.size()) {
                    out.put("nextToken", String.valueOf(from + size));
                }
                return ok(out);
            }
            case "ListPlanExecutionEvents": {
                Run run = run(plan, (String) body.get("executionId"));
                return run == null ? error(404, "ResourceNotFoundException", "no execution " + body.get("executionId"))
                        : ok(Map.of("items", new ArrayList<Object>(run.events)));
            }
            case "ApprovePlanExecutionStep": {
                Run run = run(plan, (String) body.get("executionId"));
                int step = run == null ? -1 : stepIndex(run, (String) body.get("stepName"));
                if (step < 0 || !"pendingApproval".equals(run.status.get(step))) {
                    return error(400, "IllegalStateException",
                            "step " + body.get("stepName") + " is not pending approval");
                }
                if ("approve".equals(body.get("approval"))) {
                    run.status.set(step, "completed");
                    run.stepEnded.set(step, now);
                    run.state = "inProgress";
                    event(run, now, "stepSucceeded", run.steps.get(step).name(), null);
                    advance(run, now);
                } else {
                    run.status.set(step, "canceled");
                    end(run, now, "canceled");
                    event(run, now, "executionCanceled", run.steps.get(step).name(), null);
                }
                return ok(Map.of());
            }
            case "CancelPlanExecution": {
                Run run = run(plan, (String) body.get("executionId"));
                if (run == null || !active(run.state)) {
                    return error(400, "IllegalStateException",
                            "execution " + body.get("executionId") + " is not active");
                }
                end(run, now, "canceled");
                event(run, now, "executionCanceled", null, null);
                return ok(Map.of());
            }
            default:
                return error(400, "UnknownOperationException", "operation " + operation + " is not modelled");
        }
    }

    private Run run(String plan, String id) {
        return runs.stream().filter(r -> r.plan.equals(plan) && r.id.equals(id)).findFirst().orElse(null);
    }

    private static int stepIndex(Run run, String name) {
        for (int i = 0; i < run.steps.size(); i++) {
            if (run.steps.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean active(String state) {
        return List.of("inProgress", "pending", "pendingManualApproval", "pausedByOperator", "pausedByFailedStep")
                .contains(state);
    }

    /** Runs the execution's steps up to {@code now}: each for the step time, an approval until answered. */
    private void advance(Run run, Instant now) {
        while (run.state.equals("inProgress")) {
            int i = run.status.indexOf("running");
            if (i < 0) {
                i = run.status.indexOf("notStarted");
                if (i < 0) {
                    Instant last = run.stepEnded.isEmpty() ? now : run.stepEnded.get(run.stepEnded.size() - 1);
                    end(run, last, "completed");
                    event(run, last, "executionSucceeded", null, null);
                    return;
                }
                Instant from = i == 0 ? run.started : run.stepEnded.get(i - 1);
                run.stepStarted.set(i, from);
                StepSpec spec = run.steps.get(i);
                event(run, from, spec.kind() == StepSpec.Kind.APPROVAL ? "stepPendingApproval" : "stepStarted",
                        spec.name(), null);
                if (spec.kind() == StepSpec.Kind.APPROVAL) {
                    run.status.set(i, "pendingApproval");
                    run.state = "pendingManualApproval";
                    return;
                }
                run.status.set(i, "running");
            }
            Instant done = run.stepStarted.get(i).plus(stepTime);
            if (done.isAfter(now)) {
                return;
            }
            StepSpec spec = run.steps.get(i);
            run.stepEnded.set(i, done);
            if (spec.kind() == StepSpec.Kind.FAILS) {
                run.status.set(i, "failed");
                run.state = "pausedByFailedStep";
                event(run, done, "stepFailed", spec.name(), spec.error());
                return;
            }
            run.status.set(i, "completed");
            event(run, done, "stepSucceeded", spec.name(), null);
        }
    }

    private static void end(Run run, Instant now, String state) {
        run.state = state;
        run.ended = now;
    }

    private static void event(Run run, Instant at, String type, String step, String error) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("timestamp", at);
        e.put("type", type);
        if (step != null) {
            e.put("stepName", step);
        }
        if (error != null) {
            e.put("error", error);
        }
        e.put("eventId", run.id + "-" + run.events.size());
        run.events.add(e);
    }

    private static Map<String, Object> describe(Run run, boolean withSteps) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("planArn", run.plan);
        out.put("executionId", run.id);
        out.put("startTime", run.started);
        if (run.ended != null) {
            out.put("endTime", run.ended);
        }
        out.put("mode", run.mode);
        out.put("executionState", run.state);
        out.put("executionAction", "activate");
        out.put("executionRegion", run.region);
        if (run.comment != null) {
            out.put("comment", run.comment);
        }
        if (withSteps) {
            List<Object> steps = new ArrayList<>();
            for (int i = 0; i < run.steps.size(); i++) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("name", run.steps.get(i).name());
                s.put("status", run.status.get(i));
                if (run.stepStarted.get(i) != null) {
                    s.put("startTime", run.stepStarted.get(i));
                }
                if (run.stepEnded.get(i) != null) {
                    s.put("endTime", run.stepEnded.get(i));
                }
                s.put("stepMode", run.mode);
                steps.add(s);
            }
            out.put("stepStates", steps);
        }
        return out;
    }

    /** CBOR of maps, lists, strings and instants (tag 1, epoch seconds, as Smithy RPC v2 CBOR has timestamps). */
    private static byte[] cbor(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(bytes)) {
            write(g, value);
        }
        return bytes.toByteArray();
    }

    private static void write(CBORGenerator g, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (value instanceof Instant at) {
            g.writeTag(1);
            g.writeNumber(at.toEpochMilli() / 1000.0);
        } else if (value == null) {
            g.writeNull();
        } else {
            g.writeString(String.valueOf(value));
        }
    }

    @Override
    public void close() {
        synchronized (listening) {
            server.stop(0);
        }
    }
}
