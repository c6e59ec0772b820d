package dev.failover.actuator.dns;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ownership mark kept in a TXT record next to the switched record: which group's decision, at which epoch, wrote it
 * last. Every write is conditional on the mark it read (ADR 0006), so a write made from an older view of the record
 * (a stale or zombie actuator, a replayed decision) is refused by the DNS server itself.
 */
public record OwnerMark(String group, long epoch, String decisionId) {

    private static final Pattern TEXT = Pattern.compile("failover-owner group=(\\S+) epoch=(\\d+) decision=(\\S+)");

    /** The TXT record's text. */
    public String text() {
        return "failover-owner group=" + group + " epoch=" + epoch + " decision=" + decisionId;
    }

    /** The mark in a TXT record's text; empty when the text is not one (written by hand, or by something else). */
    public static Optional<OwnerMark> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new OwnerMark(m.group(1), Long.parseLong(m.group(2)), m.group(3)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
