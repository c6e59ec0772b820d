package dev.failover.actuator.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.failover.actuator.domain.data.DataTier;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.reconcile.GroupStatus;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.LaneState;
import dev.failover.contract.signing.Verification;
import dev.failover.contract.time.SwitchObjectives;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/** The actuator's metrics: counters per published result, and per group gauges read from the reconciler at scrape. */
@ApplicationScoped
public class ActuatorMetrics {

    /** Actuation results by group, step, status and provider. */
    public static final String STEPS = "failover.actuator.steps";
    /**
     * 1 while this actuator's lease on its consumer group's assignment holds (it heard from its group coordinator within
     * half the session timeout), 0 while it writes nothing outside Kafka.
     */
    public static final String LEASE_HELD = "failover.actuator.lease.held";
    /** Duration of each step, by step and provider. */
    public static final String STEP_DURATION = "failover.actuator.step.duration";
    /**
     * Seconds from a decision's issue to its switch proven served, by group, with histogram buckets at
     * {@link SwitchObjectives} ({@code failover_actuator_decision_to_switch_seconds_bucket}).
     */
    public static final String DECISION_TO_SWITCH = "failover.actuator.decision.to.switch";
    /**
     * Decision to completion of a planned move (switchover, drill): slow by design (the old TTL is waited out, ADR 0012),
     * so kept apart from {@link #DECISION_TO_SWITCH}, which the FailoverSwitchSlow alert watches.
     */
    public static final String PLANNED_MOVE = "failover.actuator.planned.move";
    /**
     * Time from a decision's Kafka record timestamp to its receipt by the actuator: how long the consumer took to fetch
     * it (the first decision after a start included).
     */
    public static final String DECISION_RECEIVE_LAG = "failover.actuator.decision.receive.lag";
    /**
     * Decisions refused, not acted on and dead-lettered, for want of a valid signature by a trusted key (ADR 0009), by
     * outcome (UNSIGNED, UNKNOWN_KEY, BAD_SIGNATURE, MALFORMED). Alert FailoverUnsignedControlMessage.
     */
    public static final String DECISIONS_REJECTED = "failover.actuator.decisions.rejected";
    /**
     * Operators' retries that reached this instance through failover.decisions (ADR 0025), by outcome: TAKEN (the next
     * pass answers in a RECONCILE result), EXPIRED (read more than five minutes after it was sent), NOT_DRIVEN (no
     * decision for the group here yet). The last two have no result of their own: this counter and the log say them.
     */
    public static final String RETRIES = "failover.actuator.operator.retries";
    /**
     * Desired states of failover.actuator-desired not restored, for want of a valid signature by an actuator key (ADR
     * 0009, stored state), by verification outcome.
     */
    public static final String DESIRED_STATES_REJECTED = "failover.actuator.desired.states.rejected";
    /** Results that Kafka did not take, by group. */
    public static final String NOT_PUBLISHED = "failover.actuator.results.not.published";
    /** Seconds the group's desired state has not been served (0 when it is), planned holds included. */
    public static final String UNSERVED_SECONDS = "failover.actuator.unserved.seconds";
    /**
     * Seconds the group's desired state has not been served outside a planned hold: 0 while a served step of a stepped
     * failback or a planned move is held as its plan says, counted again from the end of the hold. The "decided but not
     * served" alert (FailoverDecidedNotServed): a move progressing as planned does not page, one stuck does.
     */
    public static final String UNSERVED_UNPLANNED_SECONDS = "failover.actuator.unserved.unplanned.seconds";
    /**
     * 1 while the group's record carries a newer epoch than this instance's desired state: the group is not driven
     * here (no write, no drift handling) until a newer decision. Alert FailoverGroupSuperseded.
     */
    public static final String SUPERSEDED = "failover.actuator.superseded";
    /** 1 while the group's record is served as decided. */
    public static final String CONVERGED = "failover.actuator.converged";
    /** 1 while the group is blocked by a permanent refusal. */
    public static final String BLOCKED = "failover.actuator.blocked";
    /** 1 while the group's record was changed outside the control plane. */
    public static final String DRIFT = "failover.actuator.drift";
    /** Attempts since the group was last served (0 when converged). */
    public static final String ATTEMPTS = "failover.actuator.reconcile.attempts";
    /** The epoch of the group's desired state. */
    public static final String DESIRED_EPOCH = "failover.actuator.desired.epoch";
    /**
     * A target's database node's replication lag in seconds as last observed (0 for a writable node, NaN before any
     * observation or when it did not answer), by group and target (ADR 0020). Replay lag: what a promotion applies, not
     * what it loses; alerted on through the loss exposure.
     */
    public static final String DATABASE_LAG = "failover.actuator.database.lag.seconds";
    /** 1 while a target's database node took writes when last observed, by group and target. Alert FailoverTwoWritableDatabases. */
    public static final String DATABASE_WRITABLE = "failover.actuator.database.writable";
    /** 1 while a target's database node answered its last observation, by group and target. */
    public static final String DATABASE_ANSWERED = "failover.actuator.database.answered";
    /**
     * Per replica target: how many seconds of acknowledged commits promoting it would lose if the primary were lost now
     * (ADR 0020); 0 when nothing (a synchronous standby), +Inf when unknown.
     */
    public static final String DATABASE_LOSS_EXPOSURE = "failover.actuator.database.loss.exposure.seconds";
    /** Per replica target: 1 while its loss exposure is known, 0 while it is not (no failover would be automatic). */
    /**
     * Per group: 1 while the DNS switch to a target whose database node already takes writes is refused (the database
     * moved, the traffic did not), 0 otherwise. Alert FailoverSwitchRefusedAfterDatabaseMove.
     */
    public static final String DATABASE_SWITCH_REFUSED = "failover.actuator.database.switch.refused";
    public static final String DATABASE_LOSS_EXPOSURE_KNOWN = "failover.actuator.database.loss.exposure.known";
    /** The group's safety.maxDataLossSeconds, beside the lag it bounds. */
    public static final String DATABASE_LOSS_BUDGET = "failover.actuator.database.loss.budget.seconds";
    /**
     * Per target: seconds since the last promotion this instance requested while the target's node (not the promoted
     * one) was not seen fenced or a replica: it takes writes or does not answer; 0 otherwise.
     */
    public static final String DATABASE_UNFENCED = "failover.actuator.database.unfenced.seconds";
    /** 1 while an unplanned failover is held because the replica lags beyond the budget. Alert FailoverHeldForDataLoss. */
    public static final String DATABASE_HELD = "failover.actuator.database.held";
    /** Seconds from the last promotion's request until its node was seen writable (NaN before any), by group. */
    public static final String DATABASE_LAST_PROMOTION = "failover.actuator.database.last.promotion.seconds";
    /**
     * Per provider lane of a group (ADR 0036, "Metrics and the disagreement alert"): 1 for the state the lane is in, 0
     * for each other state, by group, lane, kind and state; so a lane that changes state leaves no stale 1 behind.
     */
    public static final String LANE_STATE = "failover.actuator.lane.state";
    /** Per provider lane: seconds it has not served the group's desired state (0 when it does), by group, lane, kind. */
    public static final String LANE_UNSERVED_SECONDS = "failover.actuator.lane.unserved.seconds";
    /**
     * Per group: seconds its lanes have not all served the epoch's target, a lane not read since the epoch began
     * counting as not (0 while they agree). Alert FailoverDnsProvidersDisagree, against {@link #LANES_DISAGREE_BOUND}.
     */
    public static final String LANES_DISAGREE_SECONDS = "failover.actuator.lanes.disagree.seconds";
    /** Per group: how long its lanes may disagree, its {@code dns.disagreementSeconds}. */
    public static final String LANES_DISAGREE_BOUND = "failover.actuator.lanes.disagree.bound.seconds";

