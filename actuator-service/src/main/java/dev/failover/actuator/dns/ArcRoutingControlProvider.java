package dev.failover.actuator.dns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import dev.failover.actuator.aws.AwsFailure;
import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.requests.Batcher;
import dev.failover.actuator.requests.Priority;
import dev.failover.actuator.requests.RequestBudget;
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
 * <li>Preflight (before a database is fenced or promoted, ADR 0020): the control panel's safety rules, as the
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
 * made yet after a restart or an ownership move too. What fences a stale actuator on this path (the lease,
 * the epoch of the stored state), and what is not guaranteed, is ADR 0014.
 * <p>
 * Many groups at once — a region's failover — share updates (ADR 0022): the writes of one control panel's
 * groups that wait together go as one UpdateRoutingControlStates, up to ARC's {@value #UPDATE_ENTRIES} routing controls
 * a call, each write still checked by the panel's safety rules in the same transaction. Updates wait for turns at the
 * endpoint's quota of {@value #UPDATES_PER_SECOND} mutating calls a second, and the writes that come meanwhile go
 * together in the next. A batch refused by a safety rule is answered for the one write that touches the rule's controls
 * (the rules as the {@link ArcSafetyRuleCatalog} last read them), the others going again at once; when that cannot be
 * told, or when every endpoint answered a conflict, each write goes again alone. A FORCE's write goes alone: its
 * SafetyRulesToOverride would apply to the whole call. The actuator's lease is asked right before an update goes to
 * each endpoint, however long its writes waited for their turn: once it has lapsed, they are answered as not written.
 */
