package dev.failover.kafka.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A service's grants of {@link ServiceAcls} as the IAM policy of its role on Amazon MSK with IAM authentication, where the
 * broker asks IAM instead of its ACLs: each Kafka operation on a topic or group becomes MSK's {@code kafka-cluster}
 * actions on that topic's or group's ARN, with the actions MSK requires beside it (DescribeTopic with ReadData and
 * WriteData). Every role connects ({@code Connect} on the cluster), and a role that writes also gets
 * {@code WriteDataIdempotently} on the cluster: every producer of the services is idempotent, and MSK authorizes its
 * InitProducerId as Kafka's IDEMPOTENT_WRITE on the cluster, which a broker with ACLs grants to anyone who may write a
 * topic (KIP-679) but IAM does not. The ARNs keep the marks REGION, ACCOUNT_ID, CLUSTER_NAME and CLUSTER_UUID for the
 * deployment to fill in (deploy/aws/msk, docs/kafka.md).
 */
public final class MskIamPolicy {

    /** The cluster's ARN with the deployment's marks; topics and groups are under {@code topic/} and {@code group/}. */
    public static final String CLUSTER_ARN = "arn:aws:kafka:REGION:ACCOUNT_ID:cluster/CLUSTER_NAME/CLUSTER_UUID";

    private MskIamPolicy() {
    }

    /** The policy document (IAM's JSON) for a principal with these grants; the same grants give the same document. */
    public static ObjectNode of(List<ServiceAcls.Grant> grants) {
        Map<String, TreeSet<String>> actionsByResource = new TreeMap<>();
        TreeSet<String> cluster = new TreeSet<>(List.of("kafka-cluster:Connect"));
        for (ServiceAcls.Grant grant : grants) {
            String resource = resource(grant);
            actionsByResource.computeIfAbsent(resource, r -> new TreeSet<>()).addAll(actions(grant));
            if (grant.operation() == AclOperation.WRITE) {
                cluster.add("kafka-cluster:WriteDataIdempotently");
            }
        }
        // one statement per set of actions, its resources sorted: a stable document that reads like the ACL table
        Map<String, TreeSet<String>> resourcesByActions = new TreeMap<>();
        actionsByResource.forEach((resource, actions) -> resourcesByActions
                .computeIfAbsent(String.join(",", actions), k -> new TreeSet<>()).add(resource));
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode policy = json.objectNode().put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");
        statements.add(statement(cluster, new TreeSet<>(List.of(CLUSTER_ARN))));
        resourcesByActions
                .forEach((actions, resources) -> statements.add(statement(new TreeSet<>(List.of(actions.split(","))),
                        resources)));
        return policy;
    }

    private static ObjectNode statement(TreeSet<String> actions, TreeSet<String> resources) {
        ObjectNode statement = JsonNodeFactory.instance.objectNode().put("Effect", "Allow");
        actions.forEach(statement.putArray("Action")::add);
        resources.forEach(statement.putArray("Resource")::add);
        return statement;
    }

    private static String resource(ServiceAcls.Grant grant) {
        String kind = switch (grant.type()) {
            case TOPIC -> "topic";
            case GROUP -> "group";
            default -> throw new IllegalArgumentException("no MSK resource for " + grant);
        };
        String base = CLUSTER_ARN.replace(":cluster/", ":" + kind + "/") + "/" + grant.name();
        return grant.pattern() == PatternType.PREFIXED ? base + "*" : base;
    }

    private static List<String> actions(ServiceAcls.Grant grant) {
        List<String> actions = new ArrayList<>();
        if (grant.type() == ResourceType.GROUP && grant.operation() == AclOperation.READ) {
            actions.addAll(List.of("DescribeGroup", "AlterGroup"));
        } else if (grant.type() == ResourceType.TOPIC) {
            switch (grant.operation()) {
                case READ -> actions.addAll(List.of("DescribeTopic", "ReadData"));
                case WRITE -> actions.addAll(List.of("DescribeTopic", "WriteData"));
                case CREATE -> actions.add("CreateTopic");
                case DESCRIBE_CONFIGS -> actions.add("DescribeTopicDynamicConfiguration");
                default -> throw new IllegalArgumentException("no MSK action for " + grant);
            }
        } else {
            throw new IllegalArgumentException("no MSK action for " + grant);
        }
        return actions.stream().map(a -> "kafka-cluster:" + a).toList();
    }
}
