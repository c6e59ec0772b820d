package dev.failover.actuator.database;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import dev.failover.testkit.aws.QueryProtocol;

/**
 * RDS read replicas and an Aurora global database as a model behind AWS's query protocol, for the randomized checker of
 * the managed backends (ADR 0020): the real SDK and the real adapters ({@link RdsDatabase}, {@link AuroraGlobalDatabase})
 * call it as they call AWS, and it behaves as AWS documents it, on a clock the checker moves:
 * <ul>
 * <li>a replica applies its source's commits {@code lag} behind (or stops at the moment its replication broke, which
 * RDS reports in {@code StatusInfos} and as a ReplicaLag of -1); a replica keeps replicating a source whose parameter
 * group made it read-only;</li>
 * <li>{@code ModifyDBParameterGroup} changes the group at once; the instance shows it {@code applying} for a while and
 * takes the value at the end;</li>
 * <li>{@code PromoteReadReplica} stops replication at once and leaves the instance {@code modifying} for a while, then a
 * primary with what it had; {@code StopDBInstance} is refused while the instance has a read replica;</li>
 * <li>CloudWatch publishes one ReplicaLag (AuroraGlobalDBReplicationLag) sample a minute, taken at a moment of that minute,
 * some seconds after the minute ended;</li>
 * <li>Aurora: {@code SwitchoverGlobalCluster} stops writes on the writer at once and completes, with nothing lost, some
 * tens of seconds later (refused while the writer's region is down); {@code FailoverGlobalCluster} with
 * {@code AllowDataLoss} makes the secondary the writer with what it had applied; a writer whose region comes back is
 * rejoined as a secondary;</li>
 * <li>a region that is down answers every call for it with 503 (the region is read from the request's signature).</li>
 * </ul>
 * A client writes to the node DNS names, {@link #COMMITS_PER_SECOND} a second, while that node takes writes; every commit
 * acknowledged is kept with its time, and every node's holdings can be read back, as the invariants need.
 */
public final class ManagedDatabaseModel implements AutoCloseable {

    static final String ACCOUNT = "111111111111";
    static final String RDS = "http://rds.amazonaws.com/doc/2014-10-31/";
    static final String CW = "http://monitoring.amazonaws.com/doc/2010-08-01/";
    public static final int COMMITS_PER_SECOND = 20;
    private static final Pattern REGION = Pattern.compile("Credential=[^/]+/\\d{8}/([a-z0-9-]+)/");

    /** A commit the client was told succeeded, and when. */
    public record Commit(long id, Instant at) {
    }

    /** A node: an RDS instance, or an Aurora member cluster. */
    public final class Node {
        final String id;
        final String region;
        final String fenceGroup;
        String source; // a replica's source node id; null for a node that takes writes
        String status = "available";
        Instant statusUntil; // when a transient status (modifying, stopping) ends
        String statusAfter;
        boolean readOnly; // its fence group's parameter (RDS) or a switchover's demotion (Aurora)
        Instant applyingUntil; // its fence group is "applying" a change until then, which takes effect at its end
        boolean readOnlyApplying; // the value being applied
        double lagSeconds;
        Instant brokenAt; // its replication broke then; null while it replicates
        final List<Commit> own = new ArrayList<>();
        List<Commit> inherited = List.of();

        Node(String id, String region, String fenceGroup) {
            this.id = id;
            this.region = region;
            this.fenceGroup = fenceGroup;
        }

        public String region() {
            return region;
        }

        /** Its replication breaks at {@code t}: it applies nothing after, and says so. */
        public void brokenAt(Instant t) {
            brokenAt = t;
        }

        String arn() {
            return "arn:aws:rds:" + region + ":" + ACCOUNT + (aurora ? ":cluster:" : ":db:") + id;
        }

        /** Every commit this node holds at {@code t}: a replica's from its source, applied {@code lag} behind. */
        public List<Commit> holdings(Instant t) {
            settle(t);
            if (source == null) {
                List<Commit> all = new ArrayList<>(inherited);
                own.stream().filter(c -> !c.at().isAfter(t)).forEach(all::add);
                return all;
            }
            Instant applied = t.minusMillis((long) (lagSeconds * 1000));
            if (brokenAt != null && brokenAt.isBefore(applied)) {
                applied = brokenAt;
            }
            Instant upTo = applied;
            return nodes.get(source).holdings(upTo).stream().filter(c -> !c.at().isAfter(upTo)).toList();
        }

