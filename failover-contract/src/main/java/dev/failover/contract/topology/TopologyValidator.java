package dev.failover.contract.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Checks a bound topology and reports every problem with the path of its key, section by section. */
public final class TopologyValidator {

    private final Findings f = new Findings();
    private final ProbeChecks probes = new ProbeChecks(f);
    private final RecordChecks records = new RecordChecks(f);
    private final BackendChecks backends = new BackendChecks(f);
    private final ProviderChecks providers = new ProviderChecks(f);

    private TopologyValidator() {
    }

    public static List<TopologyError> validate(Topology topology) {
        TopologyValidator v = new TopologyValidator();
        v.topology(topology);
        return v.f.errors();
    }

    /** What makes a URL unfit for an http probe (it must be http or https, with a host); empty when it is fit. */
    public static Optional<String> httpUrlProblem(String url) {
        return ProbeChecks.httpUrlProblem(url);
    }

    private void topology(Topology t) {
        if (t.version() != Topology.FORMAT_VERSION) {
            f.error("version",
                    "unsupported version " + t.version() + ", this release reads version " + Topology.FORMAT_VERSION);
        }
        if (t.locations().isEmpty()) {
            f.error("locations", "must list at least one probing location");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < t.locations().size(); i++) {
            String location = t.locations().get(i);
            if (f.id("locations[" + i + "]", location) && !seen.add(location)) {
                f.error("locations[" + i + "]", "duplicate location '" + location + "'");
            }
        }
        if (t.groups().isEmpty()) {
            f.error("groups", "must define at least one failover group");
        }
        Map<String, DnsProviderKind> declared = providers.declared(t);
        Set<String> groupIds = new HashSet<>();
        for (int i = 0; i < t.groups().size(); i++) {
            String path = "groups[" + i + "]";
            FailoverGroup group = t.groups().get(i);
            if (group == null) {
                f.error(path, "must not be empty");
                continue;
            }
            if (f.id(path + ".id", group.id()) && !groupIds.add(group.id())) {
                f.error(path + ".id", "duplicate group id '" + group.id() + "'");
            }
            group(path, group, t.locations().size());
            providers.lanes(path, group, declared);
        }
        sharedResources(t);
        records.dnsProbesOfFailoverRecords(t);
        records.observers(t, seen);
        providers.observers(t, declared);
        topologySafety("safety", t.safety());
    }

