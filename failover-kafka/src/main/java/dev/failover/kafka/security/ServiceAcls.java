package dev.failover.kafka.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import dev.failover.contract.event.Topics;

/**
 * What each service's Kafka principal may do, the one source of the ACLs (applied by {@link ApplyServiceAcls} and
 * failoverctl's kafka-acls, which also prints them as kafka-acls.sh lines; tested against the broker's
 * StandardAuthorizer, listed in docs/security-kafka.md). Everything not granted here is denied.
 * <p>
 * Topics are created by the service that needs them at start (the decision-service's topic set-up, the actuator's
 * desired-state topic and its dead-letter topic), so each principal may Create exactly those topic names and no others.
 * Write implies Describe, and Write on any topic lets an idempotent producer start (Kafka 3.0+, KIP-679), so no
 * cluster-wide IdempotentWrite is granted.
 *
 * @param probe    the probe-services' principal, e.g. {@code User:failover-probe}
 * @param decision the decision-service's principal
 * @param actuator the actuator's principal
 */
public record ServiceAcls(String probe, String decision, String actuator) {

    public static final ServiceAcls DEFAULT = new ServiceAcls("User:failover-probe", "User:failover-decision",
            "User:failover-actuator");

    public ServiceAcls {
        for (String principal : List.of(probe, decision, actuator)) {
            principal(principal);
        }
    }

    /**
     * This principal, if it is one the broker's ACLs can name ({@code User:NAME}); a caller that takes the three one by
     * one (failoverctl's options) can so say which one is wrong.
     *
     * @throws IllegalArgumentException naming it, when it is not
     */
    public static String principal(String principal) {
        if (principal == null || !principal.startsWith("User:") || principal.length() == "User:".length()) {
            throw new IllegalArgumentException(
                    "'" + principal + "' is not a Kafka principal such as User:failover-probe");
        }
        return principal;
    }

    /** Consumer group of the decision-service's inputs. */
    public static final String DECISION_GROUP = "decision-service";
    /** Prefix of the per-instance consumer groups of the decision-service's state view. */
    public static final String DECISION_VIEW_GROUP_PREFIX = "decision-service-view-";
    /** Consumer group of the actuator's decisions. */
    public static final String ACTUATOR_GROUP = "actuator-service";

    /** One permission on one resource. */
    public record Grant(ResourceType type, String name, PatternType pattern, AclOperation operation) {

        static Grant topic(String name, AclOperation operation) {
            return new Grant(ResourceType.TOPIC, name, PatternType.LITERAL, operation);
        }

        static Grant group(String name, PatternType pattern) {
            return new Grant(ResourceType.GROUP, name, pattern, AclOperation.READ);
        }
    }

    /** The probe-service publishes probe results and nothing else. */
    public static final List<Grant> PROBE_GRANTS = List.of(Grant.topic(Topics.PROBE_RESULTS, AclOperation.WRITE));

    /**
     * The decision-service: reads its inputs, its state and its explanations, writes decisions, state, explanations,
     * commands and dead letters. It also
     * reads its own decisions back: a restarted instance restores a partition from its state and from the decisions
     * issued after it (StateLoader), and is not ready until it has.
     */
    public static final List<Grant> DECISION_GRANTS = decisionGrants();

    /** The actuator: reads decisions, writes actuations and dead letters, reads and writes its desired state (fence). */
    public static final List<Grant> ACTUATOR_GRANTS = List.of(
            Grant.topic(Topics.DECISIONS, AclOperation.READ),
            Grant.group(ACTUATOR_GROUP, PatternType.LITERAL),
            Grant.topic(Topics.ACTUATIONS, AclOperation.WRITE),
            Grant.topic(Topics.DECISIONS_DLQ, AclOperation.WRITE),
            Grant.topic(Topics.DECISIONS_DLQ, AclOperation.CREATE),
            Grant.topic(Topics.ACTUATOR_DESIRED, AclOperation.READ),
            Grant.topic(Topics.ACTUATOR_DESIRED, AclOperation.WRITE),
            Grant.topic(Topics.ACTUATOR_DESIRED, AclOperation.CREATE),
            // the start-up check of the topic it ensures: min.insync.replicas and cleanup.policy (TopicEnsurer)
            Grant.topic(Topics.ACTUATOR_DESIRED, AclOperation.DESCRIBE_CONFIGS),
            Grant.topic(Topics.ACTUATOR_EVIDENCE, AclOperation.READ),
            Grant.topic(Topics.ACTUATOR_EVIDENCE, AclOperation.WRITE),
            Grant.topic(Topics.ACTUATOR_EVIDENCE, AclOperation.CREATE),
            Grant.topic(Topics.ACTUATOR_EVIDENCE, AclOperation.DESCRIBE_CONFIGS));

    private static List<Grant> decisionGrants() {
        List<Grant> grants = new ArrayList<>();
        for (String input : List.of(Topics.PROBE_RESULTS, Topics.COMMANDS, Topics.ACTUATIONS, Topics.DECISION_STATE,
                Topics.DECISIONS, Topics.DECISION_EXPLANATIONS)) {
            grants.add(Grant.topic(input, AclOperation.READ));
        }
        grants.add(Grant.group(DECISION_GROUP, PatternType.LITERAL));
        grants.add(Grant.group(DECISION_VIEW_GROUP_PREFIX, PatternType.PREFIXED));
        for (String output : List.of(Topics.DECISIONS, Topics.DECISION_STATE, Topics.DECISION_EXPLANATIONS,
                Topics.COMMANDS,
                Topics.PROBE_RESULTS_DLQ, Topics.COMMANDS_DLQ, Topics.ACTUATIONS_DLQ)) {
            grants.add(Grant.topic(output, AclOperation.WRITE));
        }
        // the topic set-up creates every co-partitioned topic and the dead-letter topics of its inputs
        for (String created : List.of(Topics.PROBE_RESULTS, Topics.COMMANDS, Topics.ACTUATIONS, Topics.DECISIONS,
                Topics.DECISION_STATE, Topics.DECISION_EXPLANATIONS, Topics.PROBE_RESULTS_DLQ, Topics.COMMANDS_DLQ,
                Topics.ACTUATIONS_DLQ)) {
            grants.add(Grant.topic(created, AclOperation.CREATE));
            // the start-up check of every topic it ensures: min.insync.replicas and cleanup.policy (TopicEnsurer)
            grants.add(Grant.topic(created, AclOperation.DESCRIBE_CONFIGS));
        }
        return List.copyOf(grants);
    }

    /** Each principal with its grants. */
    public Map<String, List<Grant>> grantsByPrincipal() {
        return Map.of(probe, PROBE_GRANTS, decision, DECISION_GRANTS, actuator, ACTUATOR_GRANTS);
    }

    /** Every ACL of the three services, as the broker stores them: allowed from any host. */
    public List<AclBinding> bindings() {
        List<AclBinding> bindings = new ArrayList<>();
        grantsByPrincipal().forEach((principal, grants) -> grants.forEach(g -> bindings.add(new AclBinding(
                new ResourcePattern(g.type(), g.name(), g.pattern()),
                new AccessControlEntry(principal, "*", g.operation(), AclPermissionType.ALLOW)))));
        return bindings;
    }
}
