package dev.failover.contract.topology;

import java.util.regex.Pattern;

/** The backends a target names besides DNS: its database node and its capacity. */
final class BackendChecks {

    /** A JDBC URL parameter that holds a secret (PgJDBC's password, sslpassword). */
    private static final Pattern URL_SECRET = Pattern.compile("[?&](ssl)?password=", Pattern.CASE_INSENSITIVE);
    /** jdbc:postgresql://host[:port]/database, with optional parameters; one host (a pair's node, not a list). */
    private static final Pattern POSTGRES_URL = Pattern
            .compile("jdbc:postgresql://[^/:,?\\s]+(:[0-9]{1,5})?/[^/?\\s]+(\\?\\S*)?");
    /** An RDS DB instance identifier, as RDS accepts them. */
    private static final Pattern RDS_INSTANCE = Pattern.compile("[a-zA-Z](-?[a-zA-Z0-9])*");
    /** A DB cluster's ARN: partition, region, account, identifier. */
    private static final Pattern AURORA_CLUSTER_ARN = Pattern.compile(
            "arn:aws[a-z-]*:rds:[a-z0-9]+(-[a-z0-9]+)+:\\d{12}:cluster:[a-zA-Z](-?[a-zA-Z0-9]){0,62}");

    private final Findings f;

    BackendChecks(Findings f) {
        this.f = f;
    }

    void database(String path, DatabaseRef d) {
        if (d instanceof DatabaseRef.Postgres postgres) {
            if (postgres.selfFenceSeconds() != null
                    && (postgres.selfFenceSeconds() < 5 || postgres.selfFenceSeconds() > 600)) {
                f.error(path + ".selfFenceSeconds", "must be between 5 and 600 seconds (the fence agent's lease), was "
                        + postgres.selfFenceSeconds());
            }
            if (postgres.url() == null || postgres.url().isBlank()) {
                f.error(path + ".url", "is required");
            } else if (!POSTGRES_URL.matcher(postgres.url()).matches()) {
                f.error(path + ".url", "'" + postgres.url() + "' is not a PostgreSQL JDBC URL of one server"
                        + " (jdbc:postgresql://host:port/database)");
            } else if (URL_SECRET.matcher(postgres.url()).find()) {
                // not echoed: the URL is the secret's carrier
                f.error(path + ".url",
                        "carries a password parameter: a secret in the topology ends up in results, logs and"
                                + " the operator page. Give it in the actuator's failover.database.credentials.<name>.password-file");
            }
            f.id(path + ".credentials", d.credentials());
        } else if (d instanceof DatabaseRef.Rds rds) {
            if (rds.instance() == null || rds.instance().isBlank()) {
                f.error(path + ".instance", "is required");
            } else if (rds.instance().length() > 63 || !RDS_INSTANCE.matcher(rds.instance()).matches()) {
                f.error(path + ".instance", "'" + rds.instance() + "' is not a DB instance identifier (1 to 63 letters,"
                        + " digits or hyphens, starting with a letter, no two hyphens in a row, not ending with one)");
            }
            if (rds.region() != null && !Findings.AWS_REGION_NAME.matcher(rds.region()).matches()) {
                f.error(path + ".region",
                        "'" + rds.region() + "' is not a region name (lower-case letters, digits and dashes)");
            }
            if (rds.roleArn() != null && !Findings.IAM_ROLE_ARN.matcher(rds.roleArn()).matches()) {
                f.error(path + ".roleArn",
                        "'" + rds.roleArn() + "' is not an IAM role ARN (arn:aws:iam::123456789012:role/name)");
            }
            if (rds.fenceParameterGroup() != null && (rds.fenceParameterGroup().length() > 255
                    || !RDS_INSTANCE.matcher(rds.fenceParameterGroup()).matches())) {
                f.error(path + ".fenceParameterGroup", "'" + rds.fenceParameterGroup()
                        + "' is not a DB parameter group name (1"
                        + " to 255 letters, digits or hyphens, starting with a letter, no two hyphens in a row, not ending"
                        + " with one)");
            } else if (rds.fenceParameterGroup() != null && rds.fenceParameterGroup().startsWith("default")) {
                f.error(path + ".fenceParameterGroup", "'" + rds.fenceParameterGroup()
                        + "' is a default parameter group,"
                        + " which RDS does not let anyone modify and which other instances share: name a group attached to"
                        + " this instance alone");
            }
        } else if (d instanceof DatabaseRef.AuroraGlobal aurora) {
            if (aurora.globalCluster() == null || aurora.globalCluster().isBlank()) {
                f.error(path + ".globalCluster", "is required");
            } else if (aurora.globalCluster().length() > 63
                    || !RDS_INSTANCE.matcher(aurora.globalCluster()).matches()) {
                f.error(path + ".globalCluster", "'" + aurora.globalCluster()
                        + "' is not a global cluster identifier (1 to 63"
                        + " letters, digits or hyphens, starting with a letter, no two hyphens in a row, not ending with one)");
            }
            if (aurora.clusterArn() == null || aurora.clusterArn().isBlank()) {
                f.error(path + ".clusterArn", "is required");
            } else if (!AURORA_CLUSTER_ARN.matcher(aurora.clusterArn()).matches()) {
                f.error(path + ".clusterArn", "'" + aurora.clusterArn() + "' is not a DB cluster ARN"
                        + " (arn:aws:rds:us-west-2:123456789012:cluster:orders-west)");
            }
            if (aurora.roleArn() != null && !Findings.IAM_ROLE_ARN.matcher(aurora.roleArn()).matches()) {
                f.error(path + ".roleArn",
                        "'" + aurora.roleArn() + "' is not an IAM role ARN (arn:aws:iam::123456789012:role/name)");
            }
        }
    }

