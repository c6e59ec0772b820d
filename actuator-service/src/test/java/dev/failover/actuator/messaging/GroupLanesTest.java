package dev.failover.actuator.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.config.ActuatorConfig;

/** One group's plans run one after another; another group's plan does not wait for them. */
class GroupLanesTest {

    static ActuatorConfig config(int parallel) {
        return (ActuatorConfig) java.lang.reflect.Proxy.newProxyInstance(ActuatorConfig.class.getClassLoader(),
                new Class<?>[] { ActuatorConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "parallelGroups" -> parallel;
                    case "hashCode" -> 0;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void plansOfOneGroupRunInOrderAndOtherGroupsDoNotWait() throws Exception {
        GroupLanes lanes = new GroupLanes(config(4));
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CompletableFuture<Void> first = lanes.submit("a", () -> {
            await(releaseFirst);
            order.add("a1");
        }).toCompletableFuture();
        CompletableFuture<Void> second = lanes.submit("a", () -> order.add("a2")).toCompletableFuture();
        CompletableFuture<Void> other = lanes.submit("b", () -> order.add("b1")).toCompletableFuture();

        other.get(30, TimeUnit.SECONDS); // group b is not held up by group a's slow plan
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        releaseFirst.countDown();
        second.get(30, TimeUnit.SECONDS);
        assertThat(order).containsExactly("b1", "a1", "a2");
        lanes.stop();
    }

    @Test
    void aFailedPlanDoesNotBlockTheNextOfItsGroup() throws Exception {
        GroupLanes lanes = new GroupLanes(config(2));
        CompletableFuture<Void> failing = lanes.submit("a", () -> {
            throw new IllegalStateException("boom");
        }).toCompletableFuture();
        CompletableFuture<Void> next = lanes.submit("a", () -> {
        }).toCompletableFuture();
        next.get(30, TimeUnit.SECONDS);
        assertThat(failing).isCompletedExceptionally();
        lanes.stop();
    }

    /** Holds a plan until the test releases it; the bound only keeps a broken test from hanging (longer than any get). */
    static void await(CountDownLatch latch) {
        try {
            latch.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
