package dev.failover.actuator.messaging;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.failover.actuator.config.ActuatorConfig;

/** Runs one group's plans one after another, and different groups' plans side by side. */
@ApplicationScoped
public class GroupLanes {

    private final ExecutorService pool;
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    public GroupLanes(ActuatorConfig config) {
        this.pool = Executors.newFixedThreadPool(config.parallelGroups(), r -> {
            Thread t = new Thread(r, "actuator-plan");
            t.setDaemon(true);
            return t;
        });
    }

    public CompletionStage<Void> submit(String group, Runnable plan) {
        CompletableFuture<Void> next = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(group, next);
        CompletableFuture<Void> after = previous == null ? CompletableFuture.completedFuture(null) : previous;
        after.handle((ok, error) -> null).thenRunAsync(plan, pool).whenComplete((ok, error) -> {
            tails.remove(group, next);
            if (error != null) {
                next.completeExceptionally(error);
            } else {
                next.complete(null);
            }
        });
        return next;
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
