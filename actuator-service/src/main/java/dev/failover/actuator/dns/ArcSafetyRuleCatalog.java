package dev.failover.actuator.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import software.amazon.awssdk.services.route53recoverycontrolconfig.Route53RecoveryControlConfigClient;
import software.amazon.awssdk.services.route53recoverycontrolconfig.model.RuleConfig;
import software.amazon.awssdk.services.route53recoverycontrolconfig.model.RuleType;
import software.amazon.awssdk.services.route53recoverycontrolconfig.model.Status;

/**
 * The safety rules of the control panels the ARC groups use, read with ListSafetyRules from ARC's
 * control-configuration API and kept in memory. That API is served from us-west-2 only, so it is never called on the
 * path of a switch: the rules are read at start and then every refresh period in the background, and a failed read
 * keeps the rules last read (their age is said wherever they are used). Until a panel's rules were read once, they are
 * {@link Rules.NotRead} and the provider cannot check a switch before it is made (ADR 0020).
 */
public final class ArcSafetyRuleCatalog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ArcSafetyRuleCatalog.class);

    /** What is known of one control panel's rules. */
    public sealed interface Rules {
        /** The panel's rules (those not being deleted), as read at {@code at}. */
        record Read(List<ArcSafetyRule> rules, Instant at) implements Rules {
            public Read {
                rules = List.copyOf(rules);
            }
        }

        /** Never read since this instance started, and why. */
        record NotRead(String reason) implements Rules {
        }
    }

    private final Optional<Route53RecoveryControlConfigClient> client;
    private final Set<String> panels;
    private final Clock clock;
    private final Map<String, Rules.Read> read = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;

    /**
     * @param client the control-configuration client, signed for us-west-2
     * @param panels the control panel ARNs whose rules are kept
     */
    public ArcSafetyRuleCatalog(Route53RecoveryControlConfigClient client, Set<String> panels, Clock clock) {
        this(Optional.of(client), panels, clock);
    }

    private ArcSafetyRuleCatalog(Optional<Route53RecoveryControlConfigClient> client, Set<String> panels, Clock clock) {
        this.client = client;
        this.panels = Set.copyOf(panels);
        this.clock = clock;
    }

    /** A catalog that reads nothing: every panel's rules are not read (a provider built without the API). */
    public static ArcSafetyRuleCatalog none() {
        return new ArcSafetyRuleCatalog(Optional.empty(), Set.of(), Clock.systemUTC());
    }

    /** The control panel a routing control (or safety rule) ARN belongs to: its ARN up to the panel's id. */
    public static String panelOf(String arn) {
        int cut = arn.indexOf('/', arn.indexOf("controlpanel/") + "controlpanel/".length());
        return cut < 0 ? arn : arn.substring(0, cut);
    }

    /** What is known of the panel's rules. */
    public Rules rules(String panel) {
        Rules.Read known = read.get(panel);
        if (known != null) {
            return known;
        }
        if (client.isEmpty()) {
            return new Rules.NotRead("this provider has no control-configuration client");
        }
        return new Rules.NotRead(failures.getOrDefault(panel, "not read yet since start"));
    }

    /** Reads every panel's rules now; a panel whose read fails keeps what was read before. */
    public void refresh() {
        client.ifPresent(c -> panels.forEach(panel -> {
            try {
                List<ArcSafetyRule> rules = new ArrayList<>();
                c.listSafetyRulesPaginator(r -> r.controlPanelArn(panel).maxResults(100)).safetyRules()
                        .forEach(rule -> {
                            if (rule.assertion() != null && rule.assertion().status() != Status.PENDING_DELETION) {
                                var a = rule.assertion();
                                rules.add(rule(a.safetyRuleArn(), a.name(), ArcSafetyRule.Kind.ASSERTION,
                                        a.assertedControls(),
                                        List.of(), a.ruleConfig()));
                            } else if (rule.gating() != null && rule.gating().status() != Status.PENDING_DELETION) {
                                var g = rule.gating();
                                rules.add(
                                        rule(g.safetyRuleArn(), g.name(), ArcSafetyRule.Kind.GATING, g.gatingControls(),
                                                g.targetControls(), g.ruleConfig()));
                            }
                        });
                Rules.Read now = new Rules.Read(rules, clock.instant());
                if (failures.remove(panel) != null || !read.containsKey(panel)) {
                    LOG.infof("ARC safety rules of %s read: %s", panel, rules);
                }
                read.put(panel, now);
            } catch (RuntimeException e) { // an SDK failure, or a rule it cannot evaluate: keep what was read
                String reason = "ListSafetyRules of " + panel + " failed: " + e.getMessage();
                if (!reason.equals(failures.put(panel, reason))) {
                    Rules.Read kept = read.get(panel);
                    LOG.warnf("%s; %s", reason, kept == null ? "no rules known: switches of its groups are not checked"
                            + " before a database moves" : "keeping the rules read at " + kept.at());
                }
            }
        }));
    }

    private static ArcSafetyRule rule(String arn, String name, ArcSafetyRule.Kind kind, List<String> controls,
            List<String> targets, RuleConfig config) {
        if (config == null || config.type() == null || config.type() == RuleType.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException("safety rule " + arn + " has a rule type this actuator cannot evaluate ("
                    + (config == null ? "none" : config.typeAsString()) + ")");
        }
        return new ArcSafetyRule(arn, name, kind, controls, targets, ArcSafetyRule.Type.valueOf(config.type().name()),
                config.threshold() == null ? 0 : config.threshold(), Boolean.TRUE.equals(config.inverted()));
    }

    /** Reads now and then every {@code every}, on a daemon thread of its own, until closed. */
    public synchronized void start(Duration every) {
        if (client.isEmpty() || scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "arc-safety-rules");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::refresh, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("ARC safety rules of %s read every %s", new TreeSet<>(panels), every);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        client.ifPresent(Route53RecoveryControlConfigClient::close);
    }
}