    private final MeterRegistry registry;
    private final Clock clock;

    /** 1 for a permission the topology needs that IAM's simulation denies: by place, action and resource. */
    public static final String PERMISSION_MISSING = "failover.actuator.permission.missing";
    /** 1 for a place whose permissions could not be checked on the last run (its principal or IAM not reachable). */
    public static final String PERMISSION_UNKNOWN = "failover.actuator.permission.unknown";
    /** When the permissions were last checked, seconds since the epoch. */
    public static final String PERMISSION_CHECKED = "failover.actuator.permission.checked.seconds";

    /** One needed permission as the check found it. */
    public record Permission(String place, String action, String resource, boolean missing) {
    }

    private final AtomicReference<Double> permissionsChecked = new AtomicReference<>(Double.NaN);
    private MultiGauge permissionMissing;
    private MultiGauge permissionUnknown;

    @Inject
    public ActuatorMetrics(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    ActuatorMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        // at 0 from the start: the first refusal must be an increase the alert sees, not a series that appears at 1
        for (Verification.Outcome outcome : Verification.Outcome.values()) {
            if (outcome != Verification.Outcome.VALID) {
                registry.counter(DECISIONS_REJECTED, "outcome", outcome.name());
                registry.counter(DESIRED_STATES_REJECTED, "outcome", outcome.name());
            }
        }
    }