        /** Whether a client's commit here succeeds at {@code t}. */
        public boolean takesWrites(Instant t) {
            settle(t);
            return source == null && "available".equals(status) && !readOnly && !down.contains(region);
        }

        void settle(Instant t) {
            if (statusUntil != null && !t.isBefore(statusUntil)) {
                status = statusAfter;
                statusUntil = null;
            }
            if (applyingUntil != null && !t.isBefore(applyingUntil)) {
                readOnly = readOnlyApplying;
                applyingUntil = null;
            }
        }
    }

    private final WireMockServer server;
    private final Clock clock;
    final boolean aurora;
    final Map<String, Node> nodes = new LinkedHashMap<>();
    /** Regions whose API answers nothing but 503, and whose nodes take no writes. */
    public final Set<String> down = new java.util.HashSet<>();
    /** Seconds after a minute ends that its datapoint is published. */
    private final int publishDelaySeconds;
    private final int promotionSeconds;
    /** How long a parameter group change is "applying" before it takes effect. */
    private final int applySeconds;
    /** An Aurora switchover or failover under way: its target, its kind, and when it completes. */
    private String movingTo;
    private boolean movingWithLoss;
    private Instant movingUntil;
    private String movingFrom;
    private final Map<String, Integer> calls = new HashMap<>();
    private final List<Commit> acknowledged = new ArrayList<>();
    private Instant written;
    private long nextId = 1;

