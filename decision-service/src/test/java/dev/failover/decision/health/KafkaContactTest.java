package dev.failover.decision.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.CompletionException;

import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import dev.failover.decision.health.KafkaContact.Contact;
import dev.failover.decision.health.KafkaContact.State;

/** A contact's state and since-when across checks: a state begins at the first check that says it. */
class KafkaContactTest {

    static final Instant T0 = Instant.parse("2026-11-25T03:00:00Z");

    @Test
    void theStateBeginsAtTheFirstCheckThatSaysItAndKeepsThatTimeWhileItLasts() {
        Contact up = Contact.UNKNOWN.after(T0, null);
        assertThat(up).isEqualTo(new Contact(State.REACHABLE, T0, T0, null));
        Contact stillUp = up.after(T0.plusSeconds(2), null);
        assertThat(stillUp).isEqualTo(new Contact(State.REACHABLE, T0, T0.plusSeconds(2), null));

        Contact down = stillUp.after(T0.plusSeconds(6), "TimeoutException: timed out");
        assertThat(down).isEqualTo(new Contact(State.UNREACHABLE, T0.plusSeconds(6), T0.plusSeconds(6),
                "TimeoutException: timed out"));
        Contact stillDown = down.after(T0.plusSeconds(8), "TimeoutException: again");
        assertThat(stillDown.since()).as("unreachable since the first failed check").isEqualTo(T0.plusSeconds(6));
        assertThat(stillDown.error()).as("the latest reason").isEqualTo("TimeoutException: again");

        Contact back = stillDown.after(T0.plusSeconds(10), null);
        assertThat(back).isEqualTo(new Contact(State.REACHABLE, T0.plusSeconds(10), T0.plusSeconds(10), null));
    }

    @Test
    void aTimeoutSaysHowLongWasWaitedAndAnythingElseItsMessage() {
        assertThat(KafkaContact.reason(new TimeoutException("Call(callName=listNodes, deadlineMs=1) timed out")))
                .isEqualTo("no answer from the cluster within 2000 ms");
        assertThat(KafkaContact.reason(new CompletionException(new TimeoutException("x"))))
                .isEqualTo("no answer from the cluster within 2000 ms");
        assertThat(KafkaContact.reason(new SaslAuthenticationException("Authentication failed")))
                .isEqualTo("SaslAuthenticationException: Authentication failed");
    }

    @Test
    void aFirstCheckThatFailsIsUnreachableFromThatCheck() {
        assertThat(Contact.UNKNOWN.after(T0, "refused")).isEqualTo(new Contact(State.UNREACHABLE, T0, T0, "refused"));
    }
}
