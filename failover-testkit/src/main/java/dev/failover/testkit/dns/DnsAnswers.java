package dev.failover.testkit.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * What a DNS server answers for one name, as a resolver sees it: a plain query every 100 ms (each after the last has
 * ended, on one thread, so the record stays in order), keeping every change of the answer with its TTL, e.g.
 * {@code "192.0.2.2 ttl=5"}. Tests wait on and assert this record, never on a query of their own.
 */
public final class DnsAnswers implements AutoCloseable {

    private final SimpleResolver resolver;
    private final Name name;
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "dns-answers");
        thread.setDaemon(true);
        return thread;
    });

    private DnsAnswers(String host, int port, String name) throws IOException {
        this.resolver = new SimpleResolver(new InetSocketAddress(host, port));
        this.resolver.setTimeout(Duration.ofSeconds(1));
        this.name = Name.fromString(name);
    }

    /** Starts watching the A records of {@code name} at {@code host:port}. */
    public static DnsAnswers watch(String host, int port, String name) throws IOException {
        DnsAnswers answers = new DnsAnswers(host, port, name);
        answers.ticks.scheduleWithFixedDelay(answers::tick, 0, 100, TimeUnit.MILLISECONDS);
        return answers;
    }

    private void tick() {
        try {
            Message reply = resolver.send(Message.newQuery(Record.newRecord(name, Type.A, DClass.IN)));
            List<String> records = reply.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.A)
                    .map(r -> r.rdataToString() + " ttl=" + r.getTTL()).sorted().toList();
            String answer = records.isEmpty() ? "no answer" : String.join(", ", records);
            if (changes.isEmpty() || !changes.get(changes.size() - 1).equals(answer)) {
                changes.add(answer);
            }
        } catch (IOException e) {
            // a query lost or timed out is asked again at the next tick
        }
    }

    /** Every answer seen, in order, each listed once per change (an answer seen again after another is listed again). */
    public List<String> distinct() {
        return List.copyOf(changes);
    }

    /** Waits until the last answer seen contains {@code text}, e.g. an address or "192.0.2.2 ttl=5". */
    public void awaitAnswer(String text, Duration timeout) {
        Awaitility.await("an answer for " + name + " containing '" + text + "'; seen " + changes).atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !changes.isEmpty() && changes.get(changes.size() - 1).contains(text));
    }

    @Override
    public void close() {
        ticks.shutdownNow();
    }
}
