package dev.failover.probe.probing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import dev.failover.contract.event.FailureReason;
import dev.failover.probe.domain.Observation;

/** Assertions on what a probe saw that print the whole observation when they fail (reason, status, detail, timings). */
final class Observed {

    private Observed() {
    }

    /** The observation of a probe; probes bound themselves by their timeout, so 60 s only guards against a hang. */
    static Observation of(CompletionStage<Observation> probe) throws Exception {
        return probe.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static Observation.Up up(Observation observation) {
        assertThat(observation).as("expected UP, saw %s", observation).isInstanceOf(Observation.Up.class);
        return (Observation.Up) observation;
    }

    static Observation.Down down(Observation observation, FailureReason reason) {
        assertThat(observation).as("expected DOWN %s, saw %s", reason, observation)
                .isInstanceOf(Observation.Down.class);
        Observation.Down down = (Observation.Down) observation;
        assertThat(down.reason()).as("failure reason of %s", observation).isEqualTo(reason);
        return down;
    }
}