    public void stepFinished(ActuationResult result) {
        String provider = result.provider() == null ? "none" : result.provider();
        registry.counter(STEPS, "group", result.group(), "step", result.step().name(), "status", result.status().name(),
                "provider", provider).increment();
        if (result.step() != ActuationStep.RECONCILE) {
            registry.timer(STEP_DURATION, "step", result.step().name(), "provider", provider)
                    .record(Duration.between(result.startedAt(), result.finishedAt()));
        }
        if (result.step() == ActuationStep.COMPLETE && result.status() == ActuationStatus.SUCCEEDED
                && result.sinceDecisionMillis() != null) {
            boolean planned = result.decisionKind() != null && result.decisionKind().planned();
            // with buckets at the SLO thresholds a team writes its objective against: the share of switches
            // served within 5, 10, 30 s, 1, 2, 5 min of their decision
            Timer.builder(planned ? PLANNED_MOVE : DECISION_TO_SWITCH).tag("group", result.group())
                    .serviceLevelObjectives(SwitchObjectives.buckets()).register(registry)
                    .record(Duration.ofMillis(result.sinceDecisionMillis()));
        }
    }

    /** Records and returns the time from the decision record's timestamp to now. */
    public Duration decisionReceived(Instant recordTimestamp) {
        Duration lag = Duration.between(recordTimestamp, clock.instant());
        registry.timer(DECISION_RECEIVE_LAG).record(lag.isNegative() ? Duration.ZERO : lag);
        return lag;
    }

    public void retryReceived(Reconciler.RetryTaken outcome) {
        registry.counter(RETRIES, "outcome", outcome.name()).increment();
    }

    public void decisionRejected(Verification.Outcome outcome) {
        registry.counter(DECISIONS_REJECTED, "outcome", outcome.name()).increment();
    }

    public void desiredStateRejected(Verification.Outcome outcome) {
        registry.counter(DESIRED_STATES_REJECTED, "outcome", outcome.name()).increment();
    }

    public void resultNotPublished(String group) {
        registry.counter(NOT_PUBLISHED, "group", group).increment();
    }

