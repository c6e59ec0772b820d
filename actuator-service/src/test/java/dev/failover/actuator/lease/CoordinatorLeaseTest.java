package dev.failover.actuator.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lease every external write asks first (ADR 0006). A line is a history of events at milliseconds, with a lease of
 * 3000 ms: R a rebalance completed, S a rebalance started (this member's partitions revoked), H<t> a heartbeat answered
 * that was sent at t, C a check (which says when a rebalance must be asked for); then whether the lease holds at the
 * end and whether a rebalance was asked for.
 */
class CoordinatorLeaseTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "before any assignment                                   | 0:C                                 | false | false",
            "answers before any assignment renew nothing             | 0:H0 1000:H1000 2000:H2000 2100:C   | false | false",
            "a rebalance just completed                              | 0:R 100:C                           | true  | false",
            "heartbeats answered keep it                             | 0:R 1000:H900 2000:H1900 4500:C     | true  | false",
            "no answer for longer than the lease: lapsed             | 0:R 1000:H900 4000:C                | false | false",
            "the lease counts from when the heartbeat was sent        | 0:R 2900:H100 3200:C                | false | false",
            "lapsed a further lease, no rebalance: one is asked for   | 0:R 1000:H900 4000:C 7000:C         | false | true",
            "one answer after the lapse renews nothing (UNKNOWN_MEMBER) | 0:R 4000:C 4100:H4050 4200:C      | false | false",
            "two answers after the lapse, no rebalance: holds again  | 0:R 4000:C 4100:H4050 5100:H5050 5200:C | true | false",
            "an answer, then a rebalance: only its assignment renews | 0:R 4000:C 4100:H4050 4150:S 5100:H5050 7000:C | false | false",
            "the rebalance after the lapse brings it back            | 0:R 6500:C 7000:R 7100:C            | true  | true",
            "a rebalance is asked for once per lapse                 | 0:R 6000:C 6200:C 6400:C            | false | true",
            "a lapse while a rebalance is under way asks for none    | 0:R 1000:H900 1500:S 7000:C         | false | false",
            "its assignment brings the lease back                    | 0:R 1500:S 4500:C 5000:R 5100:C     | true  | false",
            "a later lapse asks again                                | 0:R 1500:S 5000:R 11500:C           | false | true" })
    void theLeaseHoldsWhileTheCoordinatorIsHeardFrom(String history, String events, boolean holds,
            boolean rebalanceAsked) {
        AtomicLong now = new AtomicLong();
        CoordinatorLease lease = new CoordinatorLease(() -> now.get() * 1_000_000L, Duration.ofMillis(3000));
        int asked = 0;
        for (String event : events.trim().split("\\s+")) {
            String[] at = event.split(":");
            now.set(Long.parseLong(at[0]));
            String what = at[1];
            if (what.equals("R")) {
                lease.rebalanced();
            } else if (what.equals("S")) {
                lease.rebalancing();
            } else if (what.equals("C")) {
                asked += lease.check() ? 1 : 0;
            } else {
                lease.heard(Long.parseLong(what.substring(1)) * 1_000_000L);
            }
        }
        assertThat(lease.lapsed().isEmpty()).as(history + ": holds; " + lease.lapsed().orElse("")).isEqualTo(holds);
        assertThat(asked).as(history + ": rebalances asked for").isEqualTo(rebalanceAsked ? 1 : 0);
    }

    @org.junit.jupiter.api.Test
    void aLapsedLeaseSaysWhyAndForHowLong() {
        AtomicLong now = new AtomicLong();
        CoordinatorLease lease = new CoordinatorLease(() -> now.get() * 1_000_000L, Duration.ofMillis(3000));
        assertThat(lease.lapsed()).hasValueSatisfying(why -> assertThat(why).contains("no assignment"));
        lease.rebalanced();
        now.set(5000);
        assertThat(lease.lapsed()).hasValueSatisfying(why -> assertThat(why).contains(
                "not heard from its Kafka group coordinator for 5000 ms (lease 3000 ms)"));
        assertThat(CoordinatorLease.lengthFor(Duration.ofSeconds(6))).isEqualTo(Duration.ofSeconds(3));
    }

    /**
     * A scaler's write (a read then the write, each up to the clients' call timeout) is allowed while heartbeats are
     * answered in time, at every moment of the heartbeat's cycle: the lease is renewed from the reading before an answer
     * (every 200 ms) less the slowest answer, so just before the next renewal it is a heartbeat interval, a reading and
     * an answer old. Before, the call timeout filled the whole session less the interval, and a write asked then was
     * refused ("may land up to 5000 ms later, ... from 4921 ms on"); the reconcile loop's resync, five heartbeat
     * intervals, asked at the same moment of the cycle each time and the scale-down after a failback never came
     * (RegionLossIT, a fresh-clone run).
     */
    @Test
    void aClientWriteIsAllowedAtEveryMomentOfAnAnsweredHeartbeatsCycle() {
        LeaseTerms terms = LeaseTerms.DEFAULTS;
        Duration landsWithin = LeaseTerms.clientLandsWithin(terms.clientCallTimeout(Duration.ofSeconds(10)));
        AtomicLong now = new AtomicLong();
        CoordinatorLease lease = new CoordinatorLease(() -> now.get() * 1_000_000L, terms.length());
        lease.rebalanced();
        // a heartbeat sent at 1,000 ms, answered in 80 ms, counted at the 1,200 ms reading: renewed from the reading
        // before (1,000 ms) less the slowest answer
        now.set(1_200);
        lease.heard(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1_000 - 80));
        // the next heartbeat, sent at 2,000 ms and answered within 300 ms, is counted at the 2,400 ms reading at the
        // latest: a write asked just before it
        now.set(2_399);
        assertThat(lease.lapsedFor(landsWithin)).as("a write asked %s after the renewal's base, landing within %s",
                Duration.ofMillis(2_399 - 920), landsWithin).isEmpty();
    }
}
