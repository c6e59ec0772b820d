package dev.failover.contract.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A group switched with Route 53 Application Recovery Controller routing controls instead of record writes (ADR 0014,
 * docs/aws-arc.md). The actuator sets the controls through the ARC cluster's data plane (its endpoints and credentials
 * are the actuator's settings, {@code failover.dns.arc.*}); Route 53 answers from the health checks tied to them.
 *
 * @param routingControls the routing control ARN of every target of the group, by target id: On sends it traffic. A
 *                        control belongs to one group only
 * @param breakGlassRules the safety rules (ARNs) an operator's FORCE of this group overrides (sent as
 *                        {@code SafetyRulesToOverride}, audited in the actuation result); no other decision overrides any.
 *                        Empty: a FORCE is refused by a safety rule like any decision, and the group is BLOCKED naming it
 */
public record ArcRouting(Map<String, String> routingControls, List<String> breakGlassRules) {

    public ArcRouting {
        // a copy that keeps an empty value, for the validator to name
        routingControls = routingControls == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(routingControls));
        breakGlassRules = Lists.copy(breakGlassRules);
    }
}
