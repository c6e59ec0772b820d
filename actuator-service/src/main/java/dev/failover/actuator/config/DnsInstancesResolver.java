package dev.failover.actuator.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.utils.base64;

import dev.failover.actuator.dns.ArcSettings;
import dev.failover.actuator.dns.DnsInstances;
import dev.failover.actuator.dns.DnsSettings;
import dev.failover.actuator.dns.Rfc2136Settings;
import dev.failover.actuator.dns.Route53Settings;
import dev.failover.actuator.lease.LeaseTerms;
import dev.failover.contract.topology.DnsLane;
import dev.failover.contract.topology.DnsProviderDecl;
import dev.failover.contract.topology.DnsProviderKind;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;

/**
 * The DNS part of {@link ActuatorConfigResolver}: every provider instance (ADR 0036, "Configuration per provider
 * instance"), the instances {@code default} ({@code failover.dns.provider} and its keys) and {@code arc}
 * ({@code failover.dns.arc.*}) of the groups without {@code dns.providers}, and the named ones under
 * {@code failover.dns.providers.<id>.}. One method per kind checks that kind's keys under a prefix, for the old keys and
 * each named instance alike, so that every error names the full key.
 */
final class DnsInstancesResolver {

    static final String PROVIDER = "failover.dns.provider";
    static final String PROVIDERS = "failover.dns.providers.";
    private static final String RFC2136 = "failover.dns.rfc2136.";
    private static final String ROUTE53 = "failover.dns.route53.";
    private static final String ARC = "failover.dns.arc.";
    private static final List<String> FALLBACK_KINDS = List.of("dry-run", "rfc2136", "route53");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Pattern ROLE = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/\\S+");
    private static final Pattern SECONDARY = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]\\s]+)(?::(\\d{1,5}))?");

    private final BiConsumer<String, String> error;
    private final LeaseTerms lease;

    /**
     * @param error where each problem goes, by its key
     * @param lease the decisions consumer's lease, whose margin an ARC endpoint's call must fit
     */
    DnsInstancesResolver(BiConsumer<String, String> error, LeaseTerms lease) {
        this.error = error;
        this.lease = lease;
    }

    /**
     * @param topology  null when it has errors of its own: then only the settings themselves are checked
     * @param ownRegion this actuator's region, where a Route 53 instance's role is assumed unless it names one
     */
    DnsInstances resolve(ActuatorConfig.Dns dns, Topology topology, Optional<String> ownRegion) {
        Duration callTimeout = positive("failover.dns.call-timeout", dns.callTimeout());
        DnsSettings fallback = fallback(dns, topology, callTimeout);
        ArcSettings arc = oldArc(dns.arc(), topology);
        Map<String, DnsSettings> named = named(dns, topology, callTimeout, ownRegion);
        Map<String, DnsSettings> all = new LinkedHashMap<>();
        all.put(DnsInstances.DEFAULT, fallback);
        all.putAll(named);
        oneServerEach(named);
        oneBudgetPerAccount(all);
        return new DnsInstances(fallback, arc, named);
    }

    /** The instance {@code default}: {@code failover.dns.provider} and its kind's keys, for the groups without providers. */
    private DnsSettings fallback(ActuatorConfig.Dns dns, Topology topology, Duration callTimeout) {
        String provider = dns.provider().trim().toLowerCase(Locale.ROOT).replace('_', '-');
        List<Integer> groups = withoutProviders(topology);
        return switch (provider) {
            case "dry-run" -> new DnsSettings.DryRun();
            case "rfc2136" -> {
                String when = "required when " + PROVIDER + "=rfc2136";
                Optional<String> secret = dns.rfc2136().tsigSecret().filter(s -> !s.isBlank());
                if (secret.isEmpty()) {
                    error.accept(RFC2136 + "tsig-secret", when);
                }
                Rfc2136Settings settings = rfc2136(RFC2136, dns.rfc2136(), RFC2136 + "tsig-secret", secret.orElse(null),
                        when,
                        callTimeout);
                for (int g : groups) {
                    List<Target> targets = topology.groups().get(g).targets();
                    for (int t = 0; t < targets.size(); t++) {
                        if (targets.get(t).dns() != null && targets.get(t).dns().alias() != null) {
                            error.accept("groups[" + g + "].targets[" + t + "].dns.alias",
                                    "alias targets are a Route 53 feature; " + PROVIDER + "=rfc2136");
                        }
                    }
                }
                yield settings;
            }
            case "route53" -> {
                Route53Settings settings = route53(ROUTE53, dns.route53(), DnsInstances.DEFAULT, Optional.empty(),
                        callTimeout, groups.stream().map(g -> topology.groups().get(g)).toList());
                for (int g : groups) {
                    if (topology.groups().get(g).dns().hostedZoneId() == null) {
                        error.accept("groups[" + g + "].dns.hostedZoneId", "required when " + PROVIDER + "=route53");
                    }
                }
                yield settings;
            }
            case "route53-arc" -> {
                error.accept(PROVIDER,
                        "route53-arc is chosen per group: give the group an arc key with its routing controls"
                                + " in the topology (groups[].arc, docs/aws-arc.md) and keep " + PROVIDER
                                + " for the other groups");
                yield null;
            }
            default -> {
                error.accept(PROVIDER, "'" + dns.provider() + "' is not one of " + String.join(", ", FALLBACK_KINDS));
                yield null;
            }
        };
    }

    /**
     * The instance {@code arc}: the groups without providers that have an {@code arc} key (validated with it: a control
     * for every target, each in one group) and {@code failover.dns.arc.*}, needed when there is any.
     */
    private ArcSettings oldArc(ActuatorConfig.Arc arc, Topology topology) {
        Map<String, ArcSettings.Group> groups = new LinkedHashMap<>();
        String first = null;
        for (int g : withoutProviders(topology)) {
            FailoverGroup group = topology.groups().get(g);
            if (group.arc() != null) {
                groups.put(group.id(),
                        new ArcSettings.Group(group.arc().routingControls(), group.arc().breakGlassRules()));
                first = first == null ? "groups[" + g + "].arc" : first;
            }
        }
        if (groups.isEmpty()) {
            return ArcSettings.none();
        }
        return arc(ARC, arc, groups, "the topology switches a group with routing controls (" + first + ")");
    }

    /**
     * The named instances: each id a group's {@code dns.providers} names is configured with the topology's kind, and
     * no other id is, since a credential for a provider no group names is a mistake.
     */
    private Map<String, DnsSettings> named(ActuatorConfig.Dns dns, Topology topology, Duration callTimeout,
            Optional<String> ownRegion) {
        Map<String, String> namedAt = namedAt(topology);
        Map<String, DnsSettings> named = new TreeMap<>();
        new TreeMap<>(dns.providers()).forEach((id, provider) -> {
            String prefix = PROVIDERS + id + ".";
            DnsProviderKind kind = kind(prefix, id, provider.kind(), topology, namedAt);
            if (kind == null) {
                return;
            }
            Duration timeout = provider.callTimeout().map(t -> positive(prefix + "call-timeout", t))
                    .orElse(callTimeout);
            List<FailoverGroup> groups = topology == null ? List.of() : topology.groups().stream()
                    .filter(g -> g.dns().providers().stream().anyMatch(l -> id.equals(l.provider()))).toList();
            DnsSettings settings = switch (kind) {
                case RFC2136 -> namedRfc2136(prefix, provider, timeout);
                case ROUTE53 ->
                    route53(prefix, provider.route53(), id, role(prefix, provider, ownRegion), timeout, groups);
                case ROUTE53_ARC -> {
                    Map<String, ArcSettings.Group> controls = new LinkedHashMap<>();
                    groups.stream().filter(g -> g.arc() != null).forEach(g -> controls.put(g.id(),
                            new ArcSettings.Group(g.arc().routingControls(), g.arc().breakGlassRules())));
                    yield arc(prefix, provider.arc(), controls, prefix + "kind=route53-arc");
                }
            };
            named.put(id, settings);
        });
        namedAt.forEach((id, path) -> {
            if (!dns.providers().containsKey(id)) {
                error.accept(PROVIDERS + id + ".kind", "required: " + path + " names provider '" + id + "' ("
                        + name(topology.dnsProvider(id).map(DnsProviderDecl::kind).orElse(null)) + " in the topology's"
                        + " dnsProviders); its settings go under " + PROVIDERS + id + ".*");
            }
        });
        return named;
    }

    /** Each provider id a group names, with the first lane that names it. */
    private static Map<String, String> namedAt(Topology topology) {
        Map<String, String> namedAt = new TreeMap<>();
        if (topology == null) {
            return namedAt;
        }
        for (int g = 0; g < topology.groups().size(); g++) {
            List<DnsLane> lanes = topology.groups().get(g).dns().providers();
            for (int l = 0; l < lanes.size(); l++) {
                namedAt.putIfAbsent(lanes.get(l).provider(), "groups[" + g + "].dns.providers[" + l + "]");
            }
        }
        return namedAt;
    }

    /**
     * The configured kind of a named instance: one of the three, the topology's for its id, and of an id a group names.
     * Null when there is none to check the instance's keys by, or they are not wanted at all.
     */
    private DnsProviderKind kind(String prefix, String id, Optional<String> configured, Topology topology,
            Map<String, String> namedAt) {
        String key = prefix + "kind";
        if (DnsInstances.DEFAULT.equals(id) || DnsInstances.ARC.equals(id)) {
            error.accept(key,
                    "'" + id + "' is the instance of " + (DnsInstances.DEFAULT.equals(id) ? PROVIDER + "'s keys"
                            : ARC + "*") + ", for the groups without dns.providers: give the provider another id in the"
                            + " topology's dnsProviders");
            return null;
        }
        Optional<DnsProviderKind> declared = topology == null ? Optional.empty()
                : topology.dnsProvider(id).map(DnsProviderDecl::kind);
        String value = configured.map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        if (value == null) {
            error.accept(key, "required: route53, rfc2136 or route53-arc" + declared.map(k -> ", as the topology's"
                    + " dnsProviders give '" + id + "': " + name(k)).orElse(""));
            return null;
        }
        DnsProviderKind kind = null;
        for (DnsProviderKind k : DnsProviderKind.values()) {
            if (name(k).equals(value.toLowerCase(Locale.ROOT))) {
                kind = k;
            }
        }
        if (kind == null) {
            error.accept(key, "'" + value + "' is not one of route53, rfc2136, route53-arc");
            return null;
        }
        if (topology != null && !namedAt.containsKey(id)) {
            error.accept(key,
                    "no group names provider '" + id + "' in its dns.providers: a credential for a provider no"
                            + " group names is a mistake; remove " + prefix + "*");
            return null; // its other keys go with it
        }
        if (declared.isPresent() && declared.get() != kind) {
            error.accept(key, "is " + name(kind) + ", but the topology's dnsProviders give '" + id + "' the kind "
                    + name(declared.get()));
        }
        return kind;
    }

    /** A kind as the topology and the keys spell it. */
    private static String name(DnsProviderKind kind) {
        return kind == null ? "no kind" : kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A named rfc2136 instance's TSIG secret is in a file: a secret per id, mounted per region (ADR 0036). */
    private Rfc2136Settings namedRfc2136(String prefix, ActuatorConfig.Provider provider, Duration callTimeout) {
        String when = "required when " + prefix + "kind=rfc2136";
        provider.rfc2136().tsigSecret().ifPresent(s -> error.accept(prefix + "tsig-secret", "is not read for a provider"
                + " instance: give the secret in a file, " + prefix
                + "tsig-secret-file (the value itself is not shown)"));
        String key = prefix + "tsig-secret-file";
        String secret = null;
        if (provider.tsigSecretFile().isEmpty()) {
            error.accept(key, when);
        } else {
            secret = secret(key, provider.tsigSecretFile().get());
        }
        return rfc2136(prefix, provider.rfc2136(), key, secret, when, callTimeout);
    }

    private String secret(String key, Path file) {
        try {
            return java.nio.file.Files.readString(file).strip();
        } catch (java.io.IOException e) {
            error.accept(key, "cannot read " + file);
            return null;
        }
    }

    /**
     * The keys of an rfc2136 instance under {@code prefix}.
     *
     * @param secretKey the key the secret came from, named when it is not base64
     * @param secret    the TSIG secret; null when missing or unreadable (reported by the caller)
     * @param when      why the required keys are required, e.g. "required when failover.dns.provider=rfc2136"
     */
    private Rfc2136Settings rfc2136(String prefix, ActuatorConfig.Rfc2136 rfc, String secretKey, String secret,
            String when,
            Duration callTimeout) {
        String server = rfc.server().filter(s -> !s.isBlank()).orElse(null);
        if (server == null) {
            error.accept(prefix + "server", when);
        }
        if (rfc.port() < 1 || rfc.port() > 65535) {
            error.accept(prefix + "port", "must be between 1 and 65535, was " + rfc.port());
        }
        String keyName = rfc.tsigKeyName().filter(s -> !s.isBlank()).orElse(null);
        if (keyName == null) {
            error.accept(prefix + "tsig-key-name", when);
        } else {
            try {
                Name.fromString(keyName, Name.root);
            } catch (TextParseException e) {
                error.accept(prefix + "tsig-key-name", "'" + keyName + "' is not a DNS name");
            }
        }
        try {
            TSIG.algorithmToName(rfc.tsigAlgorithm());
        } catch (IllegalArgumentException e) {
            error.accept(prefix + "tsig-algorithm", "'" + rfc.tsigAlgorithm()
                    + "' is not a TSIG algorithm (hmac-sha256, hmac-sha512, hmac-sha1, ...)");
        }
        if (secret != null && base64.fromString(secret) == null) {
            error.accept(secretKey, "is not base64 (the value itself is not shown)");
        }
        List<Rfc2136Settings.Server> secondaries = new ArrayList<>();
        rfc.secondaries().orElse(List.of()).forEach(entry -> secondary(entry).ifPresentOrElse(secondaries::add,
                () -> error.accept(prefix + "secondaries", "'" + entry + "' is not host, host:port or [address]:port "
                        + "with a port between 1 and 65535")));
        return new Rfc2136Settings(server, rfc.port(), keyName, rfc.tsigAlgorithm(), secret, callTimeout, secondaries);
    }

    private static Optional<Rfc2136Settings.Server> secondary(String entry) {
        java.util.regex.Matcher m = SECONDARY.matcher(entry.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
        int port = m.group(2) == null ? 53 : Integer.parseInt(m.group(2));
        return port < 1 || port > 65535 ? Optional.empty() : Optional.of(new Rfc2136Settings.Server(host, port));
    }

    /**
     * A named Route 53 instance's role, assumed through its own region's STS (default this actuator's), so that losing
     * a region loses no other region's credentials (ADR 0036).
     */
    private Optional<Route53Settings.AssumedRole> role(String prefix, ActuatorConfig.Provider provider,
            Optional<String> ownRegion) {
        Optional<String> role = provider.roleArn().filter(r -> !r.isBlank());
        role.filter(r -> !ROLE.matcher(r).matches())
                .ifPresent(r -> error.accept(prefix + "role-arn", "'" + r + "' is not an IAM role ARN"));
        Optional<String> region = provider.stsRegion().filter(r -> !r.isBlank());
        region.filter(r -> !REGION.matcher(r).matches())
                .ifPresent(r -> error.accept(prefix + "sts-region", "'" + r + "' is not an AWS region name"));
        region = region.or(() -> ownRegion);
        if (role.isEmpty()) {
            return Optional.empty();
        }
        if (region.isEmpty()) {
            error.accept(prefix + "sts-region", "required with " + prefix + "role-arn when failover.region is not set:"
                    + " the region whose STS assumes the role");
            return Optional.empty();
        }
        return Optional.of(new Route53Settings.AssumedRole(role.get(), region.get()));
    }

    /**
     * The keys of a Route 53 instance under {@code prefix}.
     *
     * @param account the budget's account when {@code budget.account} is not set: the instance's id
     * @param writes  the groups whose records the instance writes, whose writes a stepped failback would split
     */
    private Route53Settings route53(String prefix, ActuatorConfig.Route53 r53, String account,
            Optional<Route53Settings.AssumedRole> role, Duration callTimeout, List<FailoverGroup> writes) {
        Route53Settings.Routing routing = null;
        try {
            routing = Route53Settings.Routing.valueOf(r53.routing().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            error.accept(prefix + "routing", "'" + r53.routing() + "' is not one of weighted, simple");
        }
        Route53Settings.TakeOver takeOver = null;
        try {
            takeOver = Route53Settings.TakeOver.valueOf(r53.takeOver().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            error.accept(prefix + "take-over", "'" + r53.takeOver() + "' is not one of refuse, replace");
        }
        if (r53.activeWeight() < 1 || r53.activeWeight() > 255) {
            error.accept(prefix + "active-weight", "must be between 1 and 255, was " + r53.activeWeight());
        }
        List<Integer> steps = r53.failbackSteps().orElse(List.of());
        for (int i = 0; i < steps.size(); i++) {
            int step = steps.get(i);
            if (step < 1 || step > 100 || (i > 0 && step <= steps.get(i - 1))
                    || (i == steps.size() - 1 && step != 100)) {
                error.accept(prefix + "failback-steps", "must rise from 1 to 100 and end at 100, was " + steps);
                break;
            }
        }
        if (!steps.isEmpty()) {
            // one writer per group (ADR 0020): a stepped failback sends part of the traffic to each region's application,
            // and one of them writes to a node that is fenced or a replica
            writes.stream().filter(g -> g.targets().stream().anyMatch(t -> t != null && t.database() != null))
                    .findFirst().ifPresent(g -> error.accept(prefix + "failback-steps", "a stepped failback would split"
                            + " the writes of the group " + g.id()
                            + " between two regions' applications while one database"
                            + " node takes them; leave failback-steps unset while groups name database nodes"));
        }
        if (r53.failbackStepPause().isNegative()) {
            error.accept(prefix + "failback-step-pause", "must not be negative, was " + r53.failbackStepPause());
        }
        if (r53.region().isBlank()) {
            error.accept(prefix + "region", "must not be blank");
        }
        boolean budgetValid = budgetValid(prefix + "budget.", r53.budget());
        return new Route53Settings(routing, r53.activeWeight(), steps, r53.failbackStepPause(), r53.region(),
                r53.endpointOverride(), callTimeout, new Route53Settings.Account(r53.budget().account()
                        .filter(a -> !a.isBlank()).orElse(account),
                        budgetValid ? r53.budget().accountRequestsPerSecond()
                                : Route53Settings.DEFAULT_REQUESTS_PER_SECOND,
                        budgetValid ? r53.budget().instances() : 1),
                takeOver, role);
    }

    /**
     * Route 53 answers more than five calls a second per account with Throttling, whatever else is asked: the account's
     * budget for all actuators, which an instance spends alone while the others are quiet and shares with them once
     * Route 53 throttles (ADR 0022).
     */
    private boolean budgetValid(String key, ActuatorConfig.Route53Budget budget) {
        budget.requestsPerSecond()
                .ifPresent(old -> error.accept(key + "requests-per-second", "is no longer read: a budget"
                        + " per instance adds up past the account's 5 a second as instances are added; set " + key
                        + "account-requests-per-second (the account's, default 4) and " + key
                        + "instances (the actuators sharing it)"));
        double rate = budget.accountRequestsPerSecond();
        boolean valid = true;
        if (!(rate > 0 && rate <= 5)) {
            error.accept(key + "account-requests-per-second",
                    "must be above 0 and at most 5 (Route 53 allows 5 a second"
                            + " per account, for all its actuators and tools together), was " + rate);
            valid = false;
        }
        if (budget.instances() < 1) {
            error.accept(key + "instances",
                    "must be at least 1 (every actuator instance whose Route 53 calls count against"
                            + " the account), was " + budget.instances());
            valid = false;
        }
        return valid;
    }

    /**
     * The keys of an ARC cluster under {@code prefix}, for {@code groups}' routing controls: its endpoints (each signed
     * for its region), the per-endpoint timeout within the lease's margin, the role.
     *
     * @param why what makes the endpoints required, e.g. "the topology switches a group with routing controls (...)"
     */
    private ArcSettings arc(String prefix, ActuatorConfig.Arc arc, Map<String, ArcSettings.Group> groups, String why) {
        List<ArcSettings.Endpoint> endpoints = new ArrayList<>();
        if (arc.endpoints().isEmpty()) {
            error.accept(prefix + "endpoints", "required when " + why + ": the cluster's regional endpoints, by region"
                    + " (e.g. " + prefix + "endpoints.us-west-2=https://host-aaaa.us-west-2.example.com/v1)");
        }
        new TreeMap<>(arc.endpoints()).forEach((region, url) -> {
            if (!REGION.matcher(region).matches()) {
                error.accept(prefix + "endpoints." + region, "'" + region
                        + "' is not an AWS region name (the endpoint is signed for it)");
            } else if (url.getScheme() == null || !(url.getScheme().equals("https") || url.getScheme().equals("http"))
                    || url.getHost() == null) {
                error.accept(prefix + "endpoints." + region, "'" + url + "' is not an http(s) URL");
            } else {
                endpoints.add(new ArcSettings.Endpoint(region, url));
            }
        });
        Duration timeout = positive(prefix + "endpoint-timeout", arc.endpointTimeout());
        if (timeout.compareTo(lease.margin()) > 0) {
            // the lease is asked before each endpoint's call: the call must land within the lease's margin
            error.accept(prefix + "endpoint-timeout",
                    "must be at most " + lease.margin() + ", the lease's margin (half of "
                            + LeaseTerms.SESSION_KEY + "), was " + timeout
                            + ": an update sent that long after the lease held could"
                            + " land after another actuator took the group over (ADR 0006)");
        }
        arc.roleArn().filter(r -> !ROLE.matcher(r).matches())
                .ifPresent(r -> error.accept(prefix + "role-arn", "'" + r + "' is not an IAM role ARN"));
        Duration refresh = positive(prefix + "safety-rules-refresh", arc.safetyRulesRefresh());
        return new ArcSettings(endpoints, timeout, groups, arc.roleArn(), arc.stsEndpointOverride(), refresh,
                arc.controlConfigEndpointOverride());
    }

    /**
     * No two rfc2136 instances on one server and port: one zone on two independent primaries is the point of two; on
     * one server it is one record written twice (ADR 0036).
     */
    private void oneServerEach(Map<String, DnsSettings> named) {
        Map<String, String> byServer = new TreeMap<>();
        named.forEach((id, settings) -> {
            if (settings instanceof Rfc2136Settings rfc && rfc.server() != null) {
                String server = rfc.server().toLowerCase(Locale.ROOT) + ":" + rfc.port();
                String other = byServer.putIfAbsent(server, id);
                if (other != null) {
                    error.accept(PROVIDERS + id + ".server", "'" + server + "' is " + PROVIDERS + other
                            + "'s server too:"
                            + " two providers on one server write one record twice; two rfc2136 providers are two"
                            + " independent primaries of the zone (ADR 0036)");
                }
            }
        });
    }

    /**
     * The Route 53 instances of one {@code budget.account} share its requests per second in this actuator (ADR 0022): they
     * must say the same budget.
     */
    private void oneBudgetPerAccount(Map<String, DnsSettings> instances) {
        Map<String, String> first = new TreeMap<>();
        instances.forEach((id, settings) -> {
            if (!(settings instanceof Route53Settings r53)) {
                return;
            }
            String other = first.putIfAbsent(r53.account().name(), id);
            if (other == null) {
                return;
            }
            Route53Settings shared = (Route53Settings) instances.get(other);
            String key = budgetPrefix(id);
            String sharedKey = budgetPrefix(other);
            if (shared.account().requestsPerSecond() != r53.account().requestsPerSecond()) {
                error.accept(key + "account-requests-per-second", "is " + r53.account().requestsPerSecond() + ", but "
                        + sharedKey + "account-requests-per-second of the same account '" + r53.account().name()
                        + "' is "
                        + shared.account().requestsPerSecond()
                        + ": one account's instances share one budget (ADR 0022)");
            }
            if (shared.account().instances() != r53.account().instances()) {
                error.accept(key + "instances",
                        "is " + r53.account().instances() + ", but " + sharedKey + "instances of the same"
                                + " account '" + r53.account().name() + "' is " + shared.account().instances()
                                + ": one account's instances"
                                + " share one budget (ADR 0022)");
            }
        });
    }

    private static String budgetPrefix(String id) {
        return (DnsInstances.DEFAULT.equals(id) ? ROUTE53 : PROVIDERS + id + ".") + "budget.";
    }

    /** The indexes of the groups without {@code dns.providers}: the instances {@code default} and {@code arc} write them. */
    private static List<Integer> withoutProviders(Topology topology) {
        List<Integer> groups = new ArrayList<>();
        if (topology != null) {
            for (int g = 0; g < topology.groups().size(); g++) {
                if (topology.groups().get(g).dns().providers().isEmpty()) {
                    groups.add(g);
                }
            }
        }
        return groups;
    }

    private Duration positive(String key, Duration value) {
        return ActuatorConfigResolver.positive(error, key, value);
    }
}