    /** A missing or unknown {@code kind} is reported by the loader, which picks the variant by it. */
    void scaling(String path, ScalingRef s) {
        if (s instanceof ScalingRef.EcsService ecs) {
            f.required(path + ".cluster", ecs.cluster());
            f.required(path + ".service", ecs.service());
        } else if (s instanceof ScalingRef.AutoScalingGroup asg) {
            f.required(path + ".autoScalingGroup", asg.autoScalingGroup());
        } else if (s instanceof ScalingRef.KubernetesDeployment kubernetes) {
            f.required(path + ".namespace", kubernetes.namespace());
            f.required(path + ".deployment", kubernetes.deployment());
            if (kubernetes.cluster() != null && kubernetes.cluster().isBlank()) {
                f.error(path + ".cluster",
                        "must not be blank (leave it out for the cluster named like the target's region)");
            }
        }
        if (s.place() instanceof ScalingRef.Place.Aws aws) {
            if (aws.region() != null && !Findings.AWS_REGION_NAME.matcher(aws.region()).matches()) {
                f.error(path + ".region",
                        "'" + aws.region() + "' is not a region name (lower-case letters, digits and dashes)");
            }
            if (aws.roleArn() != null && !Findings.IAM_ROLE_ARN.matcher(aws.roleArn()).matches()) {
                f.error(path + ".roleArn",
                        "'" + aws.roleArn() + "' is not an IAM role ARN (arn:aws:iam::123456789012:role/name)");
            }
        }
        if (s.activeSize() == null) {
            f.error(path + ".activeSize", "is required: the size the target needs to take the traffic");
        } else if (s.activeSize() < 1) {
            f.error(path + ".activeSize", "must be at least 1, was " + s.activeSize());
        }
        if (s.pilotLightSize() != null && (s.pilotLightSize() < 0
                || (s.activeSize() != null && s.pilotLightSize() > s.activeSize()))) {
            f.error(path + ".pilotLightSize", "must be between 0 and activeSize, was " + s.pilotLightSize());
        }
        if (s.readyTimeoutSeconds() < 1) {
            f.error(path + ".readyTimeoutSeconds", "must be at least 1, was " + s.readyTimeoutSeconds());
        }
    }

    /** What a scaling ref changes: its kind, place (region or cluster; not the role) and resource name. */
    static String scaledResource(ScalingRef ref) {
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

}
