package dev.failover.actuator.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.failover.actuator.dns.Route53Settings.Routing;
import dev.failover.contract.topology.TargetDns;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.AliasTarget;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.Route53Exception;

/**
 * Route 53 through the AWS SDK v2. Weighted routing (default): every target of the group has its own record set
 * (SetIdentifier), the active one with weight {@code activeWeight} and the others 0, all in one ChangeBatch — never all 0,
 * which Route 53 would treat as an equal split. Simple routing: one UPSERT of the record. Verification waits for the
 * change to be INSYNC.
 */
public final class Route53DnsProvider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(Route53DnsProvider.class);
    /** Error codes that say "not now" rather than "never". */
    static final Set<String> PASSING = Set.of("Throttling", "ThrottlingException", "PriorRequestNotComplete",
            "ServiceUnavailable", "RequestTimeout", "InternalFailure", "InternalError");

    private final Route53Client client;
    private final Routing routing;
    private final long activeWeight;
    private final Duration pollInterval;
    private final List<Integer> failbackSteps;
    private final Duration stepPause;

    /** @param settings checked by the config resolver; the client is built from them too */
    public Route53DnsProvider(Route53Client client, Route53Settings settings) {
        this.client = client;
        this.routing = settings.routing();
        this.activeWeight = settings.activeWeight();
        this.pollInterval = settings.pollInterval();
        this.failbackSteps = settings.failbackSteps();
        this.stepPause = settings.failbackStepPause();
    }

    @Override
    public String name() {
        return "route53";
    }

    /** The ChangeBatch's changes, in the order they are sent, that give the new target {@code percent} of the traffic and the previous one the rest. */
    List<Change> changes(DnsChange change, int percent) {
        List<Change> changes = new ArrayList<>();
        if (routing == Routing.SIMPLE) {
            changes.add(upsert(change, null, null, change.values(), change.alias()));
            return changes;
        }
        long active = percent == 100 ? activeWeight : Math.max(1, Math.round(activeWeight * percent / 100.0));
        changes.add(upsert(change, change.setIdentifier(), active, change.values(), change.alias()));
        for (DnsChange.Inactive other : change.inactive()) {
            long weight = percent < 100 && other.target().equals(change.previous()) ? activeWeight - active : 0L;
            changes.add(upsert(change, other.setIdentifier(), weight, other.values(), other.alias()));
        }
        return changes;
    }

    private static Change upsert(DnsChange change, String setIdentifier, Long weight, List<String> values, TargetDns.Alias alias) {
        ResourceRecordSet.Builder set = ResourceRecordSet.builder().name(change.name()).type(change.type().name());
        if (setIdentifier != null) {
            set.setIdentifier(setIdentifier).weight(weight);
        }
        if (alias != null) {
            set.aliasTarget(AliasTarget.builder().hostedZoneId(alias.hostedZoneId()).dnsName(alias.dnsName())
                    .evaluateTargetHealth(alias.evaluateTargetHealth()).build());
        } else {
            set.ttl((long) change.ttl()).resourceRecords(values.stream().map(v -> ResourceRecord.builder().value(v).build()).toList());
        }
        return Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(set.build()).build();
    }

    @Override
    public ApplyOutcome apply(DnsChange change) {
        if (change.hostedZoneId() == null) {
            return new ApplyOutcome.Rejected("the group has no dns.hostedZoneId; Route 53 needs it");
        }
        if (change.previous() == null || routing == Routing.SIMPLE || failbackSteps.isEmpty()) {
            return send(change, 100);
        }
        // gradual failback: each step in sync, then a pause, before more traffic moves
        ApplyOutcome last = null;
        for (int step : failbackSteps) {
            last = send(change, step);
            if (!(last instanceof ApplyOutcome.Applied applied)) {
                return last;
            }
            if (step < 100) {
                VerifyOutcome synced = verify(change, applied, Duration.ofMinutes(5));
                if (!(synced instanceof VerifyOutcome.Verified)) {
                    return new ApplyOutcome.Unavailable("failback step " + step + " % not in sync: " + synced);
                }
                LOG.infof("failback of %s at %d %%; next step after %s", change.name(), step, stepPause);
                try {
                    Thread.sleep(stepPause.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new ApplyOutcome.Unavailable("interrupted during a failback step");
                }
            }
        }
        return last;
    }

    private ApplyOutcome send(DnsChange change, int percent) {
        try {
            ChangeInfo info = client.changeResourceRecordSets(r -> r.hostedZoneId(change.hostedZoneId()).changeBatch(b -> b
                    .comment("failover control plane: " + change.target() + " active" + (percent < 100 ? " at " + percent + " %" : ""))
                    .changes(changes(change, percent)))).changeInfo();
            String details = "Route 53 change " + info.id() + " (" + info.statusAsString() + ") in zone " + change.hostedZoneId()
                    + ": " + change.describe() + (routing == Routing.WEIGHTED ? (percent < 100 ? ", " + percent + " % of traffic"
                            : ", weight " + activeWeight + ", others 0") : "");
            LOG.info(details);
            return new ApplyOutcome.Applied(details, info.id());
        } catch (Route53Exception e) {
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? e.getClass().getSimpleName()
                    : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? e.getMessage()
                    : e.awsErrorDetails().errorMessage();
            String reason = code + " (HTTP " + e.statusCode() + "): " + message;
            return PASSING.contains(code) || e.statusCode() >= 500 ? new ApplyOutcome.Unavailable(reason)
                    : new ApplyOutcome.Rejected(reason);
        } catch (SdkClientException e) {
            return new ApplyOutcome.Unavailable("Route 53 not reached: " + e.getMessage());
        }
    }

    @Override
    public VerifyOutcome verify(DnsChange change, ApplyOutcome.Applied applied, Duration timeout) {
        if (applied.reference() == null) {
            return new VerifyOutcome.NotVerified("no change id to follow");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "unknown";
        int polls = 0;
        while (true) {
            try {
                polls++;
                ChangeInfo info = client.getChange(r -> r.id(applied.reference())).changeInfo();
                last = info.statusAsString();
                if (info.status() == ChangeStatus.INSYNC) {
                    return new VerifyOutcome.Verified("Route 53 change " + applied.reference() + " INSYNC after " + polls
                            + " GetChange calls");
                }
            } catch (Route53Exception | SdkClientException e) {
                last = "GetChange failed: " + e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                return new VerifyOutcome.NotVerified("Route 53 change " + applied.reference() + " still " + last + " after "
                        + timeout);
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new VerifyOutcome.NotVerified("interrupted");
            }
        }
    }
}
