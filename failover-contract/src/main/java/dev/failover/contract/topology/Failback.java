package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How traffic returns to a higher-priority target.
 *
 * @param mode            automatic, or manual (an operator must ask)
 * @param holdDownSeconds the higher-priority target must be healthy this long first; default 300
 */
public record Failback(Mode mode, Integer holdDownSeconds) {

    public Failback {
        mode = mode == null ? Mode.AUTOMATIC : mode;
        holdDownSeconds = holdDownSeconds == null ? 300 : holdDownSeconds;
    }

    public static Failback defaults() {
        return new Failback(null, null);
    }

    public enum Mode {
        @JsonProperty("automatic")
        AUTOMATIC,
        @JsonProperty("manual")
        MANUAL
    }
}
