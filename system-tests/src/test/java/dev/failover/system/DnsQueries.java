package dev.failover.system;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import dev.failover.testkit.topology.TestTopology;

/** What a system test asks an authoritative DNS server (over TCP, as a resolver would). */
final class DnsQueries {

    private DnsQueries() {
    }

    /** What the DNS server on 127.0.0.1 and this port answers for TestTopology's record. */
    static Set<String> answers(int port) throws IOException {
        return answers("127.0.0.1", port, TestTopology.RECORD);
    }

    /** What the DNS server at host:port answers for an A record. */
    static Set<String> answers(String host, int port, String name) throws IOException {
        Set<String> values = new HashSet<>();
        for (Record r : query(host, port, name, Type.A).getSection(Section.ANSWER)) {
            values.add(r.rdataToString());
        }
        return values;
    }

    /** The serial of {@code zone}'s SOA on 127.0.0.1 and this port. */
    static long serial(int port, String zone) throws IOException {
        for (Record r : query("127.0.0.1", port, zone, Type.SOA).getSection(Section.ANSWER)) {
            if (r instanceof SOARecord soa) {
                return soa.getSerial();
            }
        }
        throw new AssertionError("no SOA for " + zone);
    }

    static Message query(String host, int port, String name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(host);
        resolver.setPort(port);
        resolver.setTCP(true);
        resolver.setTimeout(Duration.ofSeconds(2));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }
}