    /**
     * Two targets on one scaled resource would scale it up and down against each other (a failback returning one to
     * pilot light while the other serves from it). Two groups on one DNS record would be actuated by different
     * instances (by the partition of their id) and write the record and its ownership mark against each other, each
     * taking the other's mark for a newer owner ({@link #sameRecord}).
     */
    private void sharedResources(Topology t) {
        Map<String, String> scaled = new HashMap<>();
        Map<String, String> databases = new HashMap<>();
        Map<String, String> fenceGroups = new HashMap<>();
        Map<String, String> routingControls = new HashMap<>();
        Map<String, String> plans = new HashMap<>();
        List<Integer> recorded = new ArrayList<>();
        for (int i = 0; i < t.groups().size(); i++) {
            FailoverGroup group = t.groups().get(i);
            if (group == null) {
                continue;
            }
            if (group.dns() != null && group.dns().name() != null && Findings.validHost(group.dns().name())) {
                for (int first : recorded) {
                    if (RecordChecks.sameRecord(t.groups().get(first).dns(), group.dns())) {
                        f.error("groups[" + i + "].dns.name", "is the record of groups[" + first + "].dns.name too: "
                                + "the two groups would write '" + group.dns().name()
                                + "' and its ownership mark against "
                                + "each other; give each group its own record");
                        break;
                    }
                }
                recorded.add(i);
            }
            if (group.arc() != null) {
                // two groups sharing a control could set it On and Off in one update (their writes are batched by
                // group, ADR 0022), or undo each other's switch
                for (var control : new java.util.TreeMap<>(group.arc().routingControls()).entrySet()) {
                    String cpath = "groups[" + i + "].arc.routingControls." + control.getKey();
                    String first = control.getValue() == null ? null
                            : routingControls.putIfAbsent(control.getValue(), cpath);
                    if (first != null && !first.startsWith("groups[" + i + "]")) {
                        f.error(cpath,
                                "is the routing control of " + first + " too: a routing control belongs to one group");
                    }
                }
            }
            if (group.regionSwitch() != null && group.regionSwitch().planArn() != null) {
                // one execution of a plan runs at a time, and each group's epochs are its own: two groups would cancel
                // or wait out each other's executions (ADR 0028)
                String first = plans.putIfAbsent(group.regionSwitch().planArn(),
                        "groups[" + i + "].regionSwitch.planArn");
                if (first != null) {
                    f.error("groups[" + i + "].regionSwitch.planArn",
                            "is the plan of " + first + " too: a Region switch plan "
                                    + "belongs to one group");
                }
            }
            for (int j = 0; j < group.targets().size(); j++) {
                Target target = group.targets().get(j);
                if (target != null && target.database() != null && target.database().node() != null) {
                    String dpath = "groups[" + i + "].targets[" + j + "].database";
                    String first = databases.putIfAbsent(target.database().node(), dpath);
                    if (first != null) {
                        f.error(dpath,
                                "is the database node of " + first + " too: one would be fenced when the other is"
                                        + " promoted; give each target its own node");
                    }
                    if (target.database() instanceof DatabaseRef.Rds rds && rds.fenceParameterGroup() != null) {
                        String group1 = fenceGroups
                                .putIfAbsent((rds.region() == null ? target.region() : rds.region()) + "/"
                                        + rds.fenceParameterGroup(), dpath + ".fenceParameterGroup");
                        if (group1 != null) {
                            f.error(dpath + ".fenceParameterGroup", "is " + group1
                                    + " too: fencing one instance would make"
                                    + " the other read-only with it; give each instance a parameter group of its own");
                        }
                    }
                }
                if (target == null || target.scaling() == null) {
                    continue;
                }
                String tpath = "groups[" + i + "].targets[" + j + "].scaling";
                String first = scaled.putIfAbsent(BackendChecks.scaledResource(target.scaling()), tpath);
                if (first != null) {
                    f.error(tpath, "scales the same " + target.scaling().kind().label() + " resource as " + first
                            + ": the two would scale it up and down against each other");
                }
            }
        }
    }

    private void group(String path, FailoverGroup g, int locationCount) {
        records.dnsRecord(path + ".dns", g.dns());
        if (g.targets().size() < 2) {
            f.error(path + ".targets", "needs at least two targets to fail over between, has " + g.targets().size());
        }
        Set<String> targetIds = new HashSet<>();
        int lastResorts = 0;
        for (int i = 0; i < g.targets().size(); i++) {
            String tpath = path + ".targets[" + i + "]";
            Target target = g.targets().get(i);
            if (target == null) {
                f.error(tpath, "must not be empty");
                continue;
            }
            if (f.id(tpath + ".id", target.id()) && !targetIds.add(target.id())) {
                f.error(tpath + ".id", "duplicate target id '" + target.id() + "' in this group");
            }
            if (target.isLastResort()) {
                lastResorts++;
                if (i != g.targets().size() - 1) {
                    f.error(tpath + ".lastResort", "the last-resort target must be the last in the list");
                }
                if (i == 0) {
                    f.error(tpath + ".lastResort", "the primary cannot be the last-resort target");
                }
            }
            target(tpath, target, g.dns());
        }
        if (lastResorts > 1) {
            f.error(path + ".targets", "at most one target may be the last resort, found " + lastResorts);
        }
        if (g.whenAllDown() == AllDownPolicy.LAST_RESORT && lastResorts == 0) {
            f.error(path + ".whenAllDown", "is last-resort but no target has lastResort: true");
        }
        probes.thresholds(path + ".thresholds", g.thresholds(), locationCount);
        if (g.failback().holdDownSeconds() < 0) {
            f.error(path + ".failback.holdDownSeconds", "must not be negative");
        }
        drill(path + ".drill", g.drill());
        if (g.drill().enabled() && g.drillMovesDatabaseOneWay()) {
            // a drill is a planned move there and back: the way back meets the fenced old primary (ADR 0020)
            f.error(path + ".drill.enabled",
                    "a scheduled drill would move the database one way: its end, back to the fenced"
                            + " old primary, is BLOCKED until that node is rebuilt as a replica (ADR 0020). Leave drills off for a"
                            + " group with postgres or rds database nodes (an Aurora global database switches back by itself)");
        }
        safety(path + ".safety", g.safety());
        if (g.arc() != null) {
            records.arc(path + ".arc", g.arc(), g);
        }
        if (g.regionSwitch() != null) {
            records.regionSwitch(path + ".regionSwitch", g.regionSwitch(), g);
        }
    }

