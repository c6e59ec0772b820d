package dev.failover.actuator.startup;

import jakarta.inject.Singleton;

import dev.failover.actuator.domain.reconcile.Waker;

/**
 * The reconcile loop's wake-ups, handed to the reconciler before the loop that runs its passes exists (the loop is made
 * from the reconciler): a lane's changed read wakes its group's pass, a gate opened the lanes' (ADR 0036).
 */
@Singleton
public class LoopWaker implements Waker {

    private volatile Waker loop = Waker.NONE;

    public void to(Waker started) {
        this.loop = started;
    }

    @Override
    public void group(String group) {
        loop.group(group);
    }

    @Override
    public void lane(String group, String lane) {
        loop.lane(group, lane);
    }
}
