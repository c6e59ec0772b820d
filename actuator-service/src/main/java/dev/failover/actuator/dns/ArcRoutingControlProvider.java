package dev.failover.actuator.dns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import dev.failover.actuator.aws.AwsFailure;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.route53recoverycluster.Route53RecoveryClusterClient;
import software.amazon.awssdk.services.route53recoverycluster.model.ConflictException;
import software.amazon.awssdk.services.route53recoverycluster.model.Route53RecoveryClusterException;
import software.amazon.awssdk.services.route53recoverycluster.model.RoutingControlState;
import software.amazon.awssdk.services.route53recoverycluster.model.UpdateRoutingControlStateEntry;

/**
 * Switches a group's traffic with Route 53 Application Recovery Controller routing controls, through the data plane of
 * an ARC cluster: no Route 53 control-plane call (whose home is us-east-1) is on the path of a failover. The group's
 * Route 53 failover records are tied to the controls by RECOVERY_CONTROL health checks at deployment (docs/aws-arc.md);
 * this provider only turns the controls On and Off.
 * <ul>
 * <li>Read: GetRoutingControlState of each of the group's controls, all from one endpoint; each control is one set
 * ({@link Routing#SWITCHES}): the target id, weight 1 for On, 0 for Off.</li>
 * <li>Write: one UpdateRoutingControlStates with every control of the group, which ARC applies atomically and checks
 * against the control panel's safety rules as a whole. A refusal by a safety rule (a ValidationException naming the
 * rule) is {@link WriteOutcome.Rejected}: the group is BLOCKED with the rule's message, never fought. Only a FORCE
 * ({@link RecordWrite#breakGlass()}) sends {@code SafetyRulesToOverride}, with the rules configured for the group's break
 * glass, and the result says who overrode which rules.</li>
 * <li>Preflight (issue 50, item 4: before a database is fenced or promoted): the control panel's safety rules, as the
 * {@link ArcSafetyRuleCatalog} last read them from the control-configuration API, evaluated ({@link ArcSafetyRule})
 * against the panel's states as one ListRoutingControls reads them now and as the write would leave them. A rule that
 * would refuse is {@link WriteOutcome.Rejected} before anything irreversible; rules never read since start: the
 * provider cannot check (empty), and says why.</li>
 * <li>Endpoints: the cluster's regional endpoints are tried in turn, each call with its own short timeout, starting
 * from a random one and then from the one that answered last, so that a failed or hanging endpoint costs at most one
 * timeout and never blocks a switch while another endpoint answers. A call that failed on every endpoint is
 * {@link ReadOutcome.Unavailable} (or Throttled), and the reconciler retries.</li>
 * </ul>
 * ARC has no conditional write, so no ownership record can move atomically with the states, and this provider keeps
 * none ({@link #keepsOwnerRecord()}): the reconciler keeps the mark of each write (epoch, decision, digest of the states
 * written) in the group's signed desired state and judges every read by it, on whichever instance owns the group, so
 * that drift (a control flipped by hand after the write, a person's break-glass switch) is told apart from a write not
 * made yet after a restart or an ownership move too (issue 52). What fences a stale actuator on this path (the lease,
 * the epoch of the stored state), and what is not guaranteed, is ADR 0014.
 */
