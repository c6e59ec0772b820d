package dev.failover.contract.topology;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where traffic is switched: the group's record, each target's answer in it, ARC routing controls, Region switch plans,
 * and the resolvers that observe the switch.
 */
final class RecordChecks {

    static final Pattern ROUTE53_ZONE_ID = Pattern.compile("[A-Z0-9]{1,32}");
    private static final Pattern ROUTING_CONTROL_ARN = Pattern.compile(
            "arn:aws[a-z-]*:route53-recovery-control::\\d{12}:controlpanel/[A-Za-z0-9]+/routingcontrol/[A-Za-z0-9]+");
    private static final Pattern SAFETY_RULE_ARN = Pattern.compile(
            "arn:aws[a-z-]*:route53-recovery-control::\\d{12}:controlpanel/[A-Za-z0-9]+/safetyrule/[A-Za-z0-9]+");
    /** A Region switch plan's ARN, as AWS's API gives its pattern. */
    private static final Pattern REGION_SWITCH_PLAN_ARN = Pattern.compile(
            "arn:aws[a-zA-Z-]*:arc-region-switch::[0-9]{12}:plan/([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?):([a-z0-9]{6})");

    private final Findings f;

    RecordChecks(Findings f) {
        this.f = f;
    }

    void dnsRecord(String path, DnsRecord dns) {
        if (dns == null) {
            f.error(path, "is required");
            return;
        }
        boolean zoneOk = f.hostName(path + ".zone", dns.zone());
        boolean nameOk = f.hostName(path + ".name", dns.name());
        if (zoneOk && nameOk && !Findings.withinZone(dns.name(), dns.zone())) {
            f.error(path + ".name", "'" + dns.name() + "' is not inside zone '" + dns.zone() + "'");
        }
        if (dns.ttl() < 1 || dns.ttl() > 86_400) {
            f.error(path + ".ttl", "must be between 1 and 86400 seconds, was " + dns.ttl());
        }
        if (dns.hostedZoneId() != null && !ROUTE53_ZONE_ID.matcher(dns.hostedZoneId()).matches()) {
            f.error(path + ".hostedZoneId",
                    "'" + dns.hostedZoneId() + "' is not a Route 53 hosted zone id (like Z0123456789ABC)");
        }
    }

    void targetDns(String path, TargetDns dns, DnsRecord record) {
        if (dns == null) {
            f.error(path, "is required: the values (or alias) the record holds when this target is active");
            return;
        }
        boolean hasValues = !dns.values().isEmpty();
        if (hasValues == (dns.alias() != null)) {
            f.error(path, "needs exactly one of values or alias");
        }
        if (dns.alias() != null) {
            if (dns.alias().hostedZoneId() == null || !ROUTE53_ZONE_ID.matcher(dns.alias().hostedZoneId()).matches()) {
                f.error(path + ".alias.hostedZoneId", "is required and must be a Route 53 hosted zone id");
            }
            f.hostName(path + ".alias.dnsName", dns.alias().dnsName());
        }
        if (record == null) {
            return;
        }
        if (record.type() == RecordType.CNAME && dns.values().size() > 1) {
            f.error(path + ".values", "a CNAME record holds one name, got " + dns.values().size());
        }
        for (int i = 0; i < dns.values().size(); i++) {
            String value = dns.values().get(i);
            String vpath = path + ".values[" + i + "]";
            switch (record.type()) {
                case A -> {
                    if (!(Findings.parseIp(value) instanceof Inet4Address)) {
                        f.error(vpath, "'" + value + "' is not an IPv4 address (the record type is A)");
                    }
                }
                case AAAA -> {
                    if (!(Findings.parseIp(value) instanceof Inet6Address)) {
                        f.error(vpath, "'" + value + "' is not an IPv6 address (the record type is AAAA)");
                    }
                }
                case CNAME -> f.hostName(vpath, value);
            }
        }
    }

    void arc(String path, ArcRouting arc, FailoverGroup g) {
        for (Target target : g.targets()) {
            if (target == null || target.id() == null) {
                continue;
            }
            String arn = arc.routingControls().get(target.id());
            if (arn == null || arn.isBlank()) {
                f.error(path + ".routingControls." + target.id(),
                        "required: every target of the group needs its routing"
                                + " control ARN");
            } else if (!ROUTING_CONTROL_ARN.matcher(arn).matches()) {
                f.error(path + ".routingControls." + target.id(), "'" + arn + "' is not a routing control ARN"
                        + " (arn:aws:route53-recovery-control::<account>:controlpanel/<id>/routingcontrol/<id>)");
            }
        }
        Set<String> targets = new HashSet<>();
        g.targets().stream().filter(t -> t != null && t.id() != null).forEach(t -> targets.add(t.id()));
        arc.routingControls().keySet().stream().filter(t -> !targets.contains(t)).sorted().forEach(t -> f.error(
                path + ".routingControls." + t, "'" + t + "' is not a target of this group"));
        List<String> arns = arc.routingControls().values().stream().filter(a -> a != null && !a.isBlank()).toList();
        if (arns.stream().distinct().count() < arns.size()) {
            f.error(path + ".routingControls", "two targets share a routing control");
        }
        for (int i = 0; i < arc.breakGlassRules().size(); i++) {
            String rule = arc.breakGlassRules().get(i);
            if (rule == null || !SAFETY_RULE_ARN.matcher(rule).matches()) {
                f.error(path + ".breakGlassRules[" + i + "]", "'" + rule + "' is not a safety rule ARN"
                        + " (arn:aws:route53-recovery-control::<account>:controlpanel/<id>/safetyrule/<id>)");
            }
        }
    }

