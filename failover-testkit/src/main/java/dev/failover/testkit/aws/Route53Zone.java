package dev.failover.testkit.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import com.sun.net.httpserver.HttpExchange;

/**
 * One Route 53 hosted zone with state, served over HTTP by its {@link Route53Account} (alone in one by
 * {@link #start}), for a packaged service pointed at it with an endpoint override (no Route 53 emulator can be
 * installed here). It keeps the zone's record sets and applies each ChangeResourceRecordSets
 * batch as the Route 53 API reference documents: all changes or none; CREATE fails when the set exists, DELETE when it
 * is missing or its TTL, weight or values differ ("... but the values provided do not match the current values"),
 * every refused change of a batch named in its InvalidChangeBatch message ("[Tried to ..., Tried to ...]"), a batch of
 * more than 1,000 ResourceRecord elements refused whole (an UPSERT's counted twice, as Route 53's quotas say),
 * UPSERT creates or replaces. ListResourceRecordSets lists from the requested name and type in Route 53's order
 * (labels reversed, as ASCII), GetChange answers INSYNC. Every applied batch is kept, in order, so that a test can
 * count effective changes. Every request is also kept with the access key of its SigV4 signature ({@code
 * Credential=AKID/date/region/route53/aws4_request}) and its session token, so that a test can check which credentials
 * the caller signed with (the temporary ones STS or a container credentials endpoint handed out).
 * <p>
 * As strict as the service where the actuator depends on it: alias record sets ({@code AliasTarget} with
 * {@code EvaluateTargetHealth}, no TTL of their own; a DELETE must name the same alias); ListResourceRecordSets in pages
 * of {@code maxitems} (at most {@link #pageSize}), continued from {@code NextRecordName}/{@code Type}/{@code Identifier};
 * changes PENDING for a configurable time before INSYNC ({@link #pendingFor}, GetChange of an unknown id is
 * NoSuchChange); more than the account's {@link #requestsPerSecond} requests in a second answered with {@code Throttling}, and a change
 * while the zone's previous one is still PENDING with {@code PriorRequestNotComplete} when
 * {@link #refuseChangesWhilePending} is set. The sets of one name and type keep one routing policy (simple alone;
 * weighted or failover), as Route 53 does. Health checks are not modelled: a set keeps its HealthCheckId as a value.
 */
public final class Route53Zone implements AutoCloseable {

    static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";
    /** The most ResourceRecord elements of one change batch, an UPSERT's counted twice. */
    static final int MAX_RECORDS = 1000;