public final class ArcRoutingControlProvider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(ArcRoutingControlProvider.class);
    /** A safety rule's ARN, as ARC names the rule that refused an update in its message. */
    private static final Pattern SAFETY_RULE = Pattern.compile(
            "arn:aws[a-z-]*:route53-recovery-control::\\d+:controlpanel/[^/\\s]+/safetyrule/[A-Za-z0-9_-]+");

    /** One endpoint's client, and where it is, for messages. */
    public record Endpoint(String region, String url, Route53RecoveryClusterClient client) {
    }

    private final List<Endpoint> endpoints;
    private final Map<String, ArcSettings.Group> groups;
    private final ArcSafetyRuleCatalog safetyRules;
    /** The endpoint to try first: random at start, then the one that answered last. */
    private final AtomicInteger preferred;

    /**
     * @param endpoints one client per regional endpoint, each with its own timeout and its region's credentials
     * @param start     the endpoint tried first (chosen at random by the caller, so that actuators spread)
     */
    public ArcRoutingControlProvider(List<Endpoint> endpoints, Map<String, ArcSettings.Group> groups, int start) {
        this(endpoints, groups, start, ArcSafetyRuleCatalog.none());
    }

    /**
     * @param endpoints   one client per regional endpoint, each with its own timeout and its region's credentials
     * @param start       the endpoint tried first (chosen at random by the caller, so that actuators spread)
     * @param safetyRules the control panels' safety rules, for {@link #preflight}
     */
    public ArcRoutingControlProvider(List<Endpoint> endpoints, Map<String, ArcSettings.Group> groups, int start,
            ArcSafetyRuleCatalog safetyRules) {
        this.safetyRules = safetyRules;
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("an ARC cluster has endpoints");
        }
        this.endpoints = List.copyOf(endpoints);
        this.groups = Map.copyOf(groups);
        this.preferred = new AtomicInteger(Math.floorMod(start, endpoints.size()));
    }

    @Override
    public String name() {
        return "route53-arc";
    }

    @Override
    public Routing routing() {
        return Routing.SWITCHES;
    }

    /** Routing controls have nowhere to keep a mark: the desired state keeps it. */
    @Override
    public boolean keepsOwnerRecord() {
        return false;
    }

    @Override
    public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
        ArcSettings.Group group = groups.get(key.group());
        if (group == null) {
            return new ReadOutcome.Rejected("group " + key.group() + " has no routing controls (failover.dns.arc.groups)");
        }
        Attempt<List<RecordSet>> read = onSomeEndpoint(client -> {
            List<RecordSet> sets = new ArrayList<>();
            group.controls().forEach((target, arn) -> {
                RoutingControlState state = client.getRoutingControlState(r -> r.routingControlArn(arn)).routingControlState();
                sets.add(new RecordSet(target, state == RoutingControlState.ON ? 1L : 0L, null, Set.of(), null));
            });
            return sets;
        });
        if (read instanceof Attempt.Answered<List<RecordSet>> answered) {
            return new ReadOutcome.Served(new ServedRecord(null, answered.value(), true));
        }
        if (read instanceof Attempt.Refused<?> refused) {
            return new ReadOutcome.Rejected(refused.reason());
        }
        Attempt.AllFailed<?> failed = (Attempt.AllFailed<?>) read;
        return failed.throttled() ? new ReadOutcome.Throttled(failed.reasons()) : new ReadOutcome.Unavailable(failed.reasons());
    }

    @Override
    public WriteOutcome write(RecordWrite write) {
        String groupId = write.key().group();
        ArcSettings.Group group = groups.get(groupId);
        if (group == null) {
            return new WriteOutcome.Rejected("group " + groupId + " has no routing controls (failover.dns.arc.groups)");
        }
        Optional<String> unknown = unknownTarget(group, write);
        if (unknown.isPresent()) {
            return new WriteOutcome.Rejected(unknown.get());
        }
        Map<String, RoutingControlState> wanted = wanted(group, write);
        List<String> overrides = write.breakGlass() == null ? List.of() : group.breakGlassRules();
        List<UpdateRoutingControlStateEntry> entries = wanted.entrySet().stream().map(e -> UpdateRoutingControlStateEntry
                .builder().routingControlArn(e.getKey()).routingControlState(e.getValue()).build()).toList();
        Attempt<Boolean> update = onSomeEndpoint(client -> {
            client.updateRoutingControlStates(r -> r.updateRoutingControlStateEntries(entries)
                    .safetyRulesToOverride(overrides.isEmpty() ? null : overrides));
            return true;
        });
        if (update instanceof Attempt.Answered<Boolean> answered) {
            String details = "ARC UpdateRoutingControlStates at " + answered.endpoint().region() + " ("
                    + answered.endpoint().url() + "): " + describe(write.sets()) + " as epoch " + write.owner().epoch()
                    + (overrides.isEmpty() ? "" : "; overriding safety rules " + overrides + " (" + write.breakGlass().describe()
                            + ")");
            if (overrides.isEmpty()) {
                LOG.info(details);
            } else {
                LOG.warn(details);
            }
            return new WriteOutcome.Written(details, null);
        }
        if (update instanceof Attempt.Refused<?> refused) {
            return new WriteOutcome.Rejected(refusal(refused.reason(), groupId, write.breakGlass(), overrides));
        }
        Attempt.AllFailed<?> failed = (Attempt.AllFailed<?>) update;
        return failed.throttled() ? new WriteOutcome.Throttled(failed.reasons()) : new WriteOutcome.Unavailable(failed.reasons());
    }

    @Override
    public Optional<WriteOutcome> preflight(RecordWrite write) {
        String groupId = write.key().group();
        ArcSettings.Group group = groups.get(groupId);
        if (group == null) {
            return Optional.of(new WriteOutcome.Rejected("group " + groupId + " has no routing controls (failover.dns.arc.groups)"));
        }
        Optional<String> unknown = unknownTarget(group, write);
        if (unknown.isPresent()) {
            return Optional.of(new WriteOutcome.Rejected(unknown.get()));
        }
        String panel = ArcSafetyRuleCatalog.panelOf(group.controls().values().iterator().next());
        ArcSafetyRuleCatalog.Rules known = safetyRules.rules(panel);
        if (!(known instanceof ArcSafetyRuleCatalog.Rules.Read rules)) {
            LOG.warnf("the switch of group %s cannot be checked against the safety rules of %s: %s", groupId, panel,
                    ((ArcSafetyRuleCatalog.Rules.NotRead) known).reason());
            return Optional.empty();
        }
        Attempt<Map<String, Boolean>> listed = onSomeEndpoint(client -> {
            Map<String, Boolean> states = new LinkedHashMap<>();
            client.listRoutingControlsPaginator(r -> r.controlPanelArn(panel)).routingControls()
                    .forEach(c -> states.put(c.routingControlArn(), c.routingControlState() == RoutingControlState.ON));
            return states;
        });
        if (listed instanceof Attempt.Refused<?> refused) {
            return Optional.of(new WriteOutcome.Rejected("ListRoutingControls of " + panel + " refused: " + refused.reason()));
        }
        if (listed instanceof Attempt.AllFailed<?> failed) {
            return Optional.of(failed.throttled() ? new WriteOutcome.Throttled(failed.reasons())
                    : new WriteOutcome.Unavailable(failed.reasons()));
        }
        Attempt.Answered<Map<String, Boolean>> answered = (Attempt.Answered<Map<String, Boolean>>) listed;
        Map<String, Boolean> before = answered.value();
        Map<String, Boolean> after = new LinkedHashMap<>(before);
        wanted(group, write).forEach((arn, state) -> after.put(arn, state == RoutingControlState.ON));
        List<String> overrides = write.breakGlass() == null ? List.of() : group.breakGlassRules();
        for (ArcSafetyRule rule : rules.rules()) {
            Optional<String> missing = rule.referenced().stream().filter(c -> !after.containsKey(c)).sorted().findFirst();
            if (missing.isPresent()) {
                return Optional.of(new WriteOutcome.Unavailable("safety rule " + rule + " names routing control "
                        + missing.get() + ", which ListRoutingControls of " + panel + " did not list"));
            }
            Optional<String> why = overrides.contains(rule.arn()) ? Optional.empty() : rule.refuses(before, after);
            if (why.isPresent()) {
                return Optional.of(new WriteOutcome.Rejected(refusal(rule.name() + " (" + rule.arn() + "): " + why.get()
                        + " (the panel's rules as read at " + rules.at() + ")", groupId,
                        write.breakGlass(), overrides)));
            }
        }
        return Optional.of(new WriteOutcome.Written(rules.rules().size() + " safety rule(s) of " + panel + " (read at "
                + rules.at() + ") hold after " + describe(write.sets()) + ", on the states listed at "
                + answered.endpoint().region() + (overrides.isEmpty() ? "" : "; overriding " + overrides), null));
    }

    /** Why the write names a target without a routing control, if it does. */
    private static Optional<String> unknownTarget(ArcSettings.Group group, RecordWrite write) {
        return write.sets().stream().filter(set -> !group.controls().containsKey(set.setIdentifier())).findFirst()
                .map(set -> "target " + set.setIdentifier() + " of group " + write.key().group()
                        + " has no routing control (failover.dns.arc.groups." + write.key().group() + ".routing-controls)");
    }

    /** The state the write wants of each of the group's controls it names. */
    private static Map<String, RoutingControlState> wanted(ArcSettings.Group group, RecordWrite write) {
        Map<String, RoutingControlState> wanted = new LinkedHashMap<>();
        for (RecordSet set : write.sets()) {
            wanted.put(group.controls().get(set.setIdentifier()),
                    set.weight() != null && set.weight() > 0 ? RoutingControlState.ON : RoutingControlState.OFF);
        }
        return wanted;
    }

    /**
     * A refusal, with what to do about a safety rule's: ARC names the rule (its ARN) in the message, the only place it
     * says which rule refused, so it is read here, at the adapter's boundary, and nowhere else.
     */
    private static String refusal(String reason, String group, RecordWrite.BreakGlass breakGlass, List<String> overrides) {
        Matcher rule = SAFETY_RULE.matcher(reason);
        if (!rule.find()) {
            return reason;
        }
        String key = "failover.dns.arc.groups." + group + ".break-glass-rules";
        if (breakGlass == null) {
            return "refused by safety rule " + rule.group() + ": " + reason + " (the plane does not fight a safety rule;"
                    + " an operator's FORCE overrides it when it is listed in " + key + ")";
        }
        return "refused by safety rule " + rule.group() + " although " + breakGlass.describe() + ": " + reason
                + (overrides.contains(rule.group()) ? "" : " (a FORCE overrides only the rules listed in " + key
                        + ", which does not list it)");
    }

    private static String describe(List<RecordSet> sets) {
        return sets.stream().map(s -> s.setIdentifier() + " " + (s.weight() != null && s.weight() > 0 ? "On" : "Off"))
                .reduce((a, b) -> a + ", " + b).orElse("nothing");
    }

    /** How a call went over the cluster's endpoints. */
    private sealed interface Attempt<T> {
        record Answered<T>(T value, Endpoint endpoint) implements Attempt<T> {
        }

        /** An endpoint answered with a refusal that every endpoint would give (validation, access, not found). */
        record Refused<T>(String reason) implements Attempt<T> {
        }

        /** No endpoint answered. */
        record AllFailed<T>(String reasons, boolean throttled) implements Attempt<T> {
        }
    }

    /**
     * Runs the call against each endpoint in turn from the preferred one until one answers; an endpoint that fails (5xx,
     * throttled, a conflict, not reached, timed out, its region's STS failing the role) hands on to the next.
     */
    private <T> Attempt<T> onSomeEndpoint(Function<Route53RecoveryClusterClient, T> call) {
        int n = endpoints.size();
        int start = preferred.get();
        List<String> failures = new ArrayList<>();
        boolean throttled = false;
        for (int i = 0; i < n; i++) {
            int index = (start + i) % n;
            Endpoint endpoint = endpoints.get(index);
            try {
                T value = call.apply(endpoint.client());
                preferred.set(index);
                return new Attempt.Answered<>(value, endpoint);
            } catch (Route53RecoveryClusterException e) {
                String code = e.awsErrorDetails() == null ? e.getClass().getSimpleName() : e.awsErrorDetails().errorCode();
                String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? e.getMessage()
                        : e.awsErrorDetails().errorMessage();
                String reason = code + " (HTTP " + e.statusCode() + "): " + message;
                if (e.statusCode() >= 500 || e.statusCode() == 429 || e instanceof ConflictException) {
                    throttled |= e.statusCode() == 429;
                    failures.add(endpoint.region() + ": " + reason);
                    continue;
                }
                return new Attempt.Refused<>(reason);
            } catch (SdkClientException e) {
                failures.add(endpoint.region() + ": not reached: " + e.getMessage());
            } catch (SdkException e) {
                // anything else on the way to this endpoint — its region's STS refusing or failing the role the client
                // assumes, a credentials error — says nothing of the other regions, each signed with credentials of its
                // own: the next endpoint is tried (issue 52); the reason is classified as every AWS failure is
                AwsFailure failure = AwsFailure.of(endpoint.region(), e);
                throttled |= e instanceof AwsServiceException service && service.isThrottlingException();
                failures.add(failure.reason());
            }
        }
        return new Attempt.AllFailed<>("no ARC cluster endpoint answered (" + String.join("; ", failures) + ")", throttled);
    }
}
