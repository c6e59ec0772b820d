package dev.failover.actuator.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.DryRunDnsProvider;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.DesiredStore;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;

/**
 * A provider's change that is written but not yet served everywhere (Route 53 PENDING) is part of the group's desired
 * state: stored once after the write, asked about by every read until one sees it propagated, and waited for by an
 * owner restored from the store (a restart, or the group's partition moved to another region's actuator).
 */
class PendingChangeReconcilerTest {

    /**
     * The dry run's zone with change ids: each write is change-N, PENDING until {@link #propagate}; a read answers about
     * the change it is asked about, and remembers nothing itself (as Route 53 GetChange).
     */
    static final class ChangingDns implements DnsProvider {
        final DryRunDnsProvider zone = new DryRunDnsProvider(Routing.SINGLE);
        final Set<String> pending = new HashSet<>();
        final List<Optional<String>> asked = new ArrayList<>();
        int changes;

        @Override
        public String name() {
            return "changing";
        }

        @Override
        public Routing routing() {
            return Routing.SINGLE;
        }

        @Override
        public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
            asked.add(pendingChange);
            ServedRecord served = ((ReadOutcome.Served) zone.read(key, Optional.empty())).record();
            return new ReadOutcome.Served(new ServedRecord(served.ownerText(), served.sets(),
                    pendingChange.map(c -> !pending.contains(c)).orElse(true)));
        }

        @Override
        public WriteOutcome write(RecordWrite write) {
            WriteOutcome outcome = zone.write(write);
            if (!(outcome instanceof WriteOutcome.Written)) {
                return outcome;
            }
            String change = "change-" + ++changes;
            pending.add(change);
            return new WriteOutcome.Written("written as " + change, change);
        }

        void propagate() {
            pending.clear();
        }
    }

    final ManualClock clock = new ManualClock(GroupReconcilerTest.T0);
    final List<ActuationResult> results = new ArrayList<>();
    final List<DesiredState> saved = new ArrayList<>();
    final ReconcileSettings settings = new ReconcileSettings(Duration.ofSeconds(30), Duration.ofSeconds(2),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ZERO, () -> 0.0),
            Duration.ofSeconds(60),
            null);
    final Topology topology = GroupReconcilerTest.topology("report");
    final Decision failover = GroupReconcilerTest.decision(1, DecisionKind.FAILOVER, "primary", "secondary");

    GroupReconciler reconciler(DnsProvider dns, DesiredStore store) {
        return Reconcilers.group("api", topology, dns, TrafficPlans.of(Routing.SINGLE, 100, List.of()),
                Reconcilers.minimal(Scalers.none(), store, results::add, clock, settings));
    }

    void passes(GroupReconciler group, int passes) {
        for (int i = 0; i < passes; i++) {
            clock.advance(group.run());
        }
    }

    boolean converged() {
        return results.stream().anyMatch(r -> r.status() == ActuationStatus.CONVERGED);
    }

    @Test
    void theChangeIsStoredOnceAfterTheWriteAndAskedAboutUntilPropagated() {
        ChangingDns dns = new ChangingDns();
        GroupReconciler group = reconciler(dns, saved::add);
        group.offer(failover);

        group.run();
        assertThat(saved).as("stored right after the write, with its change id")
                .containsExactly(DesiredState.of(failover).written(ProviderLane.ONLY, "change-1"));
        passes(group, 3);
        assertThat(group.status().convergence()).as("change-1 PENDING").isInstanceOf(Convergence.Converging.class);
        assertThat(converged()).isFalse();
        assertThat(dns.asked.subList(1, 4)).as("each read asks about it").containsOnly(Optional.of("change-1"));

        dns.propagate();
        passes(group, 2);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(dns.asked.get(dns.asked.size() - 1)).as("asked no more once propagated").isEmpty();
        assertThat(saved).as("no store write for the propagation, nor per pass").hasSize(1);
        assertThat(group.status().desired().changeToCheck(ProviderLane.ONLY)).isEmpty();
    }

    /** The writer restarts, or another region's actuator takes the group over, while the change is pending. */
    @Test
    void anOwnerRestoredFromTheStoreWaitsForItsPredecessorsChange() {
        ChangingDns dns = new ChangingDns();
        GroupReconciler writer = reconciler(dns, saved::add);
        writer.offer(failover);
        writer.run();

        GroupReconciler newOwner = reconciler(dns, saved::add);
        newOwner.restore(saved.get(saved.size() - 1));
        passes(newOwner, 3);

        assertThat(newOwner.status().convergence()).isInstanceOf(Convergence.Converging.class);
        assertThat(converged()).as("nothing CONVERGED while change-1 is pending").isFalse();
        assertThat(dns.changes).as("the new owner wrote nothing").isEqualTo(1);

        dns.propagate();
        passes(newOwner, 1);
        assertThat(newOwner.status().convergence()).isInstanceOf(Convergence.Converged.class);
    }

    /** A write whose change id could not be stored fails the pass; the next pass stores it before it reads. */
    @Test
    void aChangeWhoseSaveFailedIsStoredBeforeTheNextRead() {
        ChangingDns dns = new ChangingDns();
        int[] failures = { 1 };
        GroupReconciler group = reconciler(dns, state -> {
            if (failures[0]-- > 0) {
                throw new IllegalStateException("injected fault: failover.actuator-desired not reachable");
            }
            saved.add(state);
        });
        group.offer(failover);

        assertThatThrownBy(group::run).hasMessageContaining("injected fault");
        assertThat(dns.changes).as("the write was made").isEqualTo(1);
        int readsBefore = dns.asked.size();
        group.run();

        assertThat(saved).containsExactly(DesiredState.of(failover).written(ProviderLane.ONLY, "change-1"));
        assertThat(dns.asked.subList(readsBefore, dns.asked.size())).as("asked about meanwhile all the same")
                .containsExactly(Optional.of("change-1"));
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converging.class);
    }

    /** RFC 2136 and the dry run have no change ids: nothing more is stored, and no read is asked about a change. */
    @Test
    void aProviderWithoutChangeIdsStoresNothingMore() {
        DryRunDnsProvider dns = new DryRunDnsProvider(Routing.SINGLE);
        GroupReconciler group = reconciler(dns, saved::add);
        group.offer(failover);

        passes(group, 2);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(saved).isEmpty();
    }

    @Test
    void theNextStepHasNoChangeWrittenYet() {
        DesiredState written = DesiredState.of(failover).written(ProviderLane.ONLY, "change-1");
        assertThat(written.changeToCheck(ProviderLane.ONLY)).contains("change-1");
        assertThat(written.atStep(1).changeToCheck(ProviderLane.ONLY)).isEmpty();
        assertThat(written.propagated(ProviderLane.ONLY)).isEqualTo(DesiredState.of(failover));
    }
}