    /**
     * The last permission check: every needed permission (missing 1, else 0) and every place (not known 1, else 0).
     * Rows of an earlier run that this one no longer has disappear.
     */
    public synchronized void permissionsChecked(java.time.Instant at, List<Permission> permissions,
            Map<String, Boolean> placesUnknown) {
        if (permissionMissing == null) {
            permissionMissing = MultiGauge.builder(PERMISSION_MISSING).register(registry);
            permissionUnknown = MultiGauge.builder(PERMISSION_UNKNOWN).register(registry);
            Gauge.builder(PERMISSION_CHECKED, permissionsChecked, AtomicReference::get).register(registry);
        }
        permissionMissing.register(permissions.stream().map(p -> MultiGauge.Row.of(Tags.of("place", p.place(), "action",
                p.action(), "resource", p.resource()), p.missing() ? 1 : 0)).toList(), true);
        permissionUnknown
                .register(placesUnknown.entrySet().stream().map(e -> MultiGauge.Row.of(Tags.of("place", e.getKey()),
                        e.getValue() ? 1 : 0)).toList(), true);
        permissionsChecked.set((double) at.getEpochSecond());
    }

    /** Registers the group's convergence gauges, read from {@code status} at scrape time. */
    /** The lease gauge ({@link #LEASE_HELD}). */
    public void trackLease(java.util.function.BooleanSupplier held) {
        Gauge.builder(LEASE_HELD, () -> held.getAsBoolean() ? 1 : 0).register(registry);
    }

    public void trackGroup(String group, Supplier<GroupStatus> status) {
        gauge(UNSERVED_SECONDS, group, status, s -> secondsSince(s.unservedSince()));
        gauge(UNSERVED_UNPLANNED_SECONDS, group, status, this::unservedOutsidePlannedHolds);
        gauge(SUPERSEDED, group, status, s -> s.convergence() instanceof Convergence.Superseded ? 1 : 0);
        gauge(CONVERGED, group, status, s -> s.convergence() instanceof Convergence.Converged ? 1 : 0);
        gauge(BLOCKED, group, status, s -> s.convergence() instanceof Convergence.Blocked ? 1 : 0);
        gauge(DRIFT, group, status, s -> s.convergence() instanceof Convergence.Drifted ? 1 : 0);
        gauge(ATTEMPTS, group, status, s -> s.convergence() instanceof Convergence.Converging c ? c.attempt() : 0);
        gauge(DESIRED_EPOCH, group, status, s -> s.desired() == null ? 0 : s.desired().epoch());
    }

    /**
     * Registers the data tier's gauges of a group whose targets have database nodes, read from {@code status} at scrape
     * time: each target's lag, writability and answer, the group's budget, hold and last promotion.
     */
    public void trackDatabases(FailoverGroup group, Supplier<GroupStatus> status) {
        List<Target> withNodes = group.targets().stream().filter(t -> t.database() != null).toList();
        if (withNodes.isEmpty()) {
            return;
        }
        for (Target target : withNodes) {
            nodeGauge(DATABASE_LAG, group.id(), target.id(), status, DataTier.Node::lagSeconds);
            nodeGauge(DATABASE_WRITABLE, group.id(), target.id(), status, n -> n.writable() ? 1 : 0);
            nodeGauge(DATABASE_ANSWERED, group.id(), target.id(), status, n -> n.answered() ? 1 : 0);
            // unknown is beyond any budget: +Inf, so that a "beyond budget" rule fires for it too
            exposureGauge(DATABASE_LOSS_EXPOSURE, group.id(), target.id(), status,
                    e -> e instanceof LossExposure.Window w
                            ? w.window().toMillis() / 1000.0
                            : e instanceof LossExposure.None ? 0 : Double.POSITIVE_INFINITY);
            exposureGauge(DATABASE_LOSS_EXPOSURE_KNOWN, group.id(), target.id(), status,
                    e -> e instanceof LossExposure.Unknown ? 0 : 1);
            Gauge.builder(DATABASE_UNFENCED, () -> status.get().dataTier().unfencedSincePromotion(target.id(),
                    clock.instant()).map(d -> d.toMillis() / 1000.0).orElse(0.0)).tags("group", group.id(), "target",
                            target.id())
                    .register(registry);
        }
        int budget = group.safety().maxDataLossSeconds();
        Gauge.builder(DATABASE_LOSS_BUDGET, () -> budget).tag("group", group.id()).register(registry);
        gauge(DATABASE_HELD, group.id(), status, s -> s.dataTier().heldSince() == null ? 0 : 1);
        gauge(DATABASE_SWITCH_REFUSED, group.id(), status, s -> s.dataTier().switchRefusedSince() == null ? 0 : 1);
        gauge(DATABASE_LAST_PROMOTION, group.id(), status, s -> s.dataTier().lastPromotion() == null ? Double.NaN
                : s.dataTier().lastPromotion().toMillis() / 1000.0);
    }

