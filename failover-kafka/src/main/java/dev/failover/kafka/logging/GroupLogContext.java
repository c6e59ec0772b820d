package dev.failover.kafka.logging;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.MDC;

/**
 * The mapped diagnostic context (MDC) of log lines about one failover group, for the services that handle groups (the
 * decision-service and the actuator): {@value #GROUP}, and where a decision is in hand {@value #DECISION_ID} and
 * {@value #EPOCH}. JSON logs (docs/runbook.md, "Logs") carry them as fields of {@code mdc}, so a log pipeline
 * finds every line about a group or a decision without parsing messages.
 * <p>
 * Used with try-with-resources on the thread that logs; {@link #close()} puts back what was there before, so nested
 * contexts and pooled threads keep no stale group.
 */
public final class GroupLogContext implements AutoCloseable {

    public static final String GROUP = "group";
    public static final String DECISION_ID = "decisionId";
    public static final String EPOCH = "epoch";

    private final Map<String, Object> previous = new LinkedHashMap<>();

    private GroupLogContext() {
    }

    /** Lines about the group, no decision in hand. */
    public static GroupLogContext group(String group) {
        GroupLogContext context = new GroupLogContext();
        context.set(GROUP, group);
        return context;
    }

    /** Lines about one decision of the group (a missing id or epoch is left out). */
    public static GroupLogContext decision(String group, String decisionId, Long epoch) {
        GroupLogContext context = group(group);
        context.set(DECISION_ID, decisionId);
        context.set(EPOCH, epoch);
        return context;
    }

    private void set(String key, Object value) {
        Object before = value == null ? MDC.get(key) : MDC.put(key, value);
        if (value == null) {
            MDC.remove(key); // not this context's: a value of an outer one would be misread as this one's
        }
        previous.put(key, before);
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
