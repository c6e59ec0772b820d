package dev.failover.decision.rest;

/**
 * Bounds on what a caller can make the decision-service store. A reason and the caller's name are kept in the group's
 * state record, up to a hundred times over (the audit trail, recent decisions and command outcomes), and that record
 * must stay below the broker's message limit (StateRecordSizeTest checks the worst case these bounds allow). The request
 * body as a whole is capped before any of this, by {@code quarkus.http.limits.max-body-size}.
 */
public final class InputLimits {

    /**
     * Longest reason, in Unicode code points: a paragraph. A reason is stored in the audit trail and the recent
     * decisions, and both are in the state record twice (the snapshot and the view): 1000 made the worst case 780 kB.
     */
    public static final int MAX_REASON = 500;
    /** Longest target id or until text looked at; a longer one cannot be a topology id or an instant. */
    public static final int MAX_SHORT_TEXT = 100;
    /** Longest caller name (the token's upn, else sub) recorded with a write. */
    public static final int MAX_PRINCIPAL = 256;

    private InputLimits() {
    }

    /**
     * What is wrong with a free-text value, or null if nothing is: too long, or holding control characters other than
     * tab and line breaks (they would garble logs and the audit trail).
     */
    public static String problem(String value, int maxCodePoints) {
        int length = value.codePointCount(0, value.length());
        if (length > maxCodePoints) {
            return "must be at most " + maxCodePoints + " characters, was " + length;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return "must not contain control characters (found U+" + String.format("%04X", (int) c) + " at index "
                        + i + ")";
            }
        }
        return null;
    }
}
