package dev.failover.actuator.permissions;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * What this actuator knows of its own permissions, for its API ({@code GET /permissions}, {@code failoverctl
 * permissions}): the check it runs and its last report, or why it checks nothing ahead. Each actuator checks with its
 * own region's credentials, so each has its own answer.
 */
@ApplicationScoped
public class PermissionReports {

    private volatile PermissionCheck check;
    private volatile String notChecked = "the actuator is starting";
    private volatile int neededUnchecked;

    /** The check runs from now on; its reports are read from it. */
    public void checking(PermissionCheck check) {
        this.check = check;
    }

    /** Nothing is checked ahead, for this reason, of the {@code needed} permissions the topology needs (0: none). */
    public void notChecked(String why, int needed) {
        this.check = null;
        this.notChecked = why;
        this.neededUnchecked = needed;
    }

    /** The check this actuator runs; empty when it checks nothing ahead ({@link #notCheckedBecause()} says why). */
    public Optional<PermissionCheck> check() {
        return Optional.ofNullable(check);
    }

    /** Why nothing is checked ahead, when {@link #check()} is empty. */
    public String notCheckedBecause() {
        return notChecked;
    }

    /** How many permissions the topology needs that are not checked, when {@link #check()} is empty. */
    public int neededUnchecked() {
        return neededUnchecked;
    }
}
