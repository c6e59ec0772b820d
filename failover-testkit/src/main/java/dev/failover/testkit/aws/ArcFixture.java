package dev.failover.testkit.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.failover.testkit.aws.RecoveryCluster.State;

/**
 * A {@link RecoveryCluster} as a program, for the region benchmark ({@code DNS=arc scripts/bench-region.sh}): the
 * routing controls of a file on their control panels, five regional endpoints on loopback, ARC's quota of mutating
 * calls a second per endpoint. It prints its endpoints first ({@code endpoint <url>} five times, then {@code
 * control-config <url>}), then as they happen {@code served <epoch-ms> <name> <target>} when the only control of a
 * record that is On changes, and every second {@code stats <epoch-ms> requests=N throttled=N updates=N gets=N lists=N}
 * (updates: UpdateRoutingControlState(s) calls ARC applied; throttled: calls refused for the quota).
 * <p>
 * The file has one record per line: {@code NAME PANEL_ARN PRIMARY_CONTROL_ARN SECONDARY_CONTROL_ARN}; the primary's
 * control starts On, the secondary's Off.
 */
public final class ArcFixture {

    private ArcFixture() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ArcFixture MUTATING_CALLS_PER_SECOND CONTROLS_FILE");
            System.exit(2);
        }
        Map<String, Map<String, State>> panels = new LinkedHashMap<>();
        Map<String, Map<String, String>> records = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 4) {
                continue;
            }
            Map<String, State> controls = panels.computeIfAbsent(f[1], p -> new LinkedHashMap<>());
            controls.put(f[2], State.On);
            controls.put(f[3], State.Off);
            records.put(f[0], Map.of("primary", f[2], "secondary", f[3]));
        }
        RecoveryCluster cluster = RecoveryCluster.start(5, panels, "127.0.0.1")
                .mutatingCallsPerSecond(Integer.parseInt(args[0]));
        Map<String, String> served = new HashMap<>();
        records.keySet().forEach(name -> served.put(name, "primary"));
        cluster.watch((at, states) -> records.forEach((name, targets) -> {
            List<String> on = targets.entrySet().stream().filter(t -> states.get(t.getValue()) == State.On)
                    .map(Map.Entry::getKey).sorted().toList();
            String now = on.size() == 1 ? on.get(0) : on.isEmpty() ? "none" : "split";
            if (!now.equals(served.put(name, now))) {
                System.out.println("served " + at.toEpochMilli() + " " + name + " " + now);
            }
        }));
        cluster.endpoints().forEach(uri -> System.out.println("endpoint " + uri));
        System.out.println("control-config " + cluster.controlConfigEndpoint());
        var stats = Executors.newSingleThreadScheduledExecutor();
        stats.scheduleAtFixedRate(() -> {
            var calls = cluster.calls();
            System.out.println("stats " + System.currentTimeMillis() + " requests=" + calls.size() + " throttled="
                    + cluster.throttled() + " updates=" + calls.stream().filter(c -> c.status() == 200
                            && c.operation() != null && c.operation().startsWith("UpdateRoutingControlState")).count()
                    + " gets=" + calls.stream().filter(c -> "GetRoutingControlState".equals(c.operation())).count()
                    + " lists=" + calls.stream().filter(c -> "ListRoutingControls".equals(c.operation())).count());
        }, 1, 1, TimeUnit.SECONDS);
        System.out.println("arc fixture: " + records.size() + " records on " + panels.size() + " control panels, "
                + args[0] + " mutating calls a second per endpoint");
    }
}
