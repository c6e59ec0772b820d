package dev.failover.contract.topology;

/**
 * Safety rules across groups (ADR 0010).
 *
 * @param correlatedFailure when the plane suspects its own eyes rather than the world
 * @param maxSwitchesPerDay automatic switches of all groups together in any 24 hours, at most; default two per group
 *                          (every group may fail over and back once a day), and at least 10
 */
public record TopologySafety(CorrelatedFailure correlatedFailure, Integer maxSwitchesPerDay) {

    public TopologySafety {
        correlatedFailure = correlatedFailure == null ? CorrelatedFailure.defaults() : correlatedFailure;
    }

    public static TopologySafety defaults() {
        return new TopologySafety(null, null);
    }

    /** The configured global budget, or two per group and at least 10 (never below a small topology's own budgets). */
    public int maxSwitchesPerDayOf(int groupCount) {
        return maxSwitchesPerDay != null ? maxSwitchesPerDay : Math.max(10, 2 * groupCount);
    }

    /**
     * The correlated-failure guard. A real region outage makes the targets of one region fail together; targets of more
     * regions starting to fail within a short window is more often the plane's own eyes (probes, network, Kafka). While it
     * suspects that, the guard holds every automatic switch of the groups that obey it, until the failing targets are in
     * {@code maxRegions} regions or fewer again, or an operator resumes the group.
     *
     * @param windowSeconds   targets whose failures began within this many seconds of each other failed together;
     *                        default 60
     * @param maxRegions      regions failing together that the plane believes; more trip the guard; default 1, so a
     *                        single-region outage always fails over
     * @param maxSharePercent with targets failing in more than one region, more than this share of all targets failing
     *                        together trips the guard too (meaningful when maxRegions is above 1; never trips on one
     *                        region); default 50
     * @param lastResortAfterSeconds a group with {@code whenAllDown: last-resort} whose every regional target is down and
     *                        whose last-resort target is seen HEALTHY goes there once the suspicion has held this
     *                        long: all regions down is the case the last resort exists for, and its target answering
     *                        shows the probes still see. The suspicion and its alert stay. 0..600; default 30
     */
    public record CorrelatedFailure(Integer windowSeconds, Integer maxRegions, Integer maxSharePercent,
            Integer lastResortAfterSeconds) {

        public CorrelatedFailure {
            windowSeconds = windowSeconds == null ? 60 : windowSeconds;
            maxRegions = maxRegions == null ? 1 : maxRegions;
            maxSharePercent = maxSharePercent == null ? 50 : maxSharePercent;
            lastResortAfterSeconds = lastResortAfterSeconds == null ? 30 : lastResortAfterSeconds;
        }

        public static CorrelatedFailure defaults() {
            return new CorrelatedFailure(null, null, null, null);
        }
    }
}
