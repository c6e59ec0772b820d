package dev.failover.decision.bench;

import java.util.ArrayList;
import java.util.List;

import dev.failover.contract.topology.DnsRecord;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.ProbeSpec;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.TargetDns;
import dev.failover.contract.topology.TcpProbe;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyValidator;

/** A large topology for benchmarks: {@code groups} groups of two targets each, probed from {@code locations} locations. */
final class BenchTopology {

    private BenchTopology() {
    }

    static Topology of(int groups, int locations, int intervalSeconds) {
        List<String> locs = new ArrayList<>();
        for (int l = 0; l < locations; l++) {
            locs.add("loc-" + l);
        }
        List<FailoverGroup> list = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            List<Target> targets = List.of(target("primary", "192.0.2.1", intervalSeconds),
                    target("secondary", "192.0.2.2",
                            intervalSeconds));
            DnsRecord record = new DnsRecord("bench.test.", "g" + g + ".bench.test.", null, 30, null, null, null, null,
                    null);
            list.add(new FailoverGroup("g-" + g, record, targets,
                    null, null, null, null, null, null, null, null));
        }
        Topology topology = new Topology(1, locs, list);
        var errors = TopologyValidator.validate(topology);
        if (!errors.isEmpty()) {
            throw new IllegalStateException(errors.toString());
        }
        return topology;
    }

    static String yaml(int groups, int locations, int intervalSeconds) {
        StringBuilder y = new StringBuilder("version: 1\nlocations: [");
        for (int l = 0; l < locations; l++) {
            y.append(l == 0 ? "" : ", ").append("loc-").append(l);
        }
        y.append("]\ngroups:\n");
        for (int g = 0; g < groups; g++) {
            y.append("  - id: g-").append(g).append("\n    dns: {zone: bench.test., name: g").append(g)
                    .append(".bench.test., ttl: 30}\n    targets:\n");
            for (String t : new String[] { "primary", "secondary" }) {
                y.append("      - {id: ").append(t)
                        .append(", region: r, probe: {type: tcp, host: 192.0.2.1, port: 443, ")
                        .append("intervalSeconds: ").append(intervalSeconds)
                        .append(", timeoutMillis: 1000}, dns: {values: [192.0.2.1]}}\n");
            }
        }
        return y.toString();
    }

    private static Target target(String id, String ip, int interval) {
        ProbeSpec probe = new TcpProbe(ip, 443, interval, null, 1000, null);
        return new Target(id, "r", probe, new TargetDns(List.of(ip), null, null), null, false, null,
                null);
    }
}
