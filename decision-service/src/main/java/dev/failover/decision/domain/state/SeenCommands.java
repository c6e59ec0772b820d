package dev.failover.decision.domain.state;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.GroupSnapshot;

/**
 * The commands one group applied or rejected, by id, each with its first outcome, until it is older than the command
 * max age: a command id seen again is not acted on again, and one older is rejected as EXPIRED anyway. Part of the
 * group's persisted state ({@link GroupSnapshot#seenCommands()}), so this holds across restarts and offset resets. Part
 * of {@link GroupState}, which owns it; not thread-safe, the engine serialises access.
 */
public final class SeenCommands {

    private final Map<String, GroupSnapshot.SeenCommand> byId = new LinkedHashMap<>();

    /** The first outcome of command {@code commandId}, if it was seen within the command max age; null if not. */
    public GroupSnapshot.SeenCommand of(String commandId) {
        return byId.get(commandId);
    }

    /** How many commands are remembered: those seen within the command max age. */
    public int size() {
        return byId.size();
    }

    /** Remembers a command's first outcome until it is older than the command max age. */
    public void remember(Command.Issued issued, CommandOutcome outcome) {
        byId.put(issued.commandId(), GroupSnapshot.SeenCommand.of(issued.commandId(), issued.issuedAt(), outcome));
    }

    /** Forgets commands issued more than {@code maxAge} before {@code now}: a replay of one is rejected as EXPIRED. */
    public void forgetOlderThan(Duration maxAge, Instant now) {
        byId.values().removeIf(c -> c.issuedAt().plus(maxAge).isBefore(now));
    }

    /** The commands remembered, in the order they were first seen: for a snapshot. */
    List<GroupSnapshot.SeenCommand> list() {
        return List.copyOf(byId.values());
    }

    /** Takes the commands of a persisted snapshot instead of those remembered. */
    void restore(List<GroupSnapshot.SeenCommand> persisted) {
        byId.clear();
        persisted.forEach(c -> byId.put(c.commandId(), c));
    }
}
