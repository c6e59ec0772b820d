package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

import dev.failover.testkit.dns.AuthoritativeServer;
import dev.failover.testkit.topology.TestTopology;

/**
 * A lease before every external write (ADR 0006). A classic consumer cut off from its group coordinator keeps its
 * assignment until it reaches the coordinator again; meanwhile the coordinator may have given its partitions to another
 * actuator. Here the packaged actuator drives a group under {@code drift: correct} against a real BIND9, and someone
 * changes the record by hand: with Kafka reachable the actuator writes it back within a resync. Then the broker is
 * frozen (SIGSTOP by its PID): once the lease lapsed (half the session timeout), a change by hand stays as it is,
 * resync after resync: the actuator writes nothing. When the broker runs again, a rebalance gives the actuator its
 * assignment back, the lease holds, and the record is written back.
 */
@Tag("gate") // in ./scripts/test.sh --gate: the actuator's lease
class CutOffActuatorIT {

    static final String BY_HAND = "192.0.2.99";

    @Test
    void anActuatorCutOffFromItsCoordinatorWritesNothingOnceItsLeaseLapsed() throws Exception {
        try (TestStack stack = TestStack.named("cutoff").primaryAndSecondary()
                .topology(s -> TestTopology.yaml(s.backend(TestTopology.PRIMARY).healthUrl(),
                        s.backend(TestTopology.SECONDARY).healthUrl()).replace("ttl: 5}", "ttl: 5, drift: correct}"))
                .bind9("failover.test.", List.of("api IN A " + TestTopology.PRIMARY_IP)).actuator()
                .env(TestStack.ACTUATOR, "FAILOVER_INSTANCE_ID", "actuator-1", "FAILOVER_RECONCILE_RESYNC_INTERVAL",
                        "1s")
                .start()) {
            ServiceProcess actuator = stack.actuator();
            AuthoritativeServer bind = stack.dns();
            actuator.awaitReady(Duration.ofSeconds(90));
            await("the lease held").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> leaseHeld(actuator));
            await("BIND answers the primary").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> answers(bind).equals(Set.of(TestTopology.PRIMARY_IP)));

            // with Kafka reachable, a change by hand is written back within a resync or two
            changeByHand(bind);
            await("the change by hand corrected").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> answers(bind).equals(Set.of(TestTopology.PRIMARY_IP)));

            long broker = stack.kafka().pid();
            new ProcessBuilder("kill", "-STOP", Long.toString(broker)).inheritIO().start().waitFor();
            Instant frozenAt = Instant.now();
            try {
                await("the lease lapsed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !leaseHeld(actuator));
                System.out.printf("the lease lapsed %d ms after the broker was frozen%n",
                        Duration.between(frozenAt, Instant.now()).toMillis());
                changeByHand(bind);
                // ten resyncs: the actuator reads the record and finds it drifted each time, and writes nothing
                await("the change by hand left as it is").during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(12))
                        .pollInterval(Duration.ofMillis(200)).until(() -> answers(bind).equals(Set.of(BY_HAND)));
                assertThat(actuator.output()).as("the actuator's log").contains("not written: this actuator has not"
                        + " heard from its Kafka group coordinator");
            } finally {
                new ProcessBuilder("kill", "-CONT", Long.toString(broker)).inheritIO().start().waitFor();
            }
            Instant thawedAt = Instant.now();
            await("the change by hand corrected once the broker runs again").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> answers(bind).equals(Set.of(TestTopology.PRIMARY_IP)));
            System.out.printf("written back %d ms after the broker runs again%n",
                    Duration.between(thawedAt, Instant.now()).toMillis());
        }
    }

    static boolean leaseHeld(ServiceProcess actuator) {
        try {
            return actuator.metrics().contains("failover_actuator_lease_held 1.0");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static Set<String> answers(AuthoritativeServer bind) throws java.io.IOException {
        return DnsQueries.answers(bind.port());
    }

    /** Someone changes the record by hand: an RFC 2136 update signed with the zone's key, not through the plane. */
    static void changeByHand(AuthoritativeServer bind) throws Exception {
        Update update = new Update(Name.fromString(bind.zone()));
        update.replace(Name.fromString(TestTopology.RECORD), Type.A, 5, BY_HAND);
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(bind.port());
        resolver.setTCP(true);
        resolver.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, AuthoritativeServer.KEY_NAME, bind.secret()));
        Message answer = resolver.send(update);
        assertThat(Rcode.string(answer.getRcode())).as("the update by hand").isEqualTo("NOERROR");
    }
}
