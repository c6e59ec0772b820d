package dev.failover.decision.command;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.failover.contract.event.CommandType;
import dev.failover.contract.event.OperatorCommand;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.GroupSnapshot;

/**
 * The command id of a request sent with an {@value IdempotencyKey#HEADER}: {@code <key id>:<TYPE>:<content digest>}.
 * The key id names the key's use (caller, group, key: the whole id of the previous release), the type and the digest of
 * the command's arguments (target, until, duration; not the free-text reason) name the command it was used for.
 * <p>
 * A retry of the same command has the same id, so the owner's dedup by command id answers it with the first outcome.
 * Another command with the same key has another id: {@link #conflict} is the owner's check, run before the command is
 * applied, that refuses it, naming the header and the command the key was first used for. The owner holds the first
 * id in the group's remembered commands (its state record), so the check holds whichever instance took either request
 * and across a takeover, for as long as ids are remembered (the command max age).
 */
public record KeyedCommandId(String keyId, CommandType type, String digest) {

    private static final Pattern FORM = Pattern.compile("([0-9a-f-]{36}):([A-Z_]+):([0-9a-f]{16})");

    /** The id of {@code command} sent with {@code key}. */
    public static KeyedCommandId of(IdempotencyKey key, Command command) {
        OperatorCommand message = CommandMessages.toMessage("-", Instant.EPOCH, command);
        return new KeyedCommandId(key.commandId(command.principal(), command.group()), message.type(), digest(message));
    }

    /** The id's parts, when {@code commandId} is a keyed id. */
    public static Optional<KeyedCommandId> parse(String commandId) {
        Matcher m = FORM.matcher(commandId);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new KeyedCommandId(m.group(1), CommandType.valueOf(m.group(2)), m.group(3)));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a type this release does not know: not ours to compare
        }
    }

    public String value() {
        return keyId + ':' + type.name() + ':' + digest;
    }

    @Override
    public String toString() {
        return value();
    }

    /**
     * What the owner answers, instead of applying {@code issued}, when its key was used before for another command: a
     * rejection naming the {@value IdempotencyKey#HEADER} header and the first command (type, issue time, outcome). A
     * key first used by the previous release (its id is the bare key id, without the command) is answered with that
     * first outcome, as that release did: its command is unknown, and a retry must not act twice.
     *
     * @param seen the commands the group remembers (its snapshot's)
     * @return empty when the key was not used before for another command (a retry of the same one included)
     */
    public static Optional<CommandOutcome> conflict(Command.Issued issued, List<GroupSnapshot.SeenCommand> seen) {
        Optional<KeyedCommandId> keyed = parse(issued.commandId());
        if (keyed.isEmpty()) {
            return Optional.empty();
        }
        KeyedCommandId id = keyed.get();
        for (GroupSnapshot.SeenCommand first : seen) {
            if (first.commandId().equals(id.keyId)) {
                return Optional.of(new CommandOutcome.Repeated(new GroupSnapshot.SeenCommand(issued.commandId(),
                        first.issuedAt(), first.status(), first.rejection(), first.field(), first.message(),
                        first.decisionIds())));
            }
            Optional<KeyedCommandId> other = parse(first.commandId());
            if (other.isPresent() && other.get().keyId.equals(id.keyId) && !other.get().equals(id)) {
                return Optional.of(new CommandOutcome.Rejected(CommandOutcome.Rejection.INVALID, IdempotencyKey.HEADER,
                        IdempotencyKey.HEADER + ": this key was first used for " + other.get().type + " on group "
                                + issued.command().group() + ", issued at " + first.issuedAt() + " (command "
                                + first.commandId() + ", " + describe(first) + "); this request is "
                                + (other.get().type == id.type ? "a " + id.type + " with other arguments"
                                        : "a " + id.type)
                                + " and was not applied: a key names one command, send a new key for a new command"));
            }
        }
        return Optional.empty();
    }

    private static String describe(GroupSnapshot.SeenCommand first) {
        return first.status() == CommandOutcome.Status.ACCEPTED ? "applied"
                : "rejected " + first.rejection() + (first.message() == null ? "" : ": " + first.message());
    }

    /** The arguments that make two commands of one type different; the reason is free text, not an argument. */
    private static String digest(OperatorCommand m) {
        String arguments = m.type() + "\n" + m.target() + "\n" + m.until() + "\n" + m.durationSeconds();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(arguments.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
