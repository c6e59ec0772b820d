package dev.failover.decision.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.CommandType;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.GroupSnapshot;

class KeyedCommandIdTest {

    static final IdempotencyKey K1 = new IdempotencyKey("K1");
    static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");
    static final Instant UNTIL = Instant.parse("2026-11-24T02:00:00Z");

    static GroupSnapshot.SeenCommand applied(String id) {
        return new GroupSnapshot.SeenCommand(id, T0, CommandOutcome.Status.ACCEPTED, null, null, "automation paused",
                List.of());
    }

    static Command.Issued issued(Command command) {
        return new Command.Issued(KeyedCommandId.of(K1, command).value(), T0.plusSeconds(5), command);
    }

    @Test
    void theIdNamesTheKeysUseAndTheCommandButNotItsReason() {
        String pause = KeyedCommandId.of(K1, new Command.Pause("api", "why", "alice")).value();
        assertThat(pause).startsWith(K1.commandId("alice", "api") + ":PAUSE:");
        assertThat(KeyedCommandId.of(K1, new Command.Pause("api", "another why", "alice")).value()).isEqualTo(pause);
        assertThat(KeyedCommandId.parse(pause)).map(KeyedCommandId::type).contains(CommandType.PAUSE);
        assertThat(KeyedCommandId.of(K1, new Command.Pin("api", "a", UNTIL, "r", "alice")).value())
                .isNotEqualTo(
                        KeyedCommandId.of(K1, new Command.Pin("api", "a", UNTIL.plusSeconds(1), "r", "alice")).value())
                .isNotEqualTo(KeyedCommandId.of(K1, new Command.Pin("api", "b", UNTIL, "r", "alice")).value());
        assertThat(KeyedCommandId.parse("3b241101-e2bb-4255-8caf-4136c566a962")).isEmpty();
    }

    @Test
    void anotherCommandWithAKeyUsedBeforeIsRefusedNamingTheHeaderAndTheFirstCommand() {
        String firstId = KeyedCommandId.of(K1, new Command.Pause("api", "r", "alice")).value();
        record Case(String name, Command second, Optional<String> refusal) {
        }
        for (Case c : List.of(
                new Case("pin after pause", new Command.Pin("api", "b", null, "r", "alice"), Optional.of("a PIN")),
                new Case("force after pause", new Command.Force("api", "b", "r", "alice"), Optional.of("a FORCE")),
                new Case("the same pause, another reason", new Command.Pause("api", "edited", "alice"),
                        Optional.empty()),
                new Case("the key of another caller", new Command.Pin("api", "b", null, "r", "bob"), Optional.empty()),
                new Case("the key on another group", new Command.Pin("web", "b", null, "r", "alice"),
                        Optional.empty()))) {
            Optional<CommandOutcome> outcome = KeyedCommandId.conflict(issued(c.second()), List.of(applied(firstId)));
            if (c.refusal().isEmpty()) {
                assertThat(outcome).as(c.name()).isEmpty();
                continue;
            }
            assertThat(outcome).as(c.name()).get().isInstanceOfSatisfying(CommandOutcome.Rejected.class, r -> {
                assertThat(r.rejection()).isEqualTo(CommandOutcome.Rejection.INVALID);
                assertThat(r.field()).isEqualTo("Idempotency-Key");
                assertThat(r.message()).contains("Idempotency-Key", "first used for PAUSE", T0.toString(), firstId,
                        "applied", c.refusal().get());
            });
        }
    }

    @Test
    void theSameTypeWithOtherArgumentsIsAnotherCommand() {
        String firstId = KeyedCommandId.of(K1, new Command.StartDrill("api", "b", Duration.ofMinutes(10), "r", "alice"))
                .value();
        Optional<CommandOutcome> outcome = KeyedCommandId.conflict(
                issued(new Command.StartDrill("api", "b", Duration.ofMinutes(20), "r", "alice")),
                List.of(applied(firstId)));
        assertThat(outcome).get().isInstanceOfSatisfying(CommandOutcome.Rejected.class,
                r -> assertThat(r.message()).contains("a START_DRILL with other arguments"));
    }

    /** The previous release's id is the bare key id: its command is unknown, so its first outcome answers. */
    @Test
    void aKeyFirstUsedByThePreviousReleaseIsAnsweredWithItsFirstOutcome() {
        Command.Issued pin = issued(new Command.Pin("api", "b", null, "r", "alice"));
        Optional<CommandOutcome> outcome = KeyedCommandId.conflict(pin, List.of(applied(K1.commandId("alice", "api"))));
        assertThat(outcome).get().isInstanceOfSatisfying(CommandOutcome.Repeated.class, r -> {
            assertThat(r.first().commandId()).as("reported under the id the sender waits for")
                    .isEqualTo(pin.commandId());
            assertThat(r.first().message()).isEqualTo("automation paused");
        });
    }
}
