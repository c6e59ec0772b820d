package dev.failover.actuator.dns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The ownership mark kept in a TXT record next to the switched record: which group's decision, at which epoch, wrote it
 * last, and a digest of the record sets that write wrote. Every write is conditional on the mark it read (ADR 0006), so
 * a write made from an older view of the record (a stale or zombie actuator, a replayed decision) is refused by the DNS
 * server itself. The digest lets any instance, restarted or new owner, tell "our mark, but the record no longer serves
 * what it wrote" (someone changed it by hand: drift) from "our mark, the next write not made yet".
 * <p>
 * Text: {@code failover-owner group=<g> epoch=<n> decision=<id>/sets=<digest>}. The digest rides inside the decision
 * token so that a release from before it still parses the mark, epoch included, and the fence holds while releases are
 * mixed during an upgrade; a mark without it (written by such a release) parses with {@code written} null.
 *
 * @param written digest of the record sets the marking write wrote ({@link #digest}); null in a mark of an older release
 */
public record OwnerMark(String group, long epoch, String decisionId, String written) {

    private static final Pattern TEXT = Pattern.compile(
            "failover-owner group=(\\S+) epoch=(\\d+) decision=(\\S+?)(?:/sets=([0-9a-f]{16}))?");

    /** A mark that does not say what was written, as older releases wrote them. */
    public OwnerMark(String group, long epoch, String decisionId) {
        this(group, epoch, decisionId, null);
    }

    /** The mark of a write of {@code sets}. */
    public static OwnerMark of(String group, long epoch, String decisionId, List<RecordSet> sets) {
        return new OwnerMark(group, epoch, decisionId, digest(sets));
    }

    /** The TXT record's text. */
    public String text() {
        return "failover-owner group=" + group + " epoch=" + epoch + " decision=" + decisionId
                + (written == null ? "" : "/sets=" + written);
    }

    /**
     * Whether {@code served} (the record's sets this group manages, as read) is what the marking write wrote; empty
     * when the mark does not say (an older release wrote it).
     */
    public Optional<Boolean> stillServes(List<RecordSet> served) {
        return written == null ? Optional.empty() : Optional.of(written.equals(digest(served)));
    }

    /**
     * A short digest of record sets, independent of their order and compared on what the reconciler compares: set
     * identifier, weight, values, alias, and the TTL unless it is an alias (Route 53 takes the alias target's).
     */
    public static String digest(List<RecordSet> sets) {
        String canonical = sets.stream().map(OwnerMark::canonical).sorted(Comparator.naturalOrder())
                .collect(Collectors.joining("\n"));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String canonical(RecordSet s) {
        String alias = s.alias() == null ? "-" : s.alias().hostedZoneId() + "|" + s.alias().dnsName() + "|"
                + s.alias().evaluateTargetHealth();
        return s.setIdentifier() + ";" + s.weight() + ";" + (s.alias() == null ? s.ttl() : "-") + ";"
                + String.join(",", new TreeSet<>(s.values())) + ";" + alias;
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
            return Optional.of(new OwnerMark(m.group(1), Long.parseLong(m.group(2)), m.group(3), m.group(4)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
