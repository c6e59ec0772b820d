/**
 * An operator's commands on one group ({@link dev.failover.decision.domain.commands.GroupCommands}): pin, release,
 * force, pause, resume, switchover and its abort, drills, each applied once per command id, and the end of a drill,
 * whoever ends it ({@code Drills}, the start and end of a drill; {@code Moves}, the switch they all make). Uses the
 * explanations, the state and the model below it; the engine finds the group and calls it.
 */
package dev.failover.decision.domain.commands;
