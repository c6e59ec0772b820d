package dev.failover.decision.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.failover.contract.signing.PemKeys;
import dev.failover.contract.time.ManualClock;

/**
 * The key endpoint as the load balancer's region publishes it (a PEM per key id; unknown ids 404), slowed so that
 * requests overlap: one fetch per unknown key however many requests ask for it at once, a key id that was not found is
 * not asked again at once, and made-up key ids cannot make more than a handful of fetches a minute.
 */
class RegionalAlbKeysTest {

    static final KeyPair ALB = AlbTokens.keyPair();
    final AtomicInteger fetches = new AtomicInteger();
    final HttpServer server = start();
    final ManualClock clock = new ManualClock(java.time.Instant.parse("2026-11-28T03:00:00Z"));
    final RegionalAlbKeys keys = new RegionalAlbKeys(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/{region}/{kid}",
            clock);

    HttpServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] pem = PemKeys.pem(ALB.getPublic()).getBytes(StandardCharsets.US_ASCII);
            http.createContext("/", exchange -> {
                fetches.incrementAndGet();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                boolean known = exchange.getRequestURI().getPath().equals("/eu-west-1/" + AlbTokens.KID);
                exchange.sendResponseHeaders(known ? 200 : 404, known ? pem.length : -1);
                if (known) {
                    exchange.getResponseBody().write(pem);
                }
                exchange.close();
            });
            http.setExecutor(Executors.newFixedThreadPool(4));
            http.start();
            return http;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void requestsAskingForOneUnknownKeyAtOnceShareOneFetch() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<PublicKey>> asked = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            asked.add(pool.submit(() -> keys.key("eu-west-1", AlbTokens.KID)));
        }
        for (Future<PublicKey> key : asked) {
            assertThat(key.get()).isEqualTo(ALB.getPublic());
        }
        pool.shutdown();
        assertThat(fetches).hasValue(1);
        assertThat(keys.key("eu-west-1", AlbTokens.KID)).isEqualTo(ALB.getPublic());
        assertThat(fetches).as("kept").hasValue(1);
    }

    @Test
    void aKeyIdNotFoundIsNotAskedAgainAtOnceAndMadeUpOnesAreCapped() throws Exception {
        String missing = "00000000-0000-0000-0000-000000000000";
        assertThatThrownBy(() -> keys.key("eu-west-1", missing)).hasMessageContaining("404");
        assertThatThrownBy(() -> keys.key("eu-west-1", missing)).hasMessageContaining("not asked again");
        assertThat(fetches).hasValue(1);
        for (int i = 1; i < RegionalAlbKeys.FETCHES_PER_MINUTE; i++) {
            String madeUp = "made-up-" + i;
            assertThatThrownBy(() -> keys.key("eu-west-1", madeUp)).hasMessageContaining("404");
        }
        assertThat(fetches).hasValue(RegionalAlbKeys.FETCHES_PER_MINUTE);
        assertThatThrownBy(() -> keys.key("eu-west-1", AlbTokens.KID)).as("the minute's fetches are spent")
                .hasMessageContaining("try again");
        clock.advance(Duration.ofSeconds(61));
        assertThat(keys.key("eu-west-1", AlbTokens.KID)).as("a real key, once the minute allows: not held as refused")
                .isEqualTo(ALB.getPublic());
        assertThatThrownBy(() -> keys.key("eu-west-1", missing)).as("asked again after the pause")
                .hasMessageContaining("404");
    }
}