    void regionSwitch(String path, RegionSwitchPlan plan, FailoverGroup g) {
        if (plan.planArn() == null || plan.planArn().isBlank()) {
            f.error(path + ".planArn", "required: the Region switch plan's ARN");
        } else if (!REGION_SWITCH_PLAN_ARN.matcher(plan.planArn()).matches()) {
            f.error(path + ".planArn", "'" + plan.planArn() + "' is not a Region switch plan ARN"
                    + " (arn:aws:arc-region-switch::<account>:plan/<name>:<6-character suffix>)");
        }
        if (plan.roleArn() != null && !Findings.IAM_ROLE_ARN.matcher(plan.roleArn()).matches()) {
            f.error(path + ".roleArn", "'" + plan.roleArn() + "' is not an IAM role ARN");
        }
        Set<String> targets = new HashSet<>();
        g.targets().stream().filter(t -> t != null && t.id() != null).forEach(t -> targets.add(t.id()));
        new java.util.TreeMap<>(plan.regions()).forEach((target, region) -> {
            if (!targets.contains(target)) {
                f.error(path + ".regions." + target, "'" + target + "' is not a target of this group");
            } else if (region == null || !Findings.AWS_REGION_NAME.matcher(region).matches()) {
                f.error(path + ".regions." + target, "'" + region + "' is not an AWS region name (us-east-1)");
            }
        });
        for (int i = 0; i < g.targets().size(); i++) {
            Target target = g.targets().get(i);
            if (target != null && target.id() != null && !plan.regions().containsKey(target.id())
                    && target.region() != null
                    && !Findings.AWS_REGION_NAME.matcher(target.region()).matches()) {
                f.error(path + ".regions." + target.id(),
                        "required: target " + target.id() + "'s region '" + target.region()
                                + "' is not an AWS region, so the plan needs the region it activates for it");
            }
        }
    }

    /** Each location's resolvers (ADR 0026): a known location, names unique within it, a reachable address. */
    void observers(Topology t, Set<String> locations) {
        for (var entry : t.observers().entrySet()) {
            String path = "observers." + entry.getKey();
            if (!locations.contains(entry.getKey())) {
                f.error(path, "'" + entry.getKey() + "' is not one of the locations " + t.locations());
            }
            if (entry.getValue().isEmpty()) {
                f.error(path, "must name at least one resolver, or be left out");
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < entry.getValue().size(); i++) {
                Observer o = entry.getValue().get(i);
                String opath = path + "[" + i + "]";
                if (o == null) {
                    f.error(opath, "must not be empty");
                    continue;
                }
                if (f.id(opath + ".name", o.name()) && !names.add(o.name())) {
                    f.error(opath + ".name",
                            "duplicate resolver name '" + o.name() + "' in location " + entry.getKey());
                }
                f.host(opath + ".address", o.address(), "is required: the resolver's IP address or host name");
                f.port(opath + ".port", o.port());
            }
        }
    }

    /**
     * A dns probe must not resolve a record the plane fails over: it answers with the active target's values,
     * so a passive target probed by it is DOWN (UNEXPECTED_ANSWER) and never an eligible destination, and the active one
     * stays UP whatever it serves. Probe the target's own name (its regional endpoint) instead.
     */
    void dnsProbesOfFailoverRecords(Topology t) {
        Map<String, String> records = new HashMap<>();
        for (int i = 0; i < t.groups().size(); i++) {
            FailoverGroup group = t.groups().get(i);
            if (group != null && group.dns() != null && group.dns().name() != null) {
                records.putIfAbsent(Findings.absolute(group.dns().name()), group.id());
            }
        }
        for (int i = 0; i < t.groups().size(); i++) {
            FailoverGroup group = t.groups().get(i);
            for (int j = 0; group != null && j < group.targets().size(); j++) {
                Target target = group.targets().get(j);
                if (target == null) {
                    continue;
                }
                String tpath = "groups[" + i + "].targets[" + j + "]";
                failoverRecordProbed(tpath + ".probe", target.probe(), records);
                for (int k = 0; target.dependencies() != null && k < target.dependencies().size(); k++) {
                    Dependency dependency = target.dependencies().get(k);
                    if (dependency != null) {
                        failoverRecordProbed(tpath + ".dependencies[" + k + "].probe", dependency.probe(), records);
                    }
                }
            }
        }
    }

    void failoverRecordProbed(String path, ProbeSpec probe, Map<String, String> records) {
        if (probe instanceof DnsProbe dns && dns.name() != null && records.containsKey(Findings.absolute(dns.name()))) {
            f.error(path + ".name", "'" + dns.name() + "' is the record group "
                    + records.get(Findings.absolute(dns.name()))
                    + " fails over: it answers with the active target, so a passive target would be DOWN by it; probe"
                    + " the target's own name");
        }
    }

    /**
     * Whether two groups' records are one: the same name, in any case and with or without the trailing dot, whatever
     * the type and the weighted set identifiers, because the ownership mark ({@code _failover-owner.<name>}, ADR 0006)
     * is kept per name. Only two different Route 53 hosted zones (split horizon) hold two records of one name: an RFC
     * 2136 deployment updates one server, and a hosted zone id given on one side only says nothing of the other's.
     */
    static boolean sameRecord(DnsRecord a, DnsRecord b) {
        if (a.hostedZoneId() != null && b.hostedZoneId() != null && !a.hostedZoneId().equals(b.hostedZoneId())) {
            return false;
        }
        return Findings.absolute(a.name()).equals(Findings.absolute(b.name()));
    }

}
