package dev.failover.testkit.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.naming.Context;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.InitialDirContext;

import dev.failover.testkit.db.WritingClient;

/**
 * The demo's write-heavy client ({@code scripts/demo.sh --data-tier}): writes rows without pause to the database of the
 * region that the service's DNS record names now, asking the local DNS server before every write (JNDI's DNS provider,
 * no cache), as an application in each region writes to its own region's database. Prints its progress once a second;
 * when stopped (SIGTERM) it prints how long writes failed and whether every acknowledged row is on the node it writes to
 * now, as one RESULT line. The PostgreSQL driver comes from the class path.
 *
 * <pre>java -cp failover-testkit.jar:postgresql.jar dev.failover.testkit.demo.DemoWriter DNS_PORT NAME USER IP=JDBC_URL...</pre>
 */
public final class DemoWriter {

    private DemoWriter() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: DemoWriter DNS_PORT NAME USER IP=JDBC_URL...");
            System.exit(2);
        }
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put(Context.PROVIDER_URL, "dns://127.0.0.1:" + Integer.parseInt(args[0]));
        env.put("com.sun.jndi.dns.timeout.initial", "500");
        env.put("com.sun.jndi.dns.timeout.retries", "1");
        String name = args[1];
        String user = args[2];
        Map<String, String> byAddress = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            byAddress.put(pair[0], pair[1]);
        }
        WritingClient.Route route = () -> {
            String address = answer(env, name);
            String url = byAddress.get(address);
            if (url == null) {
                throw new IllegalStateException(name + " answers " + address + ", which is no region's database");
            }
            return url;
        };
        Instant started = Instant.now();
        WritingClient client = new WritingClient(route, user).start();
        Thread reporter = new Thread(() -> report(client, started), "demo-writer-report");
        reporter.setDaemon(true);
        reporter.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> summary(client, user), "demo-writer-summary"));
        Thread.currentThread().join(); // until SIGTERM
    }

    private static String answer(Hashtable<String, String> env, String name) throws NamingException {
        InitialDirContext dns = new InitialDirContext(env);
        try {
            Attribute a = dns.getAttributes(name, new String[] { "A" }).get("A");
            if (a == null || a.size() == 0) {
                throw new NamingException(name + ": no A record");
            }
            return (String) a.get(0);
        } finally {
            dns.close();
        }
    }

    private static void report(WritingClient client, Instant started) {
        int before = 0;
        while (true) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            int now = client.acknowledgedCount();
            System.out.printf(Locale.ROOT, "[writer t+%4.0fs] %d rows acknowledged (+%d in the last second)%s%n",
                    Duration.between(started, Instant.now()).toMillis() / 1000.0, now, now - before,
                    client.lastUrl().map(u -> ", last to " + u).orElse(""));
            before = now;
        }
    }

    private static void summary(WritingClient client, String user) {
        try {
            client.stop();
            System.out.println("first errors: " + String.join("\n  ", client.errors().subList(0,
                    Math.min(5, client.errors().size()))));
            String url = client.lastUrl().orElse("none");
            Set<Long> stored = client.lastUrl().isPresent() ? WritingClient.ids(url, user) : Set.of();
            long missing = client.acknowledged().stream().filter(id -> !stored.contains(id)).count();
            String failed = client.firstFailure()
                    .flatMap(f -> client.firstSuccessAfterFailure()
                            .map(s -> String.format(Locale.ROOT, "%.1f", Duration.between(f, s).toMillis() / 1000.0)))
                    .orElse("none");
            System.out.printf(Locale.ROOT, "RESULT writes_failed_for_seconds=%s rows_acknowledged=%d"
                    + " acknowledged_rows_missing_on_%s=%d%n", failed, client.acknowledgedCount(), url, missing);
        } catch (Exception e) {
            System.out.println("RESULT error " + e);
        }
        System.out.flush();
    }
}