    /**
     * Registers the provider lanes' gauges of a group (ADR 0036), read from {@code lanes} at scrape time: each lane's
     * state and unserved seconds, for the lanes {@code lanes} lists now (a lane it no longer lists reads NaN), and the
     * group's disagreement and its bound.
     */
    public void trackLanes(String group, Supplier<LaneGauges> lanes) {
        for (LaneGauges.Lane lane : lanes.get().lanes()) {
            for (LaneState state : LaneState.values()) {
                laneGauge(LANE_STATE, group, lane, lanes, l -> l.state() == state ? 1 : 0).tag("state", state.name())
                        .register(registry);
            }
            laneGauge(LANE_UNSERVED_SECONDS, group, lane, lanes, l -> secondsSince(l.unservedSince()))
                    .register(registry);
        }
        Gauge.builder(LANES_DISAGREE_SECONDS, () -> secondsSince(lanes.get().disagreeSince())).tag("group", group)
                .register(registry);
        Gauge.builder(LANES_DISAGREE_BOUND, () -> lanes.get().bound().toMillis() / 1000.0).tag("group", group)
                .register(registry);
    }

    /** A gauge of one lane, tagged with its group, id and kind, as {@code value} says of it; NaN once it is not listed. */
    private Gauge.Builder<?> laneGauge(String name, String group, LaneGauges.Lane lane,
            Supplier<LaneGauges> lanes, ToDoubleFunction<LaneGauges.Lane> value) {
        return Gauge.builder(name, () -> lanes.get().lane(lane.id()).map(value::applyAsDouble).orElse(Double.NaN))
                .tags("group", group, "lane", lane.id(), "kind", lane.kind());
    }

    /** Seconds from {@code since} to now; 0 for none. */
    private double secondsSince(Instant since) {
        return since == null ? 0 : Duration.between(since, clock.instant()).toMillis() / 1000.0;
    }

    /** A replica target's loss exposure as {@code value} says; NaN for a target that is no replica or was not seen. */
    private void exposureGauge(String name, String group, String target, Supplier<GroupStatus> status,
            ToDoubleFunction<LossExposure> value) {
        Gauge.builder(name, () -> {
            LossExposure exposure = status.get().dataTier().exposures().get(target);
            return exposure == null ? Double.NaN : value.applyAsDouble(exposure);
        }).tags("group", group, "target", target).register(registry);
    }

    private void nodeGauge(String name, String group, String target, Supplier<GroupStatus> status,
            ToDoubleFunction<DataTier.Node> value) {
        Gauge.builder(name, () -> {
            DataTier.Node node = status.get().dataTier().nodes().get(target);
            return node == null ? Double.NaN : value.applyAsDouble(node);
        }).tags("group", group, "target", target).register(registry);
    }

    private double unservedOutsidePlannedHolds(GroupStatus status) {
        if (status.unservedSince() == null) {
            return 0;
        }
        Instant now = clock.instant();
        Instant held = status.heldUntil();
        if (held != null && now.isBefore(held)) {
            return 0;
        }
        Instant from = held != null && held.isAfter(status.unservedSince()) ? held : status.unservedSince();
        return Duration.between(from, now).toMillis() / 1000.0;
    }

    private void gauge(String name, String group, Supplier<GroupStatus> status,
            ToDoubleFunction<GroupStatus> value) {
        Gauge.builder(name, () -> value.applyAsDouble(status.get())).tag("group", group).register(registry);
    }
}
