package dev.failover.actuator.permissions;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.failover.actuator.dns.ArcSafetyRuleCatalog;
import dev.failover.actuator.dns.ArcSettings;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.contract.topology.DatabaseRef;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;

/**
 * Every AWS permission the topology needs of this actuator, derived from what the backends call (Route 53's records,
 * ARC's routing controls, ECS services and Auto Scaling groups, RDS instances and Aurora global clusters, Region switch
 * plans), each with the
 * credentials it is called with. What a failover or drill would find missing, known ahead: the same list
 * {@code deploy/aws/actuator-iam-policy.json} grants in the sample; and for each Kubernetes cluster, what the scaler asks
 * of its API (the RBAC of {@code k8s/scaler}).
 */
public final class PermissionPlan {

    private PermissionPlan() {
    }

    /**
     * @param route53 whether the records are switched through Route 53 (and with the actuator's own credentials)
     * @param arc     the groups switched with ARC routing controls, and the role assumed for them
     */
    public static List<Needed> of(Topology topology, boolean route53, ArcSettings arc, String ownRegion) {
        LinkedHashSet<Needed> needed = new LinkedHashSet<>();
        ScalingRef.Place.Aws own = new ScalingRef.Place.Aws(ownRegion, null);
        for (FailoverGroup group : topology.groups()) {
            if (arc.covers(group.id())) {
                ScalingRef.Place.Aws place = new ScalingRef.Place.Aws(ownRegion, arc.roleArn().orElse(null));
                ScalingRef.Place.Aws controlConfig = new ScalingRef.Place.Aws(ArcSettings.CONTROL_CONFIG_REGION,
                        arc.roleArn().orElse(null));
                for (var control : new java.util.TreeMap<>(arc.groups().get(group.id()).controls()).entrySet()) {
                    String why = "group " + group.id() + ": routing control of " + control.getKey();
                    needed.add(new Needed(place, "route53-recovery-cluster:GetRoutingControlState", control.getValue(),
                            why));
                    needed.add(new Needed(place, "route53-recovery-cluster:UpdateRoutingControlStates",
                            control.getValue(), why));
                    needed.add(new Needed(controlConfig, "route53-recovery-control-config:ListSafetyRules",
                            ArcSafetyRuleCatalog.panelOf(control.getValue()), why + " (its panel's safety rules)"));
                }
                // the controls' states are read by listing them before a switch (ArcRoutingControlProvider)
                needed.add(new Needed(place, "route53-recovery-cluster:ListRoutingControls", "*", "group " + group.id()
                        + ": routing controls listed"));
            } else if (route53 && group.dns().hostedZoneId() != null) {
                RecordKey key = RecordKey.of(group);
                String zone = "arn:" + Needed.PARTITION + ":route53:::hostedzone/" + group.dns().hostedZoneId();
                String why = "group " + group.id() + ": record " + key.name();
                needed.add(new Needed(own, "route53:ListResourceRecordSets", zone, why));
                needed.add(new Needed(own, "route53:ChangeResourceRecordSets", zone, Map.of(
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames", List.of(normalized(key.name()),
                                normalized(key.ownerName())),
                        "route53:ChangeResourceRecordSetsRecordTypes", List.of(key.type().name(), "TXT"),
                        // a switch deletes and creates the owner mark and upserts the record (Route53DnsProvider)
                        "route53:ChangeResourceRecordSetsActions", List.of("CREATE", "DELETE", "UPSERT")), why));
                needed.add(
                        new Needed(own, "route53:GetChange", "arn:" + Needed.PARTITION + ":route53:::change/*", why));
            }
            for (Target target : group.targets()) {
                scaling(group, target, needed);
                database(group, target, needed);
                regionSwitch(group, target, needed);
            }
        }
        return List.copyOf(new ArrayList<>(needed));
    }

    /**
     * What RunRegionSwitchPlan and the approval API call (ADR 0028), in the region each target activates: the plan's
     * executions listed and read, with their events for a failure's message; one started, an older one cancelled, a
     * manual-approval step answered. The plan's own execution role does the plan's work; only these are the actuator's.
     */
    private static void regionSwitch(FailoverGroup group, Target target, LinkedHashSet<Needed> needed) {
        if (group.regionSwitch() == null) {
            return;
        }
        ScalingRef.Place.Aws place = new ScalingRef.Place.Aws(group.regionSwitch().regionOf(target),
                group.regionSwitch().roleArn());
        String plan = group.regionSwitch().planArn();
        String why = "group " + group.id() + ", target " + target.id() + ": Region switch plan";
        for (String action : List.of("ListPlanExecutions", "GetPlanExecution", "ListPlanExecutionEvents",
                "StartPlanExecution",
                "CancelPlanExecution", "ApprovePlanExecutionStep")) {
            needed.add(new Needed(place, "arc-region-switch:" + action, plan, why));
        }
    }

    private static void scaling(FailoverGroup group, Target target, LinkedHashSet<Needed> needed) {
        String why = "group " + group.id() + ", target " + target.id() + ": capacity";
        if (target.scaling() instanceof ScalingRef.EcsService ecs) {
            ScalingRef.Place.Aws place = (ScalingRef.Place.Aws) ecs.place();
            String cluster = ecs.cluster().contains(":cluster/")
                    ? ecs.cluster().substring(ecs.cluster().indexOf(":cluster/") + 9)
                    : ecs.cluster();
            String service = "arn:" + Needed.PARTITION + ":ecs:" + place.region() + ":" + Needed.ACCOUNT + ":service/"
                    + cluster
                    + "/" + ecs.service();
            needed.add(new Needed(place, "ecs:DescribeServices", service, why));
            needed.add(new Needed(place, "ecs:UpdateService", service, why));
        } else if (target.scaling() instanceof ScalingRef.KubernetesDeployment deployment) {
            // what KubernetesScaler asks: the Deployment read and patched, its HPAs listed and their minimum patched
            ScalingRef.Place place = deployment.place();
            String named = deployment.namespace() + "/" + deployment.deployment();
            String any = deployment.namespace() + "/*";
            needed.add(new Needed(place, "apps/deployments:get", named, why));
            needed.add(new Needed(place, "apps/deployments:patch", named, why));
            needed.add(new Needed(place, "autoscaling/horizontalpodautoscalers:list", any, why + " (its HPAs)"));
            needed.add(
                    new Needed(place, "autoscaling/horizontalpodautoscalers:patch", any, why + " (its HPAs' minimum)"));
        } else if (target.scaling() instanceof ScalingRef.AutoScalingGroup asg) {
            ScalingRef.Place.Aws place = (ScalingRef.Place.Aws) asg.place();
            needed.add(new Needed(place, "autoscaling:DescribeAutoScalingGroups", "*", why));
            needed.add(new Needed(place, "autoscaling:UpdateAutoScalingGroup",
                    "arn:" + Needed.PARTITION + ":autoscaling:"
                            + place.region() + ":" + Needed.ACCOUNT + ":autoScalingGroup:*:autoScalingGroupName/"
                            + asg.autoScalingGroup(),
                    why));
        }
    }

    private static void database(FailoverGroup group, Target target, LinkedHashSet<Needed> needed) {
        String why = "group " + group.id() + ", target " + target.id() + ": database";
        if (target.database() instanceof DatabaseRef.Rds rds) {
            ScalingRef.Place.Aws place = new ScalingRef.Place.Aws(rds.region(), rds.roleArn());
            String db = "arn:" + Needed.PARTITION + ":rds:" + rds.region() + ":" + Needed.ACCOUNT + ":db:"
                    + rds.instance();
            needed.add(new Needed(place, "rds:DescribeDBInstances", db, why));
            needed.add(new Needed(place, "rds:PromoteReadReplica", db, why + " (promotion)"));
            if (rds.fenceParameterGroup() == null) {
                needed.add(new Needed(place, "rds:StopDBInstance", db, why + " (fence)"));
            } else {
                String pg = "arn:" + Needed.PARTITION + ":rds:" + rds.region() + ":" + Needed.ACCOUNT + ":pg:"
                        + rds.fenceParameterGroup();
                needed.add(new Needed(place, "rds:DescribeDBParameters", pg, why + " (fence)"));
                needed.add(new Needed(place, "rds:ModifyDBParameterGroup", pg, why + " (fence)"));
            }
            needed.add(new Needed(place, "cloudwatch:GetMetricStatistics", "*", why + " (replica lag)"));
        } else if (target.database() instanceof DatabaseRef.AuroraGlobal aurora && aurora.region() != null) {
            ScalingRef.Place.Aws place = new ScalingRef.Place.Aws(aurora.region(), aurora.roleArn());
            String global = "arn:" + Needed.PARTITION + ":rds::" + Needed.ACCOUNT + ":global-cluster:"
                    + aurora.globalCluster();
            needed.add(new Needed(place, "rds:DescribeGlobalClusters", global, why));
            needed.add(new Needed(place, "rds:SwitchoverGlobalCluster", global, why + " (planned move)"));
            needed.add(new Needed(place, "rds:FailoverGlobalCluster", global, why + " (failover)"));
            needed.add(new Needed(place, "rds:SwitchoverGlobalCluster", aurora.clusterArn(), why + " (planned move)"));
            needed.add(new Needed(place, "rds:FailoverGlobalCluster", aurora.clusterArn(), why + " (failover)"));
            needed.add(new Needed(place, "cloudwatch:GetMetricStatistics", "*", why + " (replication lag)"));
        }
    }

    /** Route 53's normalized record name: lower case, without the final dot. */
    static String normalized(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
