package dev.failover.decision.command;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A client's name for one request, from the {@value #HEADER} header: a retry of the same command with the same key is
 * that command (the same command id), so it is acted on at most once and answered with the first request's outcome;
 * another command with the same key is refused (422 naming the header and the first command, {@link KeyedCommandId}).
 *
 * @param value 1 to 255 visible ASCII characters without quotes, backslashes or spaces, e.g. a UUID
 */
public record IdempotencyKey(String value) {

    public static final String HEADER = "Idempotency-Key";
    private static final Pattern VALID = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,255}");

    public IdempotencyKey {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException(HEADER + ": must be 1 to 255 visible ASCII characters without quotes, "
                    + "backslashes or spaces (a UUID, say), was '" + value + "'");
        }
    }

    /**
     * The header's value: absent when there is no header. The draft standard's quoted form ({@code "abc"}) and the bare
     * form ({@code abc}) are the same key.
     *
     * @throws IllegalArgumentException naming the header when the value is not a valid key
     */
    public static Optional<IdempotencyKey> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String bare = header.length() >= 2 && header.startsWith("\"") && header.endsWith("\"")
                ? header.substring(1, header.length() - 1) : header;
        return Optional.of(new IdempotencyKey(bare));
    }

    /**
     * The id of this key's use by {@code principal} on {@code group}: the same for every retry, and never shared by two
     * callers or two groups that happen to pick the same key. The first part of the command id ({@link KeyedCommandId}).
     */
    public String commandId(String principal, String group) {
        return UUID.nameUUIDFromBytes((principal + '\n' + group + '\n' + value).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