public final class ArcRoutingControlProvider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(ArcRoutingControlProvider.class);
    /** A safety rule's ARN, as ARC names the rule that refused an update in its message. */
    private static final Pattern SAFETY_RULE = Pattern.compile(
            "arn:aws[a-z-]*:route53-recovery-control::\\d+:controlpanel/[^/\\s]+/safetyrule/[A-Za-z0-9_-]+");

    /** ARC's most routing controls in one UpdateRoutingControlStates call (routing control quotas). */
    static final int UPDATE_ENTRIES = 10;
    /** ARC's most mutating calls a second to one cluster endpoint (routing control quotas). */
    static final int UPDATES_PER_SECOND = 3;
    /** The least this instance keeps to after a throttle: other actuators and people share the endpoints' quota. */
    static final double UPDATES_FLOOR = 1;

    /** One endpoint's client, and where it is, for messages. */
    public record Endpoint(String region, String url, Route53RecoveryClusterClient client) {
    }

    /**
     * What writes must share to go in one UpdateRoutingControlStates: the control panels of their controls (a panel's
     * controls change together in one transaction), and, for a FORCE's write, its group (its overrides are its own).
     */
    private record Transaction(String panels, String forcedGroup) {
    }

    private final List<Endpoint> endpoints;
    private final Map<String, ArcSettings.Group> groups;
    private final ArcSafetyRuleCatalog safetyRules;
    /** The endpoint to try first: random at start, then the one that answered last. */
    private final AtomicInteger preferred;
    /** Every update of this instance waits for its turn here; reads do not (ARC limits mutating calls). */
    private final RequestBudget budget;
    /** Writes of one panel's groups waiting together go as one update, each checked by the rules in it. */
    private final Batcher<Transaction, RecordWrite, WriteOutcome> writes;
    /** Asked right before an update goes to an endpoint, however long it waited for its turn. */
    private final Lease lease;

    /**
     * @param endpoints one client per regional endpoint, each with its own timeout and its region's credentials
     * @param start     the endpoint tried first (chosen at random by the caller, so that actuators spread)
     */
    /**
     * @param endpoints   one client per regional endpoint, each with its own timeout and its region's credentials
     * @param start       the endpoint tried first (chosen at random by the caller, so that actuators spread)
     * @param safetyRules the control panels' safety rules, for {@link #preflight}
     * @param budget      the turns of this instance's updates ({@link #updateBudget()})
     * @param lease       asked right before each update goes to an endpoint: a write that waited for its turn while
     *                    the lease lapsed is not sent (ADR 0014, 0022)
     */
    public ArcRoutingControlProvider(List<Endpoint> endpoints, Map<String, ArcSettings.Group> groups, int start,
            ArcSafetyRuleCatalog safetyRules, RequestBudget budget, Lease lease) {
        this.safetyRules = safetyRules;
        this.budget = budget;
        this.lease = lease;
        this.writes = new Batcher<>(this::update, budget::acquire, UPDATE_ENTRIES,
                write -> wanted(groups.get(write.key().group()), write).size(), write -> write.key().group(),
                why -> new WriteOutcome.Unavailable("ARC not updated: " + why));
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("an ARC cluster has endpoints");
        }
        this.endpoints = List.copyOf(endpoints);
        this.groups = Map.copyOf(groups);
        this.preferred = new AtomicInteger(Math.floorMod(start, endpoints.size()));
    }

    /** The turns of one instance's updates: the endpoint's quota of mutating calls, down to a floor once throttled. */
    public static RequestBudget updateBudget() {
        return new RequestBudget("ARC cluster updates", UPDATES_PER_SECOND, UPDATES_FLOOR, System::nanoTime);
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
            return new ReadOutcome.Rejected(
                    "group " + key.group() + " has no routing controls (no arc key in the topology)");
        }
        Attempt<List<RecordSet>> read = onSomeEndpoint(client -> {
            List<RecordSet> sets = new ArrayList<>();
            group.controls().forEach((target, arn) -> {
                RoutingControlState state = client.getRoutingControlState(r -> r.routingControlArn(arn))
                        .routingControlState();
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
        return failed.throttled() ? new ReadOutcome.Throttled(failed.reasons())
                : new ReadOutcome.Unavailable(failed.reasons());
    }

    @Override
    public WriteOutcome write(RecordWrite write) {
        String groupId = write.key().group();
        ArcSettings.Group group = groups.get(groupId);
        if (group == null) {
            return new WriteOutcome.Rejected(
                    "group " + groupId + " has no routing controls (no arc key in the topology)");
        }
        Optional<String> unknown = unknownTarget(group, write);
        if (unknown.isPresent()) {
            return new WriteOutcome.Rejected(unknown.get());
        }
        Set<String> panels = new java.util.TreeSet<>();
        group.controls().values().forEach(arn -> panels.add(ArcSafetyRuleCatalog.panelOf(arn)));
        return writes.submit(new Transaction(String.join(",", panels), write.breakGlass() == null ? null : groupId),
                write,
                Priority.SWITCH);
    }

    /**
     * The writes of one panel waiting together as one UpdateRoutingControlStates: ARC applies all or none, and checks
     * the safety rules on what the whole update leaves. Refused by a rule that only one write touches, that write gets
     * the refusal and the others go again at once; refused otherwise, or in conflict on every endpoint, each goes again
     * alone; throttled on every endpoint, the budget slows down and the update goes again at the next turn.
     */
    private Batcher.Answer<RecordWrite, WriteOutcome> update(Transaction transaction, List<RecordWrite> batch,
            Supplier<Priority> priority) {
        List<UpdateRoutingControlStateEntry> entries = new ArrayList<>();
        for (RecordWrite write : batch) {
            wanted(groups.get(write.key().group()), write)
                    .forEach((arn, state) -> entries.add(UpdateRoutingControlStateEntry
                            .builder().routingControlArn(arn).routingControlState(state).build()));
        }
        // a FORCE's write goes alone (its transaction names its group): its overrides are for its group only
        List<String> overrides = transaction.forcedGroup() == null ? List.of()
                : groups.get(transaction.forcedGroup()).breakGlassRules();
        // the lease is asked right before the update goes to each endpoint, however long the batch waited for its turn
        Attempt<Boolean> update = onSomeEndpoint(client -> {
            client.updateRoutingControlStates(r -> r.updateRoutingControlStateEntries(entries)
                    .safetyRulesToOverride(overrides.isEmpty() ? null : overrides));
            return true;
        }, lease);
        if (update instanceof Attempt.LeaseLapsed<?> lapsed) {
            return each(batch, lapsed.outcome());
        }
        if (update instanceof Attempt.Answered<Boolean> answered) {
            Map<RecordWrite, WriteOutcome> written = new LinkedHashMap<>();
            for (RecordWrite write : batch) {
                String details = "ARC UpdateRoutingControlStates at " + answered.endpoint().region() + " ("
                        + answered.endpoint().url() + ")"
                        + (batch.size() == 1 ? "" : " for " + batch.size() + " groups")
                        + ": " + describe(write.sets()) + " as epoch " + write.owner().epoch()
                        + (overrides.isEmpty() ? "" : "; overriding safety rules " + overrides + " ("
                                + write.breakGlass().describe() + ")");
                if (overrides.isEmpty()) {
                    LOG.info(details);
                } else {
                    LOG.warn(details);
                }
                written.put(write, new WriteOutcome.Written(details, null));
            }
            return new Batcher.Answer.Each<>(written);
        }
        if (update instanceof Attempt.Refused<?> refused) {
            if (batch.size() == 1) {
                RecordWrite write = batch.get(0);
                return each(batch, new WriteOutcome.Rejected(refusal(refused.reason(), refused.safetyRule(),
                        write.key().group(), write.breakGlass(), overrides)));
            }
            Optional<RecordWrite> offender = refused.safetyRule().flatMap(rule -> offender(batch, rule));
            return offender.<Batcher.Answer<RecordWrite, WriteOutcome>>map(write -> new Batcher.Answer.Refused<>(Map.of(
                    write,
                    new WriteOutcome.Rejected(refusal(refused.reason(), refused.safetyRule(), write.key().group(),
                            write.breakGlass(), overrides)))))
                    .orElseGet(() -> new Batcher.Answer.Unattributed<>(
                            new WriteOutcome.Rejected(refused.reason())));
        }
        Attempt.AllFailed<?> failed = (Attempt.AllFailed<?>) update;
        if (failed.throttled()) {
            budget.throttled();
            // nothing was changed: the same update goes again at the next turn (ADR 0022, "A throttled request keeps its
            // place"), the lease asked again before it goes to each endpoint
            return new Batcher.Answer.Throttled<>(Map.of(), new WriteOutcome.Throttled(failed.reasons()));
        }
        if (failed.conflict() && batch.size() > 1) {
            // a conflict on a control of one group (another update of it under way) must not hold up the others
            return new Batcher.Answer.Unattributed<>(new WriteOutcome.Unavailable(failed.reasons()));
        }
        return each(batch, new WriteOutcome.Unavailable(failed.reasons()));
    }

    private static Batcher.Answer<RecordWrite, WriteOutcome> each(List<RecordWrite> batch, WriteOutcome outcome) {
        Map<RecordWrite, WriteOutcome> all = new LinkedHashMap<>();
        batch.forEach(write -> all.put(write, outcome));
        return new Batcher.Answer.Each<>(all);
    }

    /**
     * The one write of a refused batch that the refusing safety rule {@code arn} (as ARC's refusal named it) concerns:
     * the only write with an entry for a control the rule reads or guards, as the panel's rules were last read. That
     * write alone would be refused the same, since the rule sees none of the others' entries. A rule's controls are
     * fixed for its ARN (UpdateSafetyRule changes only a rule's name and wait period). Empty when the rule is not among
     * those read, or several writes touch its controls (then only each alone can tell).
     */
    private Optional<RecordWrite> offender(List<RecordWrite> batch, String arn) {
        ArcSafetyRuleCatalog.Rules known = safetyRules.rules(ArcSafetyRuleCatalog.panelOf(arn));
        if (!(known instanceof ArcSafetyRuleCatalog.Rules.Read read)) {
            return Optional.empty();
        }
        Optional<ArcSafetyRule> rule = read.rules().stream().filter(r -> r.arn().equals(arn)).findFirst();
        if (rule.isEmpty()) {
            return Optional.empty();
        }
        Set<String> controls = rule.get().referenced();
        List<RecordWrite> touching = batch.stream().filter(write -> wanted(groups.get(write.key().group()), write)
                .keySet().stream().anyMatch(controls::contains)).toList();
        return touching.size() == 1 ? Optional.of(touching.get(0)) : Optional.empty();
    }

    /** Writes waiting for an update's turn or an update under way; for the tests. */
    int waiting() {
        return writes.waiting().values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public Optional<WriteOutcome> preflight(RecordWrite write) {
        String groupId = write.key().group();
        ArcSettings.Group group = groups.get(groupId);
        if (group == null) {
            return Optional.of(new WriteOutcome.Rejected(
                    "group " + groupId + " has no routing controls (no arc key in the topology)"));
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
            return Optional
                    .of(new WriteOutcome.Rejected("ListRoutingControls of " + panel + " refused: " + refused.reason()));
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
            Optional<String> missing = rule.referenced().stream().filter(c -> !after.containsKey(c)).sorted()
                    .findFirst();
            if (missing.isPresent()) {
                return Optional.of(new WriteOutcome.Unavailable("safety rule " + rule + " names routing control "
                        + missing.get() + ", which ListRoutingControls of " + panel + " did not list"));
            }
            Optional<String> why = overrides.contains(rule.arn()) ? Optional.empty() : rule.refuses(before, after);
            if (why.isPresent()) {
                return Optional.of(new WriteOutcome.Rejected(refusal(rule.name() + " (" + rule.arn() + "): " + why.get()
                        + " (the panel's rules as read at " + rules.at() + ")", Optional.of(rule.arn()), groupId,
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
                        + " has no routing control (arc.routingControls of the group in the topology)");
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
     * A refusal, with what to do about a safety rule's.
     *
     * @param safetyRule the ARN of the rule that refused, if one did ({@link Attempt.Refused#safetyRule()})
     */
    private static String refusal(String reason, Optional<String> safetyRule, String group,
            RecordWrite.BreakGlass breakGlass, List<String> overrides) {
        if (safetyRule.isEmpty()) {
            return reason;
        }
        String rule = safetyRule.get();
        String key = "arc.breakGlassRules of group " + group + " in the topology";
        if (breakGlass == null) {
            return "refused by safety rule " + rule + ": " + reason + " (the plane does not fight a safety rule;"
                    + " an operator's FORCE overrides it when it is listed in " + key + ")";
        }
        return "refused by safety rule " + rule + " although " + breakGlass.describe() + ": " + reason
                + (overrides.contains(rule) ? "" : " (a FORCE overrides only the rules listed in " + key
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

        /**
         * An endpoint answered with a refusal that every endpoint would give (validation, access, not found).
         *
         * @param safetyRule the ARN of the safety rule that refused, when ARC's message names one: the message is the
         *                   only place ARC says which rule refused, so it is read once, where the answer is classified
         *                   ({@link #onSomeEndpoint}), and carried from there
         */
        record Refused<T>(String reason, Optional<String> safetyRule) implements Attempt<T> {
        }

        /**
         * The lease had lapsed when the call was to go to the next endpoint: it went to no further endpoint.
         *
         * @param outcome what the write is answered ({@link LeasedDnsProvider#refusal})
         */
        record LeaseLapsed<T>(WriteOutcome outcome) implements Attempt<T> {
        }

        /**
         * No endpoint answered.
         *
         * @param throttled whether an endpoint answered with a throttle
         * @param conflict  whether an endpoint answered ConflictException
         */
        record AllFailed<T>(String reasons, boolean throttled, boolean conflict) implements Attempt<T> {
        }
    }

    /** {@link #onSomeEndpoint(Function, Lease)} for a call that changes nothing: a read. */
    private <T> Attempt<T> onSomeEndpoint(Function<Route53RecoveryClusterClient, T> call) {
        return onSomeEndpoint(call, Lease.HELD);
    }

    /**
     * Runs the call against each endpoint in turn from the preferred one until one answers; an endpoint that fails (5xx,
     * throttled, a conflict, not reached, timed out, its region's STS failing the role) hands on to the next.
     *
     * @param lease asked right before the call goes to each endpoint: once it has lapsed, the call goes nowhere more
     */
    private <T> Attempt<T> onSomeEndpoint(Function<Route53RecoveryClusterClient, T> call, Lease lease) {
        int n = endpoints.size();
        int start = preferred.get();
        List<String> failures = new ArrayList<>();
        boolean throttled = false;
        boolean conflict = false;
        for (int i = 0; i < n; i++) {
            int index = (start + i) % n;
            Endpoint endpoint = endpoints.get(index);
            Optional<WriteOutcome> lapsed = LeasedDnsProvider.refusal(lease);
            if (lapsed.isPresent()) {
                return new Attempt.LeaseLapsed<>(lapsed.get());
            }
            try {
                T value = call.apply(endpoint.client());
                preferred.set(index);
                return new Attempt.Answered<>(value, endpoint);
            } catch (Route53RecoveryClusterException e) {
                String code = e.awsErrorDetails() == null ? e.getClass().getSimpleName()
                        : e.awsErrorDetails().errorCode();
                String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                        ? e.getMessage()
                        : e.awsErrorDetails().errorMessage();
                String reason = code + " (HTTP " + e.statusCode() + "): " + message;
                if (e.statusCode() >= 500 || e.statusCode() == 429 || e instanceof ConflictException) {
                    throttled |= e.statusCode() == 429;
                    conflict |= e instanceof ConflictException;
                    failures.add(endpoint.region() + ": " + reason);
                    continue;
                }
                return new Attempt.Refused<>(reason, SAFETY_RULE.matcher(reason).results().findFirst()
                        .map(MatchResult::group));
            } catch (SdkClientException e) {
                failures.add(endpoint.region() + ": not reached: " + e.getMessage());
            } catch (SdkException e) {
                // anything else on the way to this endpoint — its region's STS refusing or failing the role the client
                // assumes, a credentials error — says nothing of the other regions, each signed with credentials of its
                // own: the next endpoint is tried; the reason is classified as every AWS failure is
                AwsFailure failure = AwsFailure.of(endpoint.region(), e);
                throttled |= e instanceof AwsServiceException service && service.isThrottlingException();
                failures.add(failure.reason());
            }
        }
        return new Attempt.AllFailed<>("no ARC cluster endpoint answered (" + String.join("; ", failures) + ")",
                throttled,
                conflict);
    }
}
