package dev.failover.contract.topology;

/**
 * Detection and switching thresholds of a group.
 *
 * @param failuresToDown     consecutive failures before a location calls a target DOWN; default 3
 * @param successesToUp      consecutive successes before a location calls it UP again; default 3 (hysteresis)
 * @param quorum             locations that must agree; default a majority of the topology's locations
 * @param minDwellSeconds    minimum seconds between two automatic switches; default 60
 * @param maxSwitchesPerHour more automatic switches than this in an hour freeze the group's automation; default 3
 * @param flapWindow         how many recent results per location the flap detection looks at; default 20
 * @param flapTransitions    a location whose last {@code flapWindow} results change between UP and DOWN this often is
 *                           FLAPPING: its verdict counts neither for nor against the target; default 5, 0 turns it off
 */
public record Thresholds(Integer failuresToDown, Integer successesToUp, Integer quorum, Integer minDwellSeconds,
        Integer maxSwitchesPerHour, Integer flapWindow, Integer flapTransitions) {

    public Thresholds {
        failuresToDown = failuresToDown == null ? 3 : failuresToDown;
        successesToUp = successesToUp == null ? 3 : successesToUp;
        minDwellSeconds = minDwellSeconds == null ? 60 : minDwellSeconds;
        maxSwitchesPerHour = maxSwitchesPerHour == null ? 3 : maxSwitchesPerHour;
        flapWindow = flapWindow == null ? 20 : flapWindow;
        flapTransitions = flapTransitions == null ? 5 : flapTransitions;
    }

    public static Thresholds defaults() {
        return new Thresholds(null, null, null, null, null, null, null);
    }

    /** The configured quorum, or a majority of {@code locationCount}. */
    public int quorumOf(int locationCount) {
        return quorum != null ? quorum : locationCount / 2 + 1;
    }
}
