package dev.failover.actuator.domain.data;

/**
 * A writable node that is a former primary: another node of the group was seen writing a later timeline (a
 * promotion after it), or, for a backend that reports no timeline, this instance promoted another node that still
 * writes. Its writes are on a history the group left: it must never get traffic again before it is rebuilt.
 *
 * @param newer the target whose node took over
 * @param why   the evidence, for results and the reason a move is blocked
 */
public record FormerPrimary(String newer, String why) {
}
