package dev.failover.actuator.messaging;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.failover.contract.event.ActuationResult;

/** The last step results this instance published, newest first, for operators. Bounded. */
@ApplicationScoped
public class RecentActuations {

    static final int CAPACITY = 200;
    private final Deque<ActuationResult> recent = new ArrayDeque<>();

    synchronized void add(ActuationResult result) {
        recent.addFirst(result);
        if (recent.size() > CAPACITY) {
            recent.removeLast();
        }
    }

    public synchronized List<ActuationResult> latest(int limit) {
        return new ArrayList<>(recent).subList(0, Math.min(limit, recent.size()));
    }
}
