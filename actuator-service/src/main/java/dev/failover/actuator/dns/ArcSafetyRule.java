package dev.failover.actuator.dns;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One safety rule of an ARC control panel, as the control-configuration API lists it (ListSafetyRules), and how ARC
 * evaluates it on an update of routing control states (Developer Guide, "Safety rules"):
 * <ul>
 * <li>An <b>assertion</b> rule holds on the states an update would leave: an update that changes any of its asserted
 * controls is refused when the asserted controls would not satisfy the rule's configuration afterwards.</li>
 * <li>A <b>gating</b> rule is a switch on other controls: an update that changes any of its target controls is refused
 * unless its gating controls satisfy the configuration as they are.</li>
 * <li>The configuration: {@code ATLEAST} threshold controls On, {@code AND} all of them On, {@code OR} at least one
 * On; {@code inverted} negates it.</li>
 * </ul>
 * Used by {@link ArcRoutingControlProvider#preflight} (ADR 0020): a switch a rule would refuse is known before a
 * database is fenced or promoted, not after. The rule's wait period (changes refused for a while after one) is not
 * evaluated: such a refusal is temporary and retried.
 *
 * @param arn       the rule's ARN
 * @param name      its name
 * @param kind      assertion or gating
 * @param controls  an assertion rule's asserted controls; a gating rule's gating controls
 * @param targets   a gating rule's target controls; empty for an assertion rule
 * @param type      how {@code controls} are counted
 * @param threshold for {@code ATLEAST}: how many must be On
 * @param inverted  whether the configuration is negated
 */
public record ArcSafetyRule(String arn, String name, Kind kind, List<String> controls, List<String> targets, Type type,
        int threshold, boolean inverted) {

    public enum Kind {
        ASSERTION, GATING
    }

    public enum Type {
        ATLEAST, AND, OR
    }

    public ArcSafetyRule {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(type, "type");
        controls = List.copyOf(controls);
        targets = List.copyOf(targets);
    }

    /** Every routing control the rule reads or guards. */
    public Set<String> referenced() {
        return Set.copyOf(java.util.stream.Stream.concat(controls.stream(), targets.stream()).toList());
    }

    /**
     * Why ARC would refuse an update that takes the controls from {@code before} to {@code after} under this rule, or
     * empty when it would not. Both maps hold every {@linkplain #referenced() referenced} control, true for On.
     */
    public Optional<String> refuses(Map<String, Boolean> before, Map<String, Boolean> after) {
        List<String> guarded = kind == Kind.ASSERTION ? controls : targets;
        boolean changes = guarded.stream().anyMatch(c -> !Objects.equals(before.get(c), after.get(c)));
        if (!changes) {
            return Optional.empty();
        }
        Map<String, Boolean> evaluated = kind == Kind.ASSERTION ? after : before;
        if (satisfied(evaluated)) {
            return Optional.empty();
        }
        long on = controls.stream().filter(c -> Boolean.TRUE.equals(evaluated.get(c))).count();
        String config = (inverted ? "not " : "") + switch (type) {
            case ATLEAST -> "at least " + threshold + " On";
            case AND -> "all On";
            case OR -> "at least one On";
        };
        return Optional.of(kind == Kind.ASSERTION
                ? "the switch would leave " + on + " of its " + controls.size() + " asserted controls On (" + config
                        + ")"
                : "its gating controls allow no change to its target controls now (" + on + " of " + controls.size()
                        + " On, " + config + " needed)");
    }

    private boolean satisfied(Map<String, Boolean> states) {
        long on = controls.stream().filter(c -> Boolean.TRUE.equals(states.get(c))).count();
        boolean holds = switch (type) {
            case ATLEAST -> on >= threshold;
            case AND -> on == controls.size();
            case OR -> on >= 1;
        };
        return inverted != holds;
    }

    @Override
    public String toString() {
        return name + " (" + arn + ")";
    }
}
