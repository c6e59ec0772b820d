package dev.failover.decision.domain.state;

import java.time.Instant;

import dev.failover.decision.domain.model.Outcome;

/**
 * What governs a group's automation at an instant: the one precedence of holds, used by evaluation, by the start of a
 * drill and by the view alike. The declaration order is the precedence, strongest first, and the rule behind it is that
 * an operator's explicit intent beats anything automatic, and the more specific intent beats the broader one:
 * <ol>
 * <li>{@link #PINNED}: an operator named the target that must carry traffic (a pin, or a break-glass force). Nothing
 * automatic moves traffic off it, not even the end of a drill.</li>
 * <li>{@link #PAUSED}: an operator stopped automatic switching. The planned end or early abort of a drill is an
 * automatic switch too, so it waits for the resume: the operator may be working on the very region the drill would
 * return traffic to.</li>
 * <li>{@link #DRILL}: a drill runs; automation only ends it when it is due or aborts it when its target fails.</li>
 * <li>{@link #FROZEN}: the flap guard, automation's own brake. Below a drill because a drill's end only undoes the
 * drill's own switch (and a drill cannot start while frozen, nor can a freeze begin during a drill).</li>
 * <li>{@link #NONE}: automation runs on health.</li>
 * </ol>
 * A pin past its {@code until} no longer holds, even before evaluation has cleared it (with an audit entry). A drill
 * past its end still governs until evaluation ends it, because ending it is a switch that must be published.
 */
public enum Hold {
    PINNED(GroupView.Automation.PINNED, Outcome.HoldReason.PINNED),
    PAUSED(GroupView.Automation.PAUSED, Outcome.HoldReason.PAUSED),
    DRILL(GroupView.Automation.DRILL, Outcome.HoldReason.DRILL_RUNNING),
    FROZEN(GroupView.Automation.FROZEN, Outcome.HoldReason.FLAP_GUARD),
    NONE(GroupView.Automation.RUNNING, null);

    /** How the view shows it. */
    public final GroupView.Automation automation;
    /** The reason of an evaluation it holds; null for {@link #NONE}. */
    public final Outcome.HoldReason reason;

    Hold(GroupView.Automation automation, Outcome.HoldReason reason) {
        this.automation = automation;
        this.reason = reason;
    }

    /** The hold that governs a group with overrides {@code s} at {@code now}. */
    static Hold governing(Overrides s, Instant now) {
        if (s.pin() != null && (s.pin().until() == null || now.isBefore(s.pin().until()))) {
            return PINNED;
        }
        if (s.pause() != null) {
            return PAUSED;
        }
        if (s.drill() != null) {
            return DRILL;
        }
        if (s.freeze() != null) {
            return FROZEN;
        }
        return NONE;
    }

    /** For people: what holds automation, e.g. "paused by carol: deploying". */
    public String describe(Overrides s) {
        return switch (this) {
            case PINNED -> (s.pin().forced() ? "forced and pinned to " : "pinned to ") + s.pin().target() + " by "
                    + s.pin().principal() + (s.pin().until() == null ? "" : " until " + s.pin().until()) + ": "
                    + s.pin().reason();
            case PAUSED -> "paused by " + s.pause().principal() + ": " + s.pause().reason();
            case DRILL -> "a drill runs on " + s.drill().target() + " until " + s.drill().endsAt();
            case FROZEN -> "frozen by the flap guard since " + s.freeze().since() + ": " + s.freeze().reason();
            case NONE -> "running";
        };
    }
}