    private void target(String path, Target t, DnsRecord record) {
        if (t.region() == null || t.region().isBlank()) {
            f.error(path + ".region", "is required");
        }
        probes.probe(path + ".probe", t.probe());
        records.targetDns(path + ".dns", t.dns(), record);
        if (t.scaling() != null) {
            backends.scaling(path + ".scaling", t.scaling());
        }
        if (t.database() != null) {
            backends.database(path + ".database", t.database());
        }
        probes.dependencies(path + ".dependencies", t.dependencies());
    }

    private void topologySafety(String path, TopologySafety s) {
        TopologySafety.CorrelatedFailure c = s.correlatedFailure();
        if (c.windowSeconds() < 1 || c.windowSeconds() > 3600) {
            f.error(path + ".correlatedFailure.windowSeconds", "must be between 1 and 3600, was " + c.windowSeconds());
        }
        if (c.maxRegions() < 1) {
            f.error(path + ".correlatedFailure.maxRegions",
                    "must be at least 1 (a single-region outage must fail over), was "
                            + c.maxRegions());
        }
        if (c.maxSharePercent() < 1 || c.maxSharePercent() > 100) {
            f.error(path + ".correlatedFailure.maxSharePercent",
                    "must be between 1 and 100, was " + c.maxSharePercent());
        }
        if (c.lastResortAfterSeconds() < 0 || c.lastResortAfterSeconds() > 600) {
            f.error(path + ".correlatedFailure.lastResortAfterSeconds", "must be between 0 and 600, was "
                    + c.lastResortAfterSeconds());
        }
        if (s.maxSwitchesPerDay() != null && s.maxSwitchesPerDay() < 1) {
            f.error(path + ".maxSwitchesPerDay", "must be at least 1, was " + s.maxSwitchesPerDay());
        }
    }

    private void safety(String path, Safety s) {
        if (s.maxDataLossSeconds() < 0 || s.maxDataLossSeconds() > 86_400) {
            f.error(path + ".maxDataLossSeconds", "must be between 0 and 86400 seconds, was " + s.maxDataLossSeconds());
        }
        if (s.maxSwitchesPerDay() < 1) {
            f.error(path + ".maxSwitchesPerDay", "must be at least 1, was " + s.maxSwitchesPerDay());
        }
        if (s.freshEvidenceIntervals() < 1 || s.freshEvidenceIntervals() > 10) {
            f.error(path + ".freshEvidenceIntervals", "must be between 1 and 10 probe intervals, was "
                    + s.freshEvidenceIntervals());
        }
        s.failureClasses().forEach((reason, failureClass) -> {
            if (failureClass == null) {
                f.error(path + ".failureClasses." + reason, "must be down or alert-only");
            }
        });
    }

    private void drill(String path, Drill d) {
        f.cron(path + ".cron", d.cron());
        for (int i = 0; i < d.blockedWindows().size(); i++) {
            f.cron(path + ".blockedWindows[" + i + "]", d.blockedWindows().get(i));
        }
        if (d.durationMinutes() < 1) {
            f.error(path + ".durationMinutes", "must be at least 1, was " + d.durationMinutes());
        }
        f.alertNames(path + ".blockingAlerts", d.blockingAlerts());
        f.alertNames(path + ".abortAlerts", d.abortAlerts());
    }

}