    /** A Route 53 alias target: no TTL or values of its own. */
    public record Alias(String hostedZoneId, String dnsName, boolean evaluateTargetHealth) {
        public Alias {
            dnsName = absolute(dnsName).toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A record set as stored: sets of one name and type with a routing policy are told apart by their set identifier;
     * an alias has no TTL nor values.
     *
     * @param weight        the weight of a weighted set; null otherwise
     * @param failover      {@code PRIMARY} or {@code SECONDARY} for a set of failover routing; null otherwise
     * @param healthCheckId the health check a set is tied to (failover routing's usual companion); null without one
     */
    public record RecordSet(String name, String type, String setIdentifier, Long weight, long ttl, List<String> values,
            Alias alias, String failover, String healthCheckId) {
        public RecordSet {
            name = absolute(name);
            values = values.stream().sorted().toList();
            ttl = alias == null ? ttl : 0;
        }

        public RecordSet(String name, String type, String setIdentifier, Long weight, long ttl, List<String> values) {
            this(name, type, setIdentifier, weight, ttl, values, null, null, null);
        }

        /** A weighted alias record set, as the production sample's records to load balancers. */
        public static RecordSet alias(String name, String type, String setIdentifier, Long weight, Alias alias) {
            return new RecordSet(name, type, setIdentifier, weight, 0, List.of(), alias, null, null);
        }

        /** A set of failover routing, as Route 53's usual active-passive setup has two: PRIMARY with a health check. */
        public static RecordSet failover(String name, String type, String setIdentifier, String role,
                String healthCheckId,
                long ttl, List<String> values) {
            return new RecordSet(name, type, setIdentifier, null, ttl, values, null, role, healthCheckId);
        }

        /** The routing policy as Route 53 tells sets of one name and type apart: they must all have the same. */
        String policy() {
            return setIdentifier == null ? "simple"
                    : failover != null ? "failover" : weight != null ? "weighted" : "other";
        }

        Key key() {
            return new Key(name, type, setIdentifier);
        }
    }

    /** One applied change batch: when, and the changes as "ACTION name type [id] weight ttl values". */
    public record AppliedBatch(Instant at, List<String> changes, List<RecordSet> upserts) {
    }

    /**
     * One request as received: method, path, the access key id of its SigV4 signature ("none" when unsigned) and its
     * {@code X-Amz-Security-Token} (null without one); when it came, its query (null without one) and whether the
     * account answered it Throttling.
     */
    public record SignedRequest(String method, String path, String accessKeyId, String sessionToken, Instant at,
            String query, boolean throttled) {
    }

    record Key(String name, String type, String setIdentifier) {
    }

    private final String zoneId;
    private final Route53Account account;
    private final Map<Key, RecordSet> sets = new HashMap<>();
    private final List<AppliedBatch> applied = new ArrayList<>();
    private final List<Consumer<AppliedBatch>> watchers = new CopyOnWriteArrayList<>();
    /** When each change id of this zone answers INSYNC. */
    private final Map<String, Instant> insyncAt = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile int pageSize = 300;
    private volatile java.time.Duration pending = java.time.Duration.ZERO;
    private volatile boolean refuseWhilePending;

    Route53Zone(Route53Account account, String zoneId) {
        this.account = account;
        this.zoneId = zoneId;
    }

    /** Starts the zone, alone in an account of its own, on a free local port with these record sets. */
    public static Route53Zone start(String zoneId, List<RecordSet> initial) throws IOException {
        return Route53Account.start().zone(zoneId, initial);
    }

    /** The hosted zone's id. */
    public String id() {
        return zoneId;
    }

    /** The account this zone is served by. */
    public Route53Account account() {
        return account;
    }

    /** The endpoint to give the AWS SDK as its endpoint override (the account's). */
    public URI endpoint() {
        return account.endpoint();
    }

    /** Also tells {@code watcher} of every batch applied from now on, as it is applied (under the zone's lock). */
    public void watch(Consumer<AppliedBatch> watcher) {
        watchers.add(watcher);
    }

    synchronized void load(List<RecordSet> initial) {
        initial.forEach(set -> sets.put(set.key(), set));
    }

    /** The weight of each weighted set of {@code name}/{@code type}, by set identifier. */
    public synchronized Map<String, Long> weights(String name, String type) {
        Map<String, Long> weights = new TreeMap<>();
        sets.values().stream().filter(s -> s.name().equalsIgnoreCase(absolute(name)) && s.type().equals(type)
                && s.setIdentifier() != null).forEach(s -> weights.put(s.setIdentifier(), s.weight()));
        return weights;
    }

    /** The most record sets a ListResourceRecordSets page holds (Route 53: 300), whatever maxitems asks. */
    public Route53Zone pageSize(int size) {
        this.pageSize = size;
        return this;
    }

    /** How long a change stays PENDING before GetChange answers INSYNC (default 0: at once). */
    public Route53Zone pendingFor(java.time.Duration duration) {
        this.pending = duration;
        return this;
    }

    /** Every change written so far answers INSYNC from now on. */
    public void insyncNow() {
        insyncAt.replaceAll((id, at) -> Instant.now());
    }

    /** The most requests the account answers per second (Route 53: five per account); more get Throttling. */
    public Route53Zone requestsPerSecond(int limit) {
        account.requestsPerSecond(limit);
        return this;
    }

    /** A change while the zone's previous change is still PENDING is refused with PriorRequestNotComplete. */
    public Route53Zone refuseChangesWhilePending(boolean refuse) {
        this.refuseWhilePending = refuse;
        return this;
    }

    /** Every request the account received so far, oldest first, with the credentials it was signed with. */
    public List<SignedRequest> requests() {
        return account.requests();
    }

    /** Every batch applied so far, oldest first. */
    public synchronized List<AppliedBatch> applied() {
        return List.copyOf(applied);
    }

    /** Stops the account's server. */
    @Override
    public void close() {
        account.close();
    }

    /** Whether this zone wrote change {@code id}. */
    boolean wrote(String id) {
        return insyncAt.containsKey(id);
    }

    void getChange(HttpExchange exchange, String id) throws IOException {
        answer(exchange, 200, "<GetChangeResponse xmlns=\"" + NS + "\">" + changeInfo(id) + "</GetChangeResponse>");
    }

    void list(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String fromName = absolute(query.getOrDefault("name", "."));
        String fromType = query.getOrDefault("type", "");
        String fromIdentifier = query.get("identifier");
        int max = Math.min(pageSize, Integer.parseInt(query.getOrDefault("maxitems", "300")));
        StringBuilder xml = new StringBuilder(
                "<ListResourceRecordSetsResponse xmlns=\"" + NS + "\"><ResourceRecordSets>");
        List<RecordSet> from;
        synchronized (this) {
            from = sets.values().stream().sorted(ORDER)
                    .filter(s -> compareNames(s.name(), fromName) > 0
                            || (compareNames(s.name(), fromName) == 0 && (s.type().compareTo(fromType) > 0
                                    || (s.type().equals(fromType) && (fromIdentifier == null
                                            || Objects.toString(s.setIdentifier(), "")
                                                    .compareTo(fromIdentifier) >= 0)))))
                    .toList();
        }
        from.stream().limit(max).forEach(s -> xml.append(xml(s)));
        xml.append("</ResourceRecordSets>");
        if (from.size() > max) {
            RecordSet next = from.get(max);
            xml.append("<IsTruncated>true</IsTruncated><NextRecordName>").append(next.name())
                    .append("</NextRecordName>")
                    .append("<NextRecordType>").append(next.type()).append("</NextRecordType>");
            if (next.setIdentifier() != null) {
                xml.append("<NextRecordIdentifier>").append(escape(next.setIdentifier()))
                        .append("</NextRecordIdentifier>");
            }
        } else {
            xml.append("<IsTruncated>false</IsTruncated>");
        }
        xml.append("<MaxItems>").append(max).append("</MaxItems></ListResourceRecordSetsResponse>");
        answer(exchange, 200, xml.toString());
    }

    void change(HttpExchange exchange) throws IOException {
        Document request;
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            request = factory.newDocumentBuilder()
                    .parse(new ByteArrayInputStream(exchange.getRequestBody().readAllBytes()));
        } catch (Exception e) {
            answer(exchange, 400, error("InvalidInput", "not a ChangeResourceRecordSetsRequest: " + e.getMessage()));
            return;
        }
        NodeList changes = request.getElementsByTagNameNS(NS, "Change");
        int records = 0;
        for (int i = 0; i < changes.getLength(); i++) {
            Element change = (Element) changes.item(i);
            int values = Math.max(1, change.getElementsByTagNameNS(NS, "ResourceRecord").getLength());
            records += text(change, "Action").equals("UPSERT") ? 2 * values : values; // as Route 53 counts them
        }
        if (records > MAX_RECORDS) {
            answer(exchange, 400, error("InvalidChangeBatch", "[Number of records limit of " + MAX_RECORDS
                    + " exceeded.]"));
            return;
        }
        String id = account.nextChangeId();
        synchronized (this) {
            if (refuseWhilePending && insyncAt.values().stream().anyMatch(at -> Instant.now().isBefore(at))) {
                answer(exchange, 400,
                        error("PriorRequestNotComplete", "The request was rejected because Route 53 was still "
                                + "processing a prior request."));
                return;
            }
            Map<Key, RecordSet> next = new HashMap<>(sets);
            List<String> refusals = new ArrayList<>();
            List<String> described = new ArrayList<>();
            List<RecordSet> upserts = new ArrayList<>();
            for (int i = 0; i < changes.getLength(); i++) {
                Element change = (Element) changes.item(i);
                String action = text(change, "Action");
                RecordSet set = recordSet((Element) change.getElementsByTagNameNS(NS, "ResourceRecordSet").item(0));
                String refusal = switch (action) {
                    case "CREATE" ->
                        next.containsKey(set.key()) ? "Tried to create resource record set " + describe(set)
                                + " but it already exists" : null;
                    case "DELETE" -> !next.containsKey(set.key())
                            ? "Tried to delete resource record set " + describe(set)
                                    + " but it was not found"
                            : !next.get(set.key()).equals(set) ? "Tried to delete resource record set "
                                    + describe(set) + " but the values provided do not match the current values" : null;
                    case "UPSERT" -> null;
                    default -> "unknown action " + action;
                };
                if (refusal != null) {
                    refusals.add(refusal); // Route 53 names every change it refuses, and applies none
                    continue;
                }
                if (action.equals("DELETE")) {
                    next.remove(set.key());
                } else {
                    next.put(set.key(), set);
                    upserts.add(set);
                }
                described.add(action + " " + set.name() + " " + set.type() + (set.setIdentifier() == null ? ""
                        : " " + set.setIdentifier() + " weight=" + set.weight()) + " ttl=" + set.ttl() + " "
                        + set.values());
            }
            upserts.forEach(set -> policyConflict(next, set).ifPresent(refusals::add));
            if (!refusals.isEmpty()) {
                answer(exchange, 400, error("InvalidChangeBatch", "[" + String.join(", ", refusals) + "]"));
                return; // nothing of the batch is applied
            }
            sets.clear();
            sets.putAll(next);
            AppliedBatch batch = new AppliedBatch(Instant.now(), described, upserts);
            applied.add(batch);
            watchers.forEach(w -> w.accept(batch));
            insyncAt.put(id, Instant.now().plus(pending));
        }
        answer(exchange, 200, "<ChangeResourceRecordSetsResponse xmlns=\"" + NS + "\">" + changeInfo(id)
                + "</ChangeResourceRecordSetsResponse>");
    }

    /**
     * Route 53 keeps the sets of one name and type under one routing policy: a simple set stands alone, and weighted
     * sets cannot join failover ones. A batch that would leave {@code set} beside a set of another policy is refused
     * whole; its DELETE of the other set in the same batch is how a record is moved from one policy to another. The
     * wording follows the refusals users report (the first from a simple set created beside weighted ones); the
     * actuator reads none of it.
     */
    private static java.util.Optional<String> policyConflict(Map<Key, RecordSet> next, RecordSet set) {
        if (!next.containsKey(set.key())) {
            return java.util.Optional.empty(); // deleted again later in the batch
        }
        List<RecordSet> others = next.values().stream().filter(o -> o.name().equalsIgnoreCase(set.name())
                && o.type().equals(set.type()) && !o.key().equals(set.key())).toList();
        String what = "RRSet with DNS name " + set.name() + ", type " + set.type();
        if (set.setIdentifier() == null && !others.isEmpty()) {
            return java.util.Optional
                    .of(what + " cannot be created as other RRSets exist with the same name and type.");
        }
        return others.stream().filter(o -> !o.policy().equals(set.policy())).findFirst().map(o -> what
                + ", SetIdentifier " + set.setIdentifier() + " cannot be created as a " + (o.setIdentifier() == null
                        ? "non-" + set.policy() : o.policy())
                + " set exists with the same name and type.");
    }

    private static RecordSet recordSet(Element set) {
        List<String> values = new ArrayList<>();
        NodeList records = set.getElementsByTagNameNS(NS, "Value");
        for (int i = 0; i < records.getLength(); i++) {
            values.add(records.item(i).getTextContent());
        }
        String weight = text(set, "Weight");
        String ttl = text(set, "TTL");
        NodeList aliases = set.getElementsByTagNameNS(NS, "AliasTarget");
        Alias alias = null;
        if (aliases.getLength() > 0) {
            Element a = (Element) aliases.item(0);
            alias = new Alias(text(a, "HostedZoneId"), text(a, "DNSName"),
                    Boolean.parseBoolean(text(a, "EvaluateTargetHealth")));
        }
        return new RecordSet(text(set, "Name"), text(set, "Type"), text(set, "SetIdentifier"),
                weight == null ? null : Long.valueOf(weight), ttl == null ? 0 : Long.parseLong(ttl), values, alias,
                text(set, "Failover"), text(set, "HealthCheckId"));
    }

    private static String xml(RecordSet set) {
        StringBuilder xml = new StringBuilder("<ResourceRecordSet><Name>").append(set.name()).append("</Name><Type>")
                .append(set.type()).append("</Type>");
        if (set.setIdentifier() != null) {
            xml.append("<SetIdentifier>").append(escape(set.setIdentifier())).append("</SetIdentifier>");
        }
        if (set.weight() != null) {
            xml.append("<Weight>").append(set.weight()).append("</Weight>");
        }
        if (set.failover() != null) {
            xml.append("<Failover>").append(set.failover()).append("</Failover>");
        }
        if (set.healthCheckId() != null) {
            xml.append("<HealthCheckId>").append(escape(set.healthCheckId())).append("</HealthCheckId>");
        }
        if (set.alias() != null) {
            return xml.append("<AliasTarget><HostedZoneId>").append(set.alias().hostedZoneId())
                    .append("</HostedZoneId><DNSName>")
                    .append(set.alias().dnsName()).append("</DNSName><EvaluateTargetHealth>")
                    .append(set.alias().evaluateTargetHealth())
                    .append("</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>")
                    .toString();
        }
        xml.append("<TTL>").append(set.ttl()).append("</TTL><ResourceRecords>");
        set.values().forEach(
                v -> xml.append("<ResourceRecord><Value>").append(escape(v)).append("</Value></ResourceRecord>"));
        return xml.append("</ResourceRecords></ResourceRecordSet>").toString();
    }

    /**
     * Route 53 lists by name with the labels reversed, each followed by a dot, compared as ASCII ({@code
     * com.example.api.}; so {@code api-x.example.com.} comes before {@code api.example.com.}, "-" being below "."), then
     * by type.
     */
    static final Comparator<RecordSet> ORDER = Comparator
            .<RecordSet, String>comparing(s -> s.name(), Route53Zone::compareNames)
            .thenComparing(RecordSet::type).thenComparing(s -> Objects.toString(s.setIdentifier(), ""));

    static int compareNames(String a, String b) {
        return reversed(a).compareTo(reversed(b));
    }

    private static String reversed(String name) {
        List<String> labels = new ArrayList<>(List.of(absolute(name).toLowerCase(Locale.ROOT).split("\\.")));
        Collections.reverse(labels);
        return String.join(".", labels) + ".";
    }

    private static String describe(RecordSet set) {
        return "[name='" + set.name() + "', type='" + set.type() + "'" + (set.setIdentifier() == null ? ""
                : ", set-identifier='" + set.setIdentifier() + "'") + "]";
    }

    private String changeInfo(String id) {
        boolean insync = !Instant.now().isBefore(insyncAt.getOrDefault(id, Instant.MIN));
        return "<ChangeInfo><Id>/change/" + id + "</Id><Status>" + (insync ? "INSYNC" : "PENDING")
                + "</Status><SubmittedAt>"
                + Instant.now() + "</SubmittedAt></ChangeInfo>";
    }

    static String error(String code, String message) {
        // no XML declaration here: answer() writes the one the document may have (two made the SDK drop the error code)
        return "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code
                + "</Code><Message>" + escape(message) + "</Message></Error><RequestId>" + java.util.UUID.randomUUID()
                + "</RequestId></ErrorResponse>";
    }

    static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagNameNS(NS, tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node.getParentNode() == parent) {
                return node.getTextContent();
            }
        }
        return null;
    }

    private static Map<String, String> query(String raw) {
        return raw == null ? new java.util.TreeMap<>() : QueryProtocol.form(raw);
    }

    private static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