    /**
     * @param aurora              an Aurora global database (member clusters) rather than RDS instances
     * @param publishDelaySeconds how long after its minute a CloudWatch datapoint appears
     * @param promotionSeconds    how long a promotion (RDS) or a switchover or failover (Aurora) takes
     * @param applySeconds        how long a fence parameter group's change is "applying" before it takes effect
     */
    public ManagedDatabaseModel(Clock clock, boolean aurora, int publishDelaySeconds, int promotionSeconds,
            int applySeconds) {
        this.clock = clock;
        this.aurora = aurora;
        this.publishDelaySeconds = publishDelaySeconds;
        this.promotionSeconds = promotionSeconds;
        this.applySeconds = applySeconds;
        this.written = clock.instant();
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(new ResponseDefinitionTransformerV2() {
                    @Override
                    public ResponseDefinition transform(ServeEvent event) {
                        return handle(event.getRequest().getBodyAsString(),
                                event.getRequest().getHeader("Authorization"));
                    }

                    @Override
                    public String getName() {
                        return "managed-database-model";
                    }
                }));
        server.start();
        server.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse()));
    }

    public Clock clock() {
        return clock;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** A node: the writer ({@code source} null) or a replica of {@code source}. */
    public Node add(String id, String region, String source, String fenceGroup, double lagSeconds) {
        Node node = new Node(id, region, fenceGroup);
        node.source = source;
        node.lagSeconds = lagSeconds;
        nodes.put(id, node);
        return node;
    }

    public Node node(String id) {
        return nodes.get(id);
    }

    /** The client's commits up to now, each to the node {@code dnsTarget} names at that moment, if it takes writes. */
    public synchronized void writeUntil(Instant now, String dnsTarget) {
        Node target = nodes.get(dnsTarget);
        for (Instant t = written.plusMillis(1000 / COMMITS_PER_SECOND); !t.isAfter(now);
                t = t.plusMillis(1000 / COMMITS_PER_SECOND)) {
            settleMove(t);
            if (target != null && target.takesWrites(t)) {
                Commit commit = new Commit(nextId++, t);
                target.own.add(commit);
                acknowledged.add(commit);
            }
            written = t;
        }
    }

    /** The nodes that take writes at {@code t}. */
    public synchronized List<String> writers(Instant t) {
        settleMove(t);
        return nodes.values().stream().filter(n -> n.takesWrites(t)).map(n -> n.id).toList();
    }

    public synchronized List<Commit> acknowledged() {
        return List.copyOf(acknowledged);
    }

    /** How many calls of {@code action} were made. */
    public synchronized int calls(String action) {
        return calls.getOrDefault(action, 0);
    }

    /** A region is back: an Aurora writer there that was failed over from rejoins as a secondary. */
    public synchronized void regionBack(String region) {
        down.remove(region);
        if (aurora) {
            String writer = writerId();
            nodes.values().stream().filter(n -> n.region.equals(region) && n.source == null && writer != null
                    && !n.id.equals(writer)).forEach(n -> {
                        n.source = writer;
                        n.own.clear(); // its commits since the failover are gone: rebuilt from the new writer
                        n.inherited = List.of();
                    });
        }
    }

    private String writerId() {
        return nodes.values().stream().filter(n -> n.source == null).map(n -> n.id).findFirst().orElse(null);
    }

    /** Completes an Aurora move whose time has come. */
    private void settleMove(Instant t) {
        if (movingUntil == null || t.isBefore(movingUntil)) {
            return;
        }
        Node to = nodes.get(movingTo);
        Node from = nodes.get(movingFrom);
        to.inherited = to.holdings(movingWithLoss ? movingUntil : movingUntil.plusSeconds(3_600));
        to.own.clear();
        to.source = null;
        to.readOnly = false;
        if (!movingWithLoss || !down.contains(from.region)) {
            from.source = to.id;
            from.readOnly = false;
        }
        movingUntil = null;
        movingTo = null;
    }

    private synchronized String answer(String region, Map<String, String> form) {
        Instant now = clock.instant();
        settleMove(now);
        String action = form.get("Action");
        calls.merge(action, 1, Integer::sum);
        if (down.contains(region)) {
            throw new Refusal(503, "ServiceUnavailable", "the region " + region + " does not answer");
        }
        return switch (action) {
            case "DescribeDBInstances" -> describeInstances(form.get("DBInstanceIdentifier"), now);
            case "PromoteReadReplica" -> promote(form.get("DBInstanceIdentifier"), now);
            case "StopDBInstance" -> stop(form.get("DBInstanceIdentifier"), now);
            case "ModifyDBParameterGroup" -> modify(form);
            case "DescribeDBParameters" -> parameters(form.get("DBParameterGroupName"));
            case "GetMetricStatistics" -> datapoints(form, now);
            case "DescribeGlobalClusters" -> global(now);
            case "SwitchoverGlobalCluster" -> move(form.get("TargetDbClusterIdentifier"), false, now);
            case "FailoverGlobalCluster" -> move(form.get("TargetDbClusterIdentifier"), true, now);
            default -> throw new Refusal(400, "InvalidAction", action);
        };
    }

    private Node rdsNode(String id) {
        Node node = nodes.get(id);
        if (node == null) {
            throw new Refusal(404, "DBInstanceNotFound", "DBInstance " + id + " not found.");
        }
        node.settle(clock.instant());
        return node;
    }

    private String instanceXml(Node node, Instant now) {
        StringBuilder xml = new StringBuilder("<DBInstance><DBInstanceIdentifier>").append(node.id)
                .append("</DBInstanceIdentifier><Engine>postgres</Engine><DBInstanceStatus>").append(node.status)
                .append("</DBInstanceStatus>");
        if (node.fenceGroup != null) {
            xml.append("<DBParameterGroups><DBParameterGroup><DBParameterGroupName>").append(node.fenceGroup)
                    .append("</DBParameterGroupName><ParameterApplyStatus>").append(node.applyingUntil == null
                            ? "in-sync" : "applying")
                    .append("</ParameterApplyStatus>")
                    .append("</DBParameterGroup></DBParameterGroups>");
        }
        if (node.source != null) {
            Node source = nodes.get(node.source);
            xml.append("<ReadReplicaSourceDBInstanceIdentifier>").append(source.region.equals(node.region) ? source.id
                    : source.arn())
                    .append("</ReadReplicaSourceDBInstanceIdentifier><StatusInfos><DBInstanceStatusInfo>")
                    .append("<StatusType>read replication</StatusType><Normal>").append(node.brokenAt == null)
                    .append("</Normal><Status>").append(node.brokenAt == null ? "replicating" : "error")
                    .append("</Status></DBInstanceStatusInfo></StatusInfos>");
        }
        return xml.append("<DBInstanceArn>").append(node.arn()).append("</DBInstanceArn></DBInstance>").toString();
    }

    private String describeInstances(String id, Instant now) {
        return rds("DescribeDBInstances", "<DBInstances>" + instanceXml(rdsNode(id), now) + "</DBInstances>");
    }

    private String promote(String id, Instant now) {
        Node node = rdsNode(id);
        if (node.source == null || !"available".equals(node.status)) {
            throw new Refusal(400, "InvalidDBInstanceState", "DB Instance is not a read replica or not available.");
        }
        node.inherited = node.holdings(now); // replication stops at the request
        node.own.clear();
        node.source = null;
        node.brokenAt = null;
        node.status = "modifying";
        node.statusUntil = now.plusSeconds(promotionSeconds);
        node.statusAfter = "available";
        return rds("PromoteReadReplica", instanceXml(node, now));
    }

    private String stop(String id, Instant now) {
        Node node = rdsNode(id);
        if (nodes.values().stream().anyMatch(n -> id.equals(n.source))) {
            throw new Refusal(400, "InvalidDBInstanceState", "Cannot stop DB instance " + id
                    + " because it has read replicas.");
        }
        node.status = "stopping";
        node.statusUntil = now.plusSeconds(30);
        node.statusAfter = "stopped";
        return rds("StopDBInstance", instanceXml(node, now));
    }

    private String modify(Map<String, String> form) {
        String group = form.get("DBParameterGroupName");
        Node node = nodes.values().stream().filter(n -> group.equals(n.fenceGroup)).findFirst()
                .orElseThrow(() -> new Refusal(404, "DBParameterGroupNotFound", group));
        // the query protocol names RDS's list members after their type: Parameters.Parameter.1.ParameterValue
        boolean value = "1".equals(form.get("Parameters.Parameter.1.ParameterValue"));
        node.settle(clock.instant());
        if (value != (node.applyingUntil != null ? node.readOnlyApplying : node.readOnly)) {
            // a change: the group is "applying" for a while, as RDS reports it, and the value takes effect at its end
            node.readOnlyApplying = value;
            node.applyingUntil = clock.instant().plusSeconds(applySeconds);
            node.settle(clock.instant());
        }
        return "<ModifyDBParameterGroupResponse xmlns=\"" + RDS
                + "\"><ModifyDBParameterGroupResult><DBParameterGroupName>"
                + group + "</DBParameterGroupName></ModifyDBParameterGroupResult>" + META
                + "</ModifyDBParameterGroupResponse>";
    }

    private String parameters(String group) {
        Node node = nodes.values().stream().filter(n -> group.equals(n.fenceGroup)).findFirst()
                .orElseThrow(() -> new Refusal(404, "DBParameterGroupNotFound", group));
        return "<DescribeDBParametersResponse xmlns=\"" + RDS + "\"><DescribeDBParametersResult><Parameters><Parameter>"
                + "<ParameterName>default_transaction_read_only</ParameterName><ParameterValue>"
                + ((node.applyingUntil != null ? node.readOnlyApplying : node.readOnly) ? 1 : 0)
                + "</ParameterValue><Source>user</Source><ApplyType>dynamic</ApplyType></Parameter></Parameters>"
                + "</DescribeDBParametersResult>" + META + "</DescribeDBParametersResponse>";
    }

    /**
     * One sample a minute of the node's lag as it was at a moment of that minute (its replication broken: -1, as RDS
     * reports it), published {@code publishDelaySeconds} after the minute ended; none for a node that is no replica.
     */
    private String datapoints(Map<String, String> form, Instant now) {
        String id = form.get("Dimensions.member.1.Value");
        Node node = nodes.get(id);
        StringBuilder points = new StringBuilder();
        Instant start = Instant.parse(form.get("StartTime")).truncatedTo(ChronoUnit.MINUTES);
        for (Instant minute = start; !minute.plusSeconds(60 + publishDelaySeconds).isAfter(now);
                minute = minute.plusSeconds(60)) {
            if (node == null || node.source == null) {
                continue;
            }
            Instant sampled = minute.plusSeconds(Math.floorMod(minute.getEpochSecond() / 60 * 37, 60));
            double lag = node.brokenAt != null && !sampled.isBefore(node.brokenAt) ? -1 : node.lagSeconds;
            double value = lag < 0 ? -1 : aurora ? lag * 1000 : lag;
            points.append("<member><Timestamp>").append(minute).append("</Timestamp><Maximum>").append(value)
                    .append("</Maximum><Unit>").append(aurora ? "Milliseconds" : "Seconds").append("</Unit></member>");
        }
        return "<GetMetricStatisticsResponse xmlns=\"" + CW
                + "\"><GetMetricStatisticsResult><Label>lag</Label><Datapoints>"
                + points + "</Datapoints></GetMetricStatisticsResult>" + META + "</GetMetricStatisticsResponse>";
    }

    private String global(Instant now) {
        StringBuilder members = new StringBuilder();
        for (Node node : nodes.values()) {
            members.append("<GlobalClusterMember><DBClusterArn>").append(node.arn()).append("</DBClusterArn><IsWriter>")
                    .append(node.source == null).append("</IsWriter></GlobalClusterMember>");
        }
        String moving = movingUntil == null ? "" : "<FailoverState><Status>" + (movingWithLoss ? "failing-over"
                : "switching-over") + "</Status><FromDbClusterArn>" + nodes.get(movingFrom).arn()
                + "</FromDbClusterArn>"
                + "<ToDbClusterArn>" + nodes.get(movingTo).arn() + "</ToDbClusterArn><IsDataLossAllowed>"
                + movingWithLoss
                + "</IsDataLossAllowed></FailoverState>";
        return "<DescribeGlobalClustersResponse xmlns=\"" + RDS + "\"><DescribeGlobalClustersResult><GlobalClusters>"
                + "<GlobalClusterMember><GlobalClusterIdentifier>orders</GlobalClusterIdentifier><Status>available</Status>"
                + "<GlobalClusterMembers>" + members + "</GlobalClusterMembers>" + moving + "</GlobalClusterMember>"
                + "</GlobalClusters></DescribeGlobalClustersResult>" + META + "</DescribeGlobalClustersResponse>";
    }

    /** A switchover (waits for nothing to be lost: the writer stops at once) or a failover with data loss. */
    private String move(String targetArn, boolean withLoss, Instant now) {
        Node to = nodes.values().stream().filter(n -> n.arn().equals(targetArn)).findFirst()
                .orElseThrow(() -> new Refusal(404, "DBClusterNotFoundFault", targetArn));
        Node from = nodes.get(writerId());
        if (movingUntil != null || to.source == null) {
            throw new Refusal(400, "InvalidGlobalClusterStateFault", "the global cluster is not in a state to move to "
                    + targetArn);
        }
        if (!withLoss && down.contains(from.region)) {
            throw new Refusal(400, "InvalidGlobalClusterStateFault", "the writer " + from.arn() + " is not available");
        }
        from.readOnly = true; // the writer takes no more writes once the move begins
        movingFrom = from.id;
        movingTo = to.id;
        movingWithLoss = withLoss;
        movingUntil = now.plusSeconds(promotionSeconds);
        if (withLoss) {
            to.inherited = to.holdings(now); // what it had applied: the rest is lost
            to.own.clear();
            to.brokenAt = now;
        }
        String name = withLoss ? "FailoverGlobalCluster" : "SwitchoverGlobalCluster";
        return "<" + name + "Response xmlns=\"" + RDS + "\"><" + name
                + "Result><GlobalCluster><GlobalClusterIdentifier>orders"
                + "</GlobalClusterIdentifier></GlobalCluster></" + name + "Result>" + META + "</" + name + "Response>";
    }

    private static final String META = "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>";

    private static String rds(String action, String result) {
        return "<" + action + "Response xmlns=\"" + RDS + "\"><" + action + "Result>" + result + "</" + action
                + "Result>"
                + META + "</" + action + "Response>";
    }

    /** An error answer, as AWS's query protocol writes one. */
    static final class Refusal extends RuntimeException {
        final int status;
        final String code;

        Refusal(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private ResponseDefinition handle(String requestBody, String authorization) {
        Map<String, String> form = QueryProtocol.form(requestBody);
        Matcher region = REGION.matcher(String.valueOf(authorization));
        int status = 200;
        String body;
        try {
            body = answer(region.find() ? region.group(1) : "", form);
        } catch (Refusal refusal) {
            status = refusal.status;
            body = QueryProtocol.error(RDS, refusal.code, refusal.getMessage());
        } catch (RuntimeException e) { // the model's own fault: said, not left to a client's timeout
            e.printStackTrace();
            status = 500;
            body = QueryProtocol.error(RDS, "InternalFailure", String.valueOf(e));
        }
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status).withHeader("Content-Type", "text/xml")
                .withBody(body).build();
    }

    @Override
    public void close() {
        server.stop();
    }
}
