package dev.failover.decision.domain.model;

import java.time.Duration;
import java.time.Instant;

/** An operator's request about one group. Every command carries who asked and why. */
public sealed interface Command {

    /**
     * Most commands a group takes within the command max age. Each one's id is remembered that long, in the group's
     * state record, against replays; without a bound a flood of commands would push that record past the broker's
     * message limit (StateRecordSizeTest). Far above what people send; a retry with the same id does not count again.
     */
    int MAX_COMMANDS_PER_MAX_AGE = 200;

    String group();

    String reason();

    String principal();

    /**
     * A command as it arrives at the owner: its id, by which a repeat is recognised and not acted on again, and when it
     * was issued, by which a command that waited too long is rejected as EXPIRED.
     */
    record Issued(String commandId, Instant issuedAt, Command command) {
    }

    /** Keep {@code target} active: automation stops switching until the pin expires or is released. */
    record Pin(String group, String target, Instant until, String reason, String principal) implements Command {
    }

    record Release(String group, String reason, String principal) implements Command {
    }

    /** Stop automatic switching; health is still tracked and reported. */
    record Pause(String group, String reason, String principal) implements Command {
    }

    /** Resume automatic switching; also lifts a flap-guard freeze. */
    record Resume(String group, String reason, String principal) implements Command {
    }

    /** Break glass: switch to {@code target} now whatever its health, and pin it there. */
    record Force(String group, String target, String reason, String principal) implements Command {
    }

    /** Move traffic to {@code target} (default: the first secondary) for {@code duration} (default: the group's). */
    record StartDrill(String group, String target, Duration duration, String reason, String principal)
            implements Command {
    }

    record EndDrill(String group, String reason, String principal) implements Command {
    }

    /**
     * Planned switchover: move traffic to a HEALTHY {@code target} and pin it there (until {@code until}, or released);
     * the actuator carries it out with the TTL choreography.
     */
    record Switchover(String group, String target, Instant until, String reason, String principal) implements Command {
    }

    /** Undo a switchover: traffic returns to where it was before it, and its pin is dropped. */
    record AbortSwitchover(String group, String reason, String principal) implements Command {
    }
}
