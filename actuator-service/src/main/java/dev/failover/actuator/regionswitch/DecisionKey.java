package dev.failover.actuator.regionswitch;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words at the start of an execution's comment that name the decision the plane started it for: how a
 * pass, a restarted instance or a new owner finds the execution of its decision again (never a second one), how an
 * older decision's execution is told from a newer one's, and how an execution a person started (no key) is left alone.
 * AWS's {@code clientToken} would do the first, but the SDK versions served to this build (2.40) predate it.
 */
public record DecisionKey(String group, String decisionId, long epoch) {

    private static final Pattern KEY = Pattern.compile("failover-plane group=(\\S+) decision=(\\S+) epoch=(\\d+)");

    public String text() {
        return "failover-plane group=" + group + " decision=" + decisionId + " epoch=" + epoch;
    }

    /** The key at the start of {@code comment}; empty for another comment (or none). */
    public static Optional<DecisionKey> in(String comment) {
        if (comment == null) {
            return Optional.empty();
        }
        Matcher m = KEY.matcher(comment);
        if (!m.lookingAt() || (comment.length() > m.end() && comment.charAt(m.end()) != ':')) {
            return Optional.empty();
        }
        return Optional.of(new DecisionKey(m.group(1), m.group(2), Long.parseLong(m.group(3))));
    }
}
