package dev.failover.contract.topology;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks a bound topology and reports every problem with the path of its key. */
public final class TopologyValidator {

    private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** A JDBC URL parameter that holds a secret (PgJDBC's password, sslpassword). */
    private static final Pattern URL_SECRET = Pattern.compile("[?&](ssl)?password=", Pattern.CASE_INSENSITIVE);
    private static final Pattern HOST_LABEL = Pattern.compile("(?!-)[A-Za-z0-9_-]{1,63}(?<!-)");
    private static final Pattern ROUTE53_ZONE_ID = Pattern.compile("[A-Z0-9]{1,32}");
    /** jdbc:postgresql://host[:port]/database, with optional parameters; one host (a pair's node, not a list). */
    private static final Pattern POSTGRES_URL = Pattern.compile("jdbc:postgresql://[^/:,?\\s]+(:[0-9]{1,5})?/[^/?\\s]+(\\?\\S*)?");
    /** A region's name as AWS writes them (us-east-1, eu-central-2, us-gov-west-1); the actuator checks it has a client. */
    /** An RDS DB instance identifier, as RDS accepts them. */
    private static final Pattern RDS_INSTANCE = Pattern.compile("[a-zA-Z](-?[a-zA-Z0-9])*");
    /** A DB cluster's ARN: partition, region, account, identifier. */
    private static final Pattern AURORA_CLUSTER_ARN = Pattern.compile(
            "arn:aws[a-z-]*:rds:[a-z0-9]+(-[a-z0-9]+)+:\\d{12}:cluster:[a-zA-Z](-?[a-zA-Z0-9]){0,62}");
    private static final Pattern AWS_REGION_NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)+");
    private static final Pattern ROUTING_CONTROL_ARN = Pattern.compile(
            "arn:aws[a-z-]*:route53-recovery-control::\\d{12}:controlpanel/[A-Za-z0-9]+/routingcontrol/[A-Za-z0-9]+");
    private static final Pattern SAFETY_RULE_ARN = Pattern.compile(
            "arn:aws[a-z-]*:route53-recovery-control::\\d{12}:controlpanel/[A-Za-z0-9]+/safetyrule/[A-Za-z0-9]+");
    private static final Pattern IAM_ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    /** A Region switch plan's ARN, as AWS's API gives its pattern. */
    private static final Pattern REGION_SWITCH_PLAN_ARN = Pattern.compile(
            "arn:aws[a-zA-Z-]*:arc-region-switch::[0-9]{12}:plan/([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?):([a-z0-9]{6})");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "OPTIONS");
    private static final int MAX_BODY_LIMIT_BYTES = 1024 * 1024;

    private final List<TopologyError> errors = new ArrayList<>();

    private TopologyValidator() {
    }

    public static List<TopologyError> validate(Topology topology) {
        TopologyValidator v = new TopologyValidator();
        v.topology(topology);
        return List.copyOf(v.errors);
    }

    private void error(String path, String message) {
        errors.add(new TopologyError(path, message));
    }

    private void topology(Topology t) {
        if (t.version() != Topology.FORMAT_VERSION) {
            error("version", "unsupported version " + t.version() + ", this release reads version " + Topology.FORMAT_VERSION);
        }
        if (t.locations().isEmpty()) {
            error("locations", "must list at least one probing location");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < t.locations().size(); i++) {
            String location = t.locations().get(i);
            if (id("locations[" + i + "]", location) && !seen.add(location)) {
                error("locations[" + i + "]", "duplicate location '" + location + "'");
            }
        }
        if (t.groups().isEmpty()) {
            error("groups", "must define at least one failover group");
        }
        Set<String> groupIds = new HashSet<>();
        for (int i = 0; i < t.groups().size(); i++) {
            String path = "groups[" + i + "]";
            FailoverGroup group = t.groups().get(i);
            if (group == null) {
                error(path, "must not be empty");
                continue;
            }
            if (id(path + ".id", group.id()) && !groupIds.add(group.id())) {
                error(path + ".id", "duplicate group id '" + group.id() + "'");
            }
            group(path, group, t.locations().size());
        }
        sharedResources(t);
        dnsProbesOfFailoverRecords(t);
        observers(t, seen);
        topologySafety("safety", t.safety());
    }

    /**
     * Two targets on one scaled resource would scale it up and down against each other (a failback returning one to
     * pilot light while the other serves from it). Two groups on one DNS record would be actuated by different
     * instances (by the partition of their id) and write the record and its ownership mark against each other, each
     * taking the other's mark for a newer owner ({@link #sameRecord}).
     */
    private void sharedResources(Topology t) {
        Map<String, String> scaled = new HashMap<>();
        Map<String, String> databases = new HashMap<>();
        Map<String, String> fenceGroups = new HashMap<>();
        Map<String, String> routingControls = new HashMap<>();
        Map<String, String> plans = new HashMap<>();
        List<Integer> recorded = new ArrayList<>();
        for (int i = 0; i < t.groups().size(); i++) {
            FailoverGroup group = t.groups().get(i);
            if (group == null) {
                continue;
            }
            if (group.dns() != null && group.dns().name() != null && validHost(group.dns().name())) {
                for (int first : recorded) {
                    if (sameRecord(t.groups().get(first).dns(), group.dns())) {
                        error("groups[" + i + "].dns.name", "is the record of groups[" + first + "].dns.name too: "
                                + "the two groups would write '" + group.dns().name() + "' and its ownership mark against "
                                + "each other; give each group its own record");
                        break;
                    }
                }
                recorded.add(i);
            }
            if (group.arc() != null) {
                // two groups sharing a control could set it On and Off in one update (their writes are batched by
                // group, ADR 0022), or undo each other's switch
                for (var control : new java.util.TreeMap<>(group.arc().routingControls()).entrySet()) {
                    String cpath = "groups[" + i + "].arc.routingControls." + control.getKey();
                    String first = control.getValue() == null ? null : routingControls.putIfAbsent(control.getValue(), cpath);
                    if (first != null && !first.startsWith("groups[" + i + "]")) {
                        error(cpath, "is the routing control of " + first + " too: a routing control belongs to one group");
                    }
                }
            }
            if (group.regionSwitch() != null && group.regionSwitch().planArn() != null) {
                // one execution of a plan runs at a time, and each group's epochs are its own: two groups would cancel
                // or wait out each other's executions (ADR 0028)
                String first = plans.putIfAbsent(group.regionSwitch().planArn(), "groups[" + i + "].regionSwitch.planArn");
                if (first != null) {
                    error("groups[" + i + "].regionSwitch.planArn", "is the plan of " + first + " too: a Region switch plan "
                            + "belongs to one group");
                }
            }
            for (int j = 0; j < group.targets().size(); j++) {
                Target target = group.targets().get(j);
                if (target != null && target.database() != null && target.database().node() != null) {
                    String dpath = "groups[" + i + "].targets[" + j + "].database";
                    String first = databases.putIfAbsent(target.database().node(), dpath);
                    if (first != null) {
                        error(dpath, "is the database node of " + first + " too: one would be fenced when the other is"
                                + " promoted; give each target its own node");
                    }
                    if (target.database() instanceof DatabaseRef.Rds rds && rds.fenceParameterGroup() != null) {
                        String group1 = fenceGroups.putIfAbsent((rds.region() == null ? target.region() : rds.region()) + "/"
                                + rds.fenceParameterGroup(), dpath + ".fenceParameterGroup");
                        if (group1 != null) {
                            error(dpath + ".fenceParameterGroup", "is " + group1 + " too: fencing one instance would make"
                                    + " the other read-only with it; give each instance a parameter group of its own");
                        }
                    }
                }
                if (target == null || target.scaling() == null) {
                    continue;
                }
                String tpath = "groups[" + i + "].targets[" + j + "].scaling";
                String first = scaled.putIfAbsent(scaledResource(target.scaling()), tpath);
                if (first != null) {
                    error(tpath, "scales the same " + target.scaling().kind().label() + " resource as " + first
                            + ": the two would scale it up and down against each other");
                }
            }
        }
    }

    /**
     * A dns probe must not resolve a record the plane fails over: it answers with the active target's values,
     * so a passive target probed by it is DOWN (UNEXPECTED_ANSWER) and never an eligible destination, and the active one
     * stays UP whatever it serves. Probe the target's own name (its regional endpoint) instead.
     */
    private void dnsProbesOfFailoverRecords(Topology t) {
        Map<String, String> records = new HashMap<>();
        for (int i = 0; i < t.groups().size(); i++) {
            FailoverGroup group = t.groups().get(i);
            if (group != null && group.dns() != null && group.dns().name() != null) {
                records.putIfAbsent(absolute(group.dns().name()), group.id());
            }
        }
        for (int i = 0; i < t.groups().size(); i++) {
            FailoverGroup group = t.groups().get(i);
            for (int j = 0; group != null && j < group.targets().size(); j++) {
                Target target = group.targets().get(j);
                if (target == null) {
                    continue;
                }
                String tpath = "groups[" + i + "].targets[" + j + "]";
                failoverRecordProbed(tpath + ".probe", target.probe(), records);
                for (int k = 0; target.dependencies() != null && k < target.dependencies().size(); k++) {
                    Dependency dependency = target.dependencies().get(k);
                    if (dependency != null) {
                        failoverRecordProbed(tpath + ".dependencies[" + k + "].probe", dependency.probe(), records);
                    }
                }
            }
        }
    }

    /** Each location's resolvers (ADR 0026): a known location, names unique within it, a reachable address. */
    private void observers(Topology t, Set<String> locations) {
        for (var entry : t.observers().entrySet()) {
            String path = "observers." + entry.getKey();
            if (!locations.contains(entry.getKey())) {
                error(path, "'" + entry.getKey() + "' is not one of the locations " + t.locations());
            }
            if (entry.getValue().isEmpty()) {
                error(path, "must name at least one resolver, or be left out");
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < entry.getValue().size(); i++) {
                Observer o = entry.getValue().get(i);
                String opath = path + "[" + i + "]";
                if (o == null) {
                    error(opath, "must not be empty");
                    continue;
                }
                if (id(opath + ".name", o.name()) && !names.add(o.name())) {
                    error(opath + ".name", "duplicate resolver name '" + o.name() + "' in location " + entry.getKey());
                }
                host(opath + ".address", o.address(), "is required: the resolver's IP address or host name");
                port(opath + ".port", o.port());
            }
        }
    }

    private void failoverRecordProbed(String path, ProbeSpec probe, Map<String, String> records) {
        if (probe instanceof DnsProbe dns && dns.name() != null && records.containsKey(absolute(dns.name()))) {
            error(path + ".name", "'" + dns.name() + "' is the record group " + records.get(absolute(dns.name()))
                    + " fails over: it answers with the active target, so a passive target would be DOWN by it; probe"
                    + " the target's own name");
        }
    }

    /**
     * Whether two groups' records are one: the same name, in any case and with or without the trailing dot, whatever
     * the type and the weighted set identifiers, because the ownership mark ({@code _failover-owner.<name>}, ADR 0006)
     * is kept per name. Only two different Route 53 hosted zones (split horizon) hold two records of one name: an RFC
     * 2136 deployment updates one server, and a hosted zone id given on one side only says nothing of the other's.
     */
    private static boolean sameRecord(DnsRecord a, DnsRecord b) {
        if (a.hostedZoneId() != null && b.hostedZoneId() != null && !a.hostedZoneId().equals(b.hostedZoneId())) {
            return false;
        }
        return absolute(a.name()).equals(absolute(b.name()));
    }

    /** What a scaling ref changes: its kind, place (region or cluster; not the role) and resource name. */
    private static String scaledResource(ScalingRef ref) {
        String where = ref.place() instanceof ScalingRef.Place.Aws aws ? aws.region()
                : ((ScalingRef.Place.Cluster) ref.place()).name();
        String what;
        if (ref instanceof ScalingRef.EcsService ecs) {
            what = ecs.cluster() + "/" + ecs.service();
        } else if (ref instanceof ScalingRef.AutoScalingGroup asg) {
            what = asg.autoScalingGroup();
        } else {
            ScalingRef.KubernetesDeployment k = (ScalingRef.KubernetesDeployment) ref;
            what = k.namespace() + "/" + k.deployment();
        }
        return ref.kind().label() + " " + where + " " + what;
    }

    private void topologySafety(String path, TopologySafety s) {
        TopologySafety.CorrelatedFailure c = s.correlatedFailure();
        if (c.windowSeconds() < 1 || c.windowSeconds() > 3600) {
            error(path + ".correlatedFailure.windowSeconds", "must be between 1 and 3600, was " + c.windowSeconds());
        }
        if (c.maxRegions() < 1) {
            error(path + ".correlatedFailure.maxRegions", "must be at least 1 (a single-region outage must fail over), was "
                    + c.maxRegions());
        }
        if (c.maxSharePercent() < 1 || c.maxSharePercent() > 100) {
            error(path + ".correlatedFailure.maxSharePercent", "must be between 1 and 100, was " + c.maxSharePercent());
        }
        if (c.lastResortAfterSeconds() < 0 || c.lastResortAfterSeconds() > 600) {
            error(path + ".correlatedFailure.lastResortAfterSeconds", "must be between 0 and 600, was "
                    + c.lastResortAfterSeconds());
        }
        if (s.maxSwitchesPerDay() != null && s.maxSwitchesPerDay() < 1) {
            error(path + ".maxSwitchesPerDay", "must be at least 1, was " + s.maxSwitchesPerDay());
        }
    }

    private void database(String path, DatabaseRef d) {
        if (d instanceof DatabaseRef.Postgres postgres) {
            if (postgres.selfFenceSeconds() != null && (postgres.selfFenceSeconds() < 5 || postgres.selfFenceSeconds() > 600)) {
                error(path + ".selfFenceSeconds", "must be between 5 and 600 seconds (the fence agent's lease), was "
                        + postgres.selfFenceSeconds());
            }
            if (postgres.url() == null || postgres.url().isBlank()) {
                error(path + ".url", "is required");
            } else if (!POSTGRES_URL.matcher(postgres.url()).matches()) {
                error(path + ".url", "'" + postgres.url() + "' is not a PostgreSQL JDBC URL of one server"
                        + " (jdbc:postgresql://host:port/database)");
            } else if (URL_SECRET.matcher(postgres.url()).find()) {
                // not echoed: the URL is the secret's carrier
                error(path + ".url", "carries a password parameter: a secret in the topology ends up in results, logs and"
                        + " the operator page. Give it in the actuator's failover.database.credentials.<name>.password-file");
            }
            id(path + ".credentials", d.credentials());
        } else if (d instanceof DatabaseRef.Rds rds) {
            if (rds.instance() == null || rds.instance().isBlank()) {
                error(path + ".instance", "is required");
            } else if (rds.instance().length() > 63 || !RDS_INSTANCE.matcher(rds.instance()).matches()) {
                error(path + ".instance", "'" + rds.instance() + "' is not a DB instance identifier (1 to 63 letters,"
                        + " digits or hyphens, starting with a letter, no two hyphens in a row, not ending with one)");
            }
            if (rds.region() != null && !AWS_REGION_NAME.matcher(rds.region()).matches()) {
                error(path + ".region", "'" + rds.region() + "' is not a region name (lower-case letters, digits and dashes)");
            }
            if (rds.roleArn() != null && !IAM_ROLE_ARN.matcher(rds.roleArn()).matches()) {
                error(path + ".roleArn", "'" + rds.roleArn() + "' is not an IAM role ARN (arn:aws:iam::123456789012:role/name)");
            }
            if (rds.fenceParameterGroup() != null && (rds.fenceParameterGroup().length() > 255
                    || !RDS_INSTANCE.matcher(rds.fenceParameterGroup()).matches())) {
                error(path + ".fenceParameterGroup", "'" + rds.fenceParameterGroup() + "' is not a DB parameter group name (1"
                        + " to 255 letters, digits or hyphens, starting with a letter, no two hyphens in a row, not ending"
                        + " with one)");
            } else if (rds.fenceParameterGroup() != null && rds.fenceParameterGroup().startsWith("default")) {
                error(path + ".fenceParameterGroup", "'" + rds.fenceParameterGroup() + "' is a default parameter group,"
                        + " which RDS does not let anyone modify and which other instances share: name a group attached to"
                        + " this instance alone");
            }
        } else if (d instanceof DatabaseRef.AuroraGlobal aurora) {
            if (aurora.globalCluster() == null || aurora.globalCluster().isBlank()) {
                error(path + ".globalCluster", "is required");
            } else if (aurora.globalCluster().length() > 63 || !RDS_INSTANCE.matcher(aurora.globalCluster()).matches()) {
                error(path + ".globalCluster", "'" + aurora.globalCluster() + "' is not a global cluster identifier (1 to 63"
                        + " letters, digits or hyphens, starting with a letter, no two hyphens in a row, not ending with one)");
            }
            if (aurora.clusterArn() == null || aurora.clusterArn().isBlank()) {
                error(path + ".clusterArn", "is required");
            } else if (!AURORA_CLUSTER_ARN.matcher(aurora.clusterArn()).matches()) {
                error(path + ".clusterArn", "'" + aurora.clusterArn() + "' is not a DB cluster ARN"
                        + " (arn:aws:rds:us-west-2:123456789012:cluster:orders-west)");
            }
            if (aurora.roleArn() != null && !IAM_ROLE_ARN.matcher(aurora.roleArn()).matches()) {
                error(path + ".roleArn", "'" + aurora.roleArn() + "' is not an IAM role ARN (arn:aws:iam::123456789012:role/name)");
            }
        }
    }

    private void safety(String path, Safety s) {
        if (s.maxDataLossSeconds() < 0 || s.maxDataLossSeconds() > 86_400) {
            error(path + ".maxDataLossSeconds", "must be between 0 and 86400 seconds, was " + s.maxDataLossSeconds());
        }
        if (s.maxSwitchesPerDay() < 1) {
            error(path + ".maxSwitchesPerDay", "must be at least 1, was " + s.maxSwitchesPerDay());
        }
        if (s.freshEvidenceIntervals() < 1 || s.freshEvidenceIntervals() > 10) {
            error(path + ".freshEvidenceIntervals", "must be between 1 and 10 probe intervals, was "
                    + s.freshEvidenceIntervals());
        }
        s.failureClasses().forEach((reason, failureClass) -> {
            if (failureClass == null) {
                error(path + ".failureClasses." + reason, "must be down or alert-only");
            }
        });
    }

    private void dependencies(String path, List<Dependency> dependencies) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < dependencies.size(); i++) {
            String dpath = path + "[" + i + "]";
            Dependency d = dependencies.get(i);
            if (d == null) {
                error(dpath, "must not be empty");
                continue;
            }
            if (id(dpath + ".id", d.id()) && !ids.add(d.id())) {
                error(dpath + ".id", "duplicate dependency id '" + d.id() + "' in this target");
            }
            probe(dpath + ".probe", d.probe());
        }
    }

    private void group(String path, FailoverGroup g, int locationCount) {
        dnsRecord(path + ".dns", g.dns());
        if (g.targets().size() < 2) {
            error(path + ".targets", "needs at least two targets to fail over between, has " + g.targets().size());
        }
        Set<String> targetIds = new HashSet<>();
        int lastResorts = 0;
        for (int i = 0; i < g.targets().size(); i++) {
            String tpath = path + ".targets[" + i + "]";
            Target target = g.targets().get(i);
            if (target == null) {
                error(tpath, "must not be empty");
                continue;
            }
            if (id(tpath + ".id", target.id()) && !targetIds.add(target.id())) {
                error(tpath + ".id", "duplicate target id '" + target.id() + "' in this group");
            }
            if (target.isLastResort()) {
                lastResorts++;
                if (i != g.targets().size() - 1) {
                    error(tpath + ".lastResort", "the last-resort target must be the last in the list");
                }
                if (i == 0) {
                    error(tpath + ".lastResort", "the primary cannot be the last-resort target");
                }
            }
            target(tpath, target, g.dns());
        }
        if (lastResorts > 1) {
            error(path + ".targets", "at most one target may be the last resort, found " + lastResorts);
        }
        if (g.whenAllDown() == AllDownPolicy.LAST_RESORT && lastResorts == 0) {
            error(path + ".whenAllDown", "is last-resort but no target has lastResort: true");
        }
        thresholds(path + ".thresholds", g.thresholds(), locationCount);
        if (g.failback().holdDownSeconds() < 0) {
            error(path + ".failback.holdDownSeconds", "must not be negative");
        }
        drill(path + ".drill", g.drill());
        if (g.drill().enabled() && g.drillMovesDatabaseOneWay()) {
            // a drill is a planned move there and back: the way back meets the fenced old primary (ADR 0020)
            error(path + ".drill.enabled", "a scheduled drill would move the database one way: its end, back to the fenced"
                    + " old primary, is BLOCKED until that node is rebuilt as a replica (ADR 0020). Leave drills off for a"
                    + " group with postgres or rds database nodes (an Aurora global database switches back by itself)");
        }
        safety(path + ".safety", g.safety());
        if (g.arc() != null) {
            arc(path + ".arc", g.arc(), g);
        }
        if (g.regionSwitch() != null) {
            regionSwitch(path + ".regionSwitch", g.regionSwitch(), g);
        }
    }

    private void regionSwitch(String path, RegionSwitchPlan plan, FailoverGroup g) {
        if (plan.planArn() == null || plan.planArn().isBlank()) {
            error(path + ".planArn", "required: the Region switch plan's ARN");
        } else if (!REGION_SWITCH_PLAN_ARN.matcher(plan.planArn()).matches()) {
            error(path + ".planArn", "'" + plan.planArn() + "' is not a Region switch plan ARN"
                    + " (arn:aws:arc-region-switch::<account>:plan/<name>:<6-character suffix>)");
        }
        if (plan.roleArn() != null && !IAM_ROLE_ARN.matcher(plan.roleArn()).matches()) {
            error(path + ".roleArn", "'" + plan.roleArn() + "' is not an IAM role ARN");
        }
        Set<String> targets = new HashSet<>();
        g.targets().stream().filter(t -> t != null && t.id() != null).forEach(t -> targets.add(t.id()));
        new java.util.TreeMap<>(plan.regions()).forEach((target, region) -> {
            if (!targets.contains(target)) {
                error(path + ".regions." + target, "'" + target + "' is not a target of this group");
            } else if (region == null || !AWS_REGION_NAME.matcher(region).matches()) {
                error(path + ".regions." + target, "'" + region + "' is not an AWS region name (us-east-1)");
            }
        });
        for (int i = 0; i < g.targets().size(); i++) {
            Target target = g.targets().get(i);
            if (target != null && target.id() != null && !plan.regions().containsKey(target.id()) && target.region() != null
                    && !AWS_REGION_NAME.matcher(target.region()).matches()) {
                error(path + ".regions." + target.id(), "required: target " + target.id() + "'s region '" + target.region()
                        + "' is not an AWS region, so the plan needs the region it activates for it");
            }
        }
    }

    private void arc(String path, ArcRouting arc, FailoverGroup g) {
        for (Target target : g.targets()) {
            if (target == null || target.id() == null) {
                continue;
            }
            String arn = arc.routingControls().get(target.id());
            if (arn == null || arn.isBlank()) {
                error(path + ".routingControls." + target.id(), "required: every target of the group needs its routing"
                        + " control ARN");
            } else if (!ROUTING_CONTROL_ARN.matcher(arn).matches()) {
                error(path + ".routingControls." + target.id(), "'" + arn + "' is not a routing control ARN"
                        + " (arn:aws:route53-recovery-control::<account>:controlpanel/<id>/routingcontrol/<id>)");
            }
        }
        Set<String> targets = new HashSet<>();
        g.targets().stream().filter(t -> t != null && t.id() != null).forEach(t -> targets.add(t.id()));
        arc.routingControls().keySet().stream().filter(t -> !targets.contains(t)).sorted().forEach(t -> error(
                path + ".routingControls." + t, "'" + t + "' is not a target of this group"));
        List<String> arns = arc.routingControls().values().stream().filter(a -> a != null && !a.isBlank()).toList();
        if (arns.stream().distinct().count() < arns.size()) {
            error(path + ".routingControls", "two targets share a routing control");
        }
        for (int i = 0; i < arc.breakGlassRules().size(); i++) {
            String rule = arc.breakGlassRules().get(i);
            if (rule == null || !SAFETY_RULE_ARN.matcher(rule).matches()) {
                error(path + ".breakGlassRules[" + i + "]", "'" + rule + "' is not a safety rule ARN"
                        + " (arn:aws:route53-recovery-control::<account>:controlpanel/<id>/safetyrule/<id>)");
            }
        }
    }

    private void dnsRecord(String path, DnsRecord dns) {
        if (dns == null) {
            error(path, "is required");
            return;
        }
        boolean zoneOk = hostName(path + ".zone", dns.zone());
        boolean nameOk = hostName(path + ".name", dns.name());
        if (zoneOk && nameOk && !withinZone(dns.name(), dns.zone())) {
            error(path + ".name", "'" + dns.name() + "' is not inside zone '" + dns.zone() + "'");
        }
        if (dns.ttl() < 1 || dns.ttl() > 86_400) {
            error(path + ".ttl", "must be between 1 and 86400 seconds, was " + dns.ttl());
        }
        if (dns.hostedZoneId() != null && !ROUTE53_ZONE_ID.matcher(dns.hostedZoneId()).matches()) {
            error(path + ".hostedZoneId", "'" + dns.hostedZoneId() + "' is not a Route 53 hosted zone id (like Z0123456789ABC)");
        }
    }

    private void target(String path, Target t, DnsRecord record) {
        if (t.region() == null || t.region().isBlank()) {
            error(path + ".region", "is required");
        }
        probe(path + ".probe", t.probe());
        targetDns(path + ".dns", t.dns(), record);
        if (t.scaling() != null) {
            scaling(path + ".scaling", t.scaling());
        }
        if (t.database() != null) {
            database(path + ".database", t.database());
        }
        dependencies(path + ".dependencies", t.dependencies());
    }

    private void probe(String path, ProbeSpec p) {
        if (p == null) {
            error(path, "is required");
            return;
        }
        if (p.intervalSeconds() < 1) {
            error(path + ".intervalSeconds", "must be at least 1, was " + p.intervalSeconds());
        }
        if (p.connectTimeoutMillis() < 1) {
            error(path + ".connectTimeoutMillis", "must be positive, was " + p.connectTimeoutMillis());
        }
        if (p.timeoutMillis() < 1) {
            error(path + ".timeoutMillis", "must be positive, was " + p.timeoutMillis());
        } else if (p.intervalSeconds() >= 1 && p.timeoutMillis() > p.intervalSeconds() * 1000L) {
            error(path + ".timeoutMillis", "(" + p.timeoutMillis() + ") must not exceed the interval ("
                    + p.intervalSeconds() + " s), or probes of one target would overlap");
        }
        if (p.maxLatencyMillis() != null && p.maxLatencyMillis() < 1) {
            error(path + ".maxLatencyMillis", "must be positive, was " + p.maxLatencyMillis());
        }
        p.match(http -> {
            httpProbe(path, http);
            return null;
        }, tcp -> {
            tcpProbe(path, tcp);
            return null;
        }, dns -> {
            dnsProbe(path, dns);
            return null;
        });
    }

    private void httpProbe(String path, HttpProbe p) {
        if (p.url() == null) {
            error(path + ".url", "is required for an http probe");
        } else {
            httpUrlProblem(p.url()).ifPresent(problem -> error(path + ".url", "not a valid URL: " + problem));
        }
        if (!METHODS.contains(p.method())) {
            error(path + ".method", "'" + p.method() + "' is not one of " + METHODS);
        }
        for (int i = 0; i < p.expectedStatus().size(); i++) {
            try {
                StatusRanges.parseOne(p.expectedStatus().get(i));
            } catch (IllegalArgumentException e) {
                error(path + ".expectedStatus[" + i + "]", e.getMessage());
            }
        }
        if (p.bodyRegex() != null) {
            try {
                Pattern.compile(p.bodyRegex());
            } catch (PatternSyntaxException e) {
                error(path + ".bodyRegex", "not a valid regular expression: " + e.getDescription());
            }
        }
        if (p.bodyLimitBytes() < 1 || p.bodyLimitBytes() > MAX_BODY_LIMIT_BYTES) {
            error(path + ".bodyLimitBytes", "must be between 1 and " + MAX_BODY_LIMIT_BYTES + ", was " + p.bodyLimitBytes());
        }
        if (p.hostHeader() != null && !validHost(p.hostHeader())) {
            error(path + ".hostHeader", "'" + p.hostHeader() + "' is not a host name");
        }
    }

    /** What makes a URL unfit for an http probe (it must be http or https, with a host); empty when it is fit. */
    public static Optional<String> httpUrlProblem(String url) {
        try {
            URI uri = new URI(url);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                return Optional.of("scheme must be http or https");
            }
            return uri.getHost() == null ? Optional.of("it has no host") : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of(e.getReason());
        }
    }

    private void tcpProbe(String path, TcpProbe p) {
        host(path + ".host", p.host(), "is required for a tcp probe");
        if (p.port() == null) {
            error(path + ".port", "is required for a tcp probe");
        } else {
            port(path + ".port", p.port());
        }
    }

    private void dnsProbe(String path, DnsProbe p) {
        if (p.name() == null || p.name().isBlank()) {
            error(path + ".name", "is required for a dns probe: the name to resolve");
        } else if (!validHost(p.name())) {
            error(path + ".name", "'" + p.name() + "' is not a DNS name");
        }
        host(path + ".resolver", p.resolver(), "is required for a dns probe: the resolver to ask (an IP address or host "
                + "name)");
        port(path + ".port", p.port());
        for (int i = 0; i < p.expect().size(); i++) {
            String address = p.expect().get(i);
            boolean v4 = address != null && address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
            boolean six = p.recordType() == DnsProbe.AddressType.AAAA;
            if (address == null || !isIpLiteral(address) || six == v4) {
                error(path + ".expect[" + i + "]", "'" + address + "' is not an IPv" + (six ? 6 : 4)
                        + " address (recordType " + p.recordType() + ")");
            }
        }
    }

    private void targetDns(String path, TargetDns dns, DnsRecord record) {
        if (dns == null) {
            error(path, "is required: the values (or alias) the record holds when this target is active");
            return;
        }
        boolean hasValues = !dns.values().isEmpty();
        if (hasValues == (dns.alias() != null)) {
            error(path, "needs exactly one of values or alias");
        }
        if (dns.alias() != null) {
            if (dns.alias().hostedZoneId() == null || !ROUTE53_ZONE_ID.matcher(dns.alias().hostedZoneId()).matches()) {
                error(path + ".alias.hostedZoneId", "is required and must be a Route 53 hosted zone id");
            }
            hostName(path + ".alias.dnsName", dns.alias().dnsName());
        }
        if (record == null) {
            return;
        }
        if (record.type() == RecordType.CNAME && dns.values().size() > 1) {
            error(path + ".values", "a CNAME record holds one name, got " + dns.values().size());
        }
        for (int i = 0; i < dns.values().size(); i++) {
            String value = dns.values().get(i);
            String vpath = path + ".values[" + i + "]";
            switch (record.type()) {
                case A -> {
                    if (!(parseIp(value) instanceof Inet4Address)) {
                        error(vpath, "'" + value + "' is not an IPv4 address (the record type is A)");
                    }
                }
                case AAAA -> {
                    if (!(parseIp(value) instanceof Inet6Address)) {
                        error(vpath, "'" + value + "' is not an IPv6 address (the record type is AAAA)");
                    }
                }
                case CNAME -> hostName(vpath, value);
            }
        }
    }

    /** A missing or unknown {@code kind} is reported by the loader, which picks the variant by it. */
    private void scaling(String path, ScalingRef s) {
        if (s instanceof ScalingRef.EcsService ecs) {
            required(path + ".cluster", ecs.cluster());
            required(path + ".service", ecs.service());
        } else if (s instanceof ScalingRef.AutoScalingGroup asg) {
            required(path + ".autoScalingGroup", asg.autoScalingGroup());
        } else if (s instanceof ScalingRef.KubernetesDeployment kubernetes) {
            required(path + ".namespace", kubernetes.namespace());
            required(path + ".deployment", kubernetes.deployment());
            if (kubernetes.cluster() != null && kubernetes.cluster().isBlank()) {
                error(path + ".cluster", "must not be blank (leave it out for the cluster named like the target's region)");
            }
        }
        if (s.place() instanceof ScalingRef.Place.Aws aws) {
            if (aws.region() != null && !AWS_REGION_NAME.matcher(aws.region()).matches()) {
                error(path + ".region", "'" + aws.region() + "' is not a region name (lower-case letters, digits and dashes)");
            }
            if (aws.roleArn() != null && !IAM_ROLE_ARN.matcher(aws.roleArn()).matches()) {
                error(path + ".roleArn", "'" + aws.roleArn() + "' is not an IAM role ARN (arn:aws:iam::123456789012:role/name)");
            }
        }
        if (s.activeSize() == null) {
            error(path + ".activeSize", "is required: the size the target needs to take the traffic");
        } else if (s.activeSize() < 1) {
            error(path + ".activeSize", "must be at least 1, was " + s.activeSize());
        }
        if (s.pilotLightSize() != null && (s.pilotLightSize() < 0
                || (s.activeSize() != null && s.pilotLightSize() > s.activeSize()))) {
            error(path + ".pilotLightSize", "must be between 0 and activeSize, was " + s.pilotLightSize());
        }
        if (s.readyTimeoutSeconds() < 1) {
            error(path + ".readyTimeoutSeconds", "must be at least 1, was " + s.readyTimeoutSeconds());
        }
    }

    private void thresholds(String path, Thresholds t, int locationCount) {
        if (t.failuresToDown() < 1) {
            error(path + ".failuresToDown", "must be at least 1, was " + t.failuresToDown());
        }
        if (t.successesToUp() < 1) {
            error(path + ".successesToUp", "must be at least 1, was " + t.successesToUp());
        }
        if (t.quorum() != null && (t.quorum() < 1 || t.quorum() > locationCount)) {
            error(path + ".quorum", "must be between 1 and the number of locations (" + locationCount + "), was " + t.quorum());
        }
        if (t.minDwellSeconds() < 0) {
            error(path + ".minDwellSeconds", "must not be negative, was " + t.minDwellSeconds());
        }
        if (t.maxSwitchesPerHour() < 1) {
            error(path + ".maxSwitchesPerHour", "must be at least 1, was " + t.maxSwitchesPerHour());
        }
        if (t.flapWindow() < 2 || t.flapWindow() > 200) {
            error(path + ".flapWindow", "must be between 2 and 200 results, was " + t.flapWindow());
        } else if (t.flapTransitions() < 0 || t.flapTransitions() >= t.flapWindow()) {
            error(path + ".flapTransitions", "must be between 0 (off) and flapWindow - 1 (" + (t.flapWindow() - 1) + "), was "
                    + t.flapTransitions());
        }
    }

    private void drill(String path, Drill d) {
        cron(path + ".cron", d.cron());
        for (int i = 0; i < d.blockedWindows().size(); i++) {
            cron(path + ".blockedWindows[" + i + "]", d.blockedWindows().get(i));
        }
        if (d.durationMinutes() < 1) {
            error(path + ".durationMinutes", "must be at least 1, was " + d.durationMinutes());
        }
        alertNames(path + ".blockingAlerts", d.blockingAlerts());
        alertNames(path + ".abortAlerts", d.abortAlerts());
    }

    /** A host to reach (a resolver's, a tcp probe's): a host name or an IP literal. */
    private void host(String path, String address, String whenMissing) {
        if (address == null || address.isBlank()) {
            error(path, whenMissing);
        } else if (!validHost(address) && !isIpLiteral(address)) {
            error(path, "'" + address + "' is not a host name or IP address");
        }
    }

    private void port(String path, int port) {
        if (port < 1 || port > 65535) {
            error(path, "must be between 1 and 65535, was " + port);
        }
    }

    /** Prometheus alert names: a metric name's characters. */
    private void alertNames(String path, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || !name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                error(path + "[" + i + "]", "'" + name + "' is not an alert name (letters, digits and _, not first a digit)");
            }
        }
    }

    /** Only the shape: the decision-service, which owns the scheduler, parses the expression fully. */
    private void cron(String path, String cron) {
        if (cron == null) {
            error(path, "is required");
            return;
        }
        int fields = cron.trim().split("\\s+").length;
        if (fields < 6 || fields > 7) {
            error(path, "'" + cron + "' is not a Quartz cron expression (6 or 7 fields: sec min hour day month weekday [year])");
        }
    }

    private boolean id(String path, String value) {
        if (value == null || value.isBlank()) {
            error(path, "is required");
            return false;
        }
        if (!ID.matcher(value).matches()) {
            error(path, "'" + value + "' must be lower-case letters, digits and dashes (at most 63)");
            return false;
        }
        return true;
    }

    private void required(String path, String value) {
        if (value == null || value.isBlank()) {
            error(path, "is required");
        }
    }

    private boolean hostName(String path, String value) {
        if (value == null || value.isBlank()) {
            error(path, "is required");
            return false;
        }
        if (!validHost(value)) {
            error(path, "'" + value + "' is not a valid DNS name");
            return false;
        }
        return true;
    }

    static boolean validHost(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.length() > 253) {
            return false;
        }
        for (String label : n.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static boolean withinZone(String name, String zone) {
        String n = absolute(name);
        String z = absolute(zone);
        return n.equals(z) || n.endsWith("." + z);
    }

    private static String absolute(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    private static boolean isIpLiteral(String value) {
        return parseIp(value) != null;
    }

    /** Parses an IP literal without ever resolving a name. */
    private static InetAddress parseIp(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        boolean v4 = value.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = value.contains(":") && value.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        if (v4) {
            for (String part : value.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(value);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
