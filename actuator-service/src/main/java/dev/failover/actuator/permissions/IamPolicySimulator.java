package dev.failover.actuator.permissions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.failover.contract.topology.ScalingRef;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.ContextEntry;
import software.amazon.awssdk.services.iam.model.ContextKeyTypeEnum;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * IAM's policy simulator ({@code iam:SimulatePrincipalPolicy}) asked by each place's own credentials about its own
 * principal: the identity policies, permission boundary and the organization's service control policies of the role
 * that would make the call, for the actions, resources and request context the topology needs. Resource policies
 * (a key policy, a hosted zone's) are not simulated. The principal is the place's role, or for the actuator's own
 * credentials the configured role ({@code AWS_ROLE_ARN} under IRSA) or, without one, the role STS says the credentials
 * are of (a role with a path needs the configured ARN: STS drops the path).
 */
public final class IamPolicySimulator implements PermissionSimulator {

    private final Function<ScalingRef.Place.Aws, IamClient> iam;
    private final Function<ScalingRef.Place.Aws, StsClient> sts;
    private final Optional<String> ownRoleArn;

    /**
     * @param iam        an IAM client with the place's credentials
     * @param sts        an STS client with the place's credentials, asked only for the actuator's own principal
     * @param ownRoleArn the role of the actuator's own credentials, when known
     */
    public IamPolicySimulator(Function<ScalingRef.Place.Aws, IamClient> iam,
            Function<ScalingRef.Place.Aws, StsClient> sts,
            Optional<String> ownRoleArn) {
        this.iam = iam;
        this.sts = sts;
        this.ownRoleArn = ownRoleArn.filter(a -> !a.isBlank());
    }

    @Override
    public List<Answer> simulate(ScalingRef.Place at, List<Needed> needed) {
        if (!(at instanceof ScalingRef.Place.Aws place)) {
            throw new IllegalArgumentException(at + " is not an AWS place: IAM cannot tell");
        }
        String principal = principal(place);
        String[] arn = principal.split(":", 6);
        String partition = arn[1];
        String account = arn[4];
        // one simulation per resource and context, all its actions at once
        Map<List<Object>, List<Needed>> batches = new LinkedHashMap<>();
        for (Needed n : needed) {
            batches.computeIfAbsent(List.of(n.resourceFor(account, partition), n.context()), k -> new ArrayList<>())
                    .add(n);
        }
        List<Answer> answers = new ArrayList<>();
        IamClient client = iam.apply(place);
        for (var batch : batches.entrySet()) {
            String resource = (String) batch.getKey().get(0);
            List<ContextEntry> context = batch.getValue().get(0).context().entrySet().stream()
                    .map(e -> ContextEntry.builder().contextKeyName(e.getKey()).contextKeyValues(e.getValue())
                            .contextKeyType(ContextKeyTypeEnum.STRING_LIST).build())
                    .toList();
            List<String> actions = batch.getValue().stream().map(Needed::action).distinct().toList();
            Map<String, EvaluationResult> byAction = new LinkedHashMap<>();
            client.simulatePrincipalPolicyPaginator(r -> r.policySourceArn(principal).actionNames(actions)
                    .resourceArns(resource).contextEntries(context)).evaluationResults()
                    .forEach(result -> byAction.put(result.evalActionName(), result));
            for (Needed n : batch.getValue()) {
                EvaluationResult result = byAction.get(n.action());
                if (result == null) {
                    throw new IllegalStateException(
                            "IAM's simulation of " + principal + " answered nothing for " + n.action());
                }
                boolean allowed = result.evalDecision() == PolicyEvaluationDecisionType.ALLOWED;
                answers.add(new Answer(n, resource, allowed ? Decision.ALLOWED : Decision.DENIED, principal + ": "
                        + result.evalDecisionAsString() + (result.missingContextValues().isEmpty() ? ""
                                : " (context the policy asks and the simulation lacked: "
                                        + result.missingContextValues() + ")")));
            }
        }
        return answers;
    }

    private String principal(ScalingRef.Place.Aws place) {
        if (place.roleArn() != null) {
            return place.roleArn();
        }
        return ownRoleArn.orElseGet(() -> roleOf(sts.apply(place).getCallerIdentity().arn()));
    }

    /** {@code arn:aws:sts::111122223333:assumed-role/name/session} is the role {@code arn:aws:iam::111122223333:role/name}. */
    static String roleOf(String callerArn) {
        String[] parts = callerArn.split(":", 6);
        if (parts.length == 6 && parts[2].equals("sts") && parts[5].startsWith("assumed-role/")) {
            String name = parts[5].substring("assumed-role/".length()).split("/")[0];
            return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + name;
        }
        return callerArn; // a user or a role ARN as it is
    }
}
