package dev.failover.testkit.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The caching resolver the observed-convergence test puts in front of one location: it keeps an answer for its TTL. */
class CachingResolverTest {

    static Message ask(int port) throws Exception {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver
                .send(Message.newQuery(Record.newRecord(Name.fromString("api.failover.test."), Type.A, DClass.IN)));
    }

    @Test
    void anAnswerIsKeptForItsTtlWhenTheAuthorityIsGoneAndForgottenOnAFlush() throws Exception {
        try (BindServer bind = BindServer.start("failover.test.", List.of("api 300 IN A 192.0.2.10"));
                CachingResolver cache = CachingResolver.inFrontOf(bind)) {
            Message first = ask(cache.port());
            assertThat(first.getSection(Section.ANSWER)).extracting(Record::rdataToString)
                    .containsExactly("192.0.2.10");
            bind.stop();
            Message cached = ask(cache.port());
            assertThat(cached.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(cached.getSection(Section.ANSWER)).extracting(Record::rdataToString)
                    .containsExactly("192.0.2.10");
            assertThat(cached.getSection(Section.ANSWER).get(0).getTTL()).isBetween(290L, 300L);
            cache.flush();
            // asked of the authority again, which is gone: no answer in time, or SERVFAIL; never the cached one
            Message afterFlush;
            try {
                afterFlush = ask(cache.port());
            } catch (java.io.IOException timedOut) {
                afterFlush = null;
            }
            assertThat(afterFlush == null || afterFlush.getRcode() == Rcode.SERVFAIL).as(cache.log()).isTrue();
        }
    }
}
