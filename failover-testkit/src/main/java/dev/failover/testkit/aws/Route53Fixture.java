package dev.failover.testkit.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.failover.testkit.aws.Route53Zone.RecordSet;

/**
 * A {@link Route53Account} as a program, for the region benchmark ({@code scripts/bench-region.sh}): the hosted zones
 * and weighted record sets of a file, one endpoint, Route 53's per-account request limit. It prints, as they happen,
 * {@code served <epoch-ms> <name> <set-identifier>} when a record's whole weight moves to another set, and every
 * second {@code stats <epoch-ms> requests=N throttled=N changes=N lists=N getchanges=N}, after a line
 * {@code request <epoch-ms> METHOD PATH[?QUERY] [throttled]} for each request of that second.
 * <p>
 * The file has one record per line: {@code ZONE_ID NAME TTL SET_ID VALUE WEIGHT [SET_ID VALUE WEIGHT ...]}.
 */
public final class Route53Fixture {

    private Route53Fixture() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: Route53Fixture PORT REQUESTS_PER_SECOND RECORDS_FILE");
            System.exit(2);
        }
        Map<String, List<RecordSet>> byZone = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[2]))) {
            String[] f = line.trim().split("\\s+");
            if (line.isBlank() || f.length < 6 || (f.length - 3) % 3 != 0) {
                continue;
            }
            for (int i = 3; i < f.length; i += 3) {
                byZone.computeIfAbsent(f[0], z -> new ArrayList<>()).add(new RecordSet(f[1], "A", f[i],
                        Long.valueOf(f[i + 2]), Long.parseLong(f[2]), List.of(f[i + 1])));
            }
        }
        Route53Account account = Route53Account.start(Integer.parseInt(args[0]))
                .requestsPerSecond(Integer.parseInt(args[1]));
        Map<String, String> served = new HashMap<>();
        for (var zone : byZone.entrySet()) {
            Route53Zone z = account.zone(zone.getKey(), zone.getValue());
            z.watch(batch -> batch.upserts().stream().map(RecordSet::name).distinct().forEach(name -> {
                var whole = z.weights(name, "A").entrySet().stream()
                        .filter(w -> w.getValue() != null && w.getValue() > 0)
                        .map(Map.Entry::getKey).toList();
                String now = whole.size() == 1 ? whole.get(0) : "split";
                if (!now.equals(served.put(name, now))) {
                    System.out.println("served " + batch.at().toEpochMilli() + " " + name + " " + now);
                }
            }));
        }
        var stats = Executors.newSingleThreadScheduledExecutor();
        int[] printed = { 0 };
        stats.scheduleAtFixedRate(() -> {
            var requests = account.requests();
            for (var r : requests.subList(printed[0], requests.size())) {
                System.out.println("request " + r.at().toEpochMilli() + " " + r.method() + " " + r.path()
                        + (r.query() == null ? "" : "?" + r.query()) + (r.throttled() ? " throttled" : ""));
            }
            printed[0] = requests.size();
            System.out.println("stats " + System.currentTimeMillis() + " requests=" + requests.size() + " throttled="
                    + account.throttled() + " changes="
                    + requests.stream().filter(r -> r.method().equals("POST")).count()
                    + " lists="
                    + requests.stream().filter(r -> r.method().equals("GET") && r.path().endsWith("/rrset")).count()
                    + " getchanges=" + requests.stream().filter(r -> r.path().contains("/change/")).count());
        }, 1, 1, TimeUnit.SECONDS);
        System.out.println("route53 fixture listening on " + account.endpoint() + " with " + byZone.size() + " zones");
    }
}
