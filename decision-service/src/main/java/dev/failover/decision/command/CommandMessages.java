package dev.failover.decision.command;

import java.time.Duration;
import java.time.Instant;

import dev.failover.contract.event.CommandType;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.OperatorCommand;
import dev.failover.decision.domain.model.Command;

/** Commands to and from their message on failover.commands. */
public final class CommandMessages {

    private CommandMessages() {
    }

    public static OperatorCommand toMessage(String commandId, Instant issuedAt, Command command) {
        CommandType type;
        String target = null;
        Instant until = null;
        Long durationSeconds = null;
        if (command instanceof Command.Pin pin) {
            type = CommandType.PIN;
            target = pin.target();
            until = pin.until();
        } else if (command instanceof Command.Release) {
            type = CommandType.RELEASE;
        } else if (command instanceof Command.Pause) {
            type = CommandType.PAUSE;
        } else if (command instanceof Command.Resume) {
            type = CommandType.RESUME;
        } else if (command instanceof Command.Force force) {
            type = CommandType.FORCE;
            target = force.target();
        } else if (command instanceof Command.StartDrill start) {
            type = CommandType.START_DRILL;
            target = start.target();
            durationSeconds = start.duration() == null ? null : start.duration().toSeconds();
        } else if (command instanceof Command.EndDrill) {
            type = CommandType.END_DRILL;
        } else if (command instanceof Command.Switchover switchover) {
            type = CommandType.SWITCHOVER;
            target = switchover.target();
            until = switchover.until();
        } else if (command instanceof Command.AbortSwitchover) {
            type = CommandType.ABORT_SWITCHOVER;
        } else {
            throw new IllegalArgumentException("no message type for " + command);
        }
        return new OperatorCommand(EventCodec.SCHEMA_VERSION, commandId, command.group(), type, target, until,
                durationSeconds, command.reason(), command.principal(), issuedAt);
    }

    public static Command.Issued fromMessage(OperatorCommand c) {
        Command command = switch (c.type()) {
            case PIN -> new Command.Pin(c.group(), c.target(), c.until(), c.reason(), c.principal());
            case RELEASE -> new Command.Release(c.group(), c.reason(), c.principal());
            case PAUSE -> new Command.Pause(c.group(), c.reason(), c.principal());
            case RESUME -> new Command.Resume(c.group(), c.reason(), c.principal());
            case FORCE -> new Command.Force(c.group(), c.target(), c.reason(), c.principal());
            case START_DRILL -> new Command.StartDrill(c.group(), c.target(),
                    c.durationSeconds() == null ? null : Duration.ofSeconds(c.durationSeconds()), c.reason(),
                    c.principal());
            case END_DRILL -> new Command.EndDrill(c.group(), c.reason(), c.principal());
            case SWITCHOVER -> new Command.Switchover(c.group(), c.target(), c.until(), c.reason(), c.principal());
            case ABORT_SWITCHOVER -> new Command.AbortSwitchover(c.group(), c.reason(), c.principal());
        };
        return new Command.Issued(c.commandId(), c.issuedAt(), command);
    }
}
