package dev.failover.probe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;

class ResultBufferTest {

    static ProbeResult result(int second) {
        return ProbeResult.of("g", "t", "r", "loc-a", Instant.EPOCH.plusSeconds(second), ProbeOutcome.UP)
                .durationMillis(1L)
                .build();
    }

    @Test
    void whenFullTheOldestIsDroppedAndMemoryStaysBounded() {
        ResultBuffer buffer = new ResultBuffer(3);
        assertThat(buffer.offer(result(1))).isNull();
        buffer.offer(result(2));
        buffer.offer(result(3));
        assertThat(buffer.offer(result(4))).isEqualTo(result(1));
        assertThat(buffer.offer(result(5))).isEqualTo(result(2));
        assertThat(buffer.size()).isEqualTo(3);
        assertThat(buffer.poll()).isEqualTo(result(3));
        assertThat(buffer.poll()).isEqualTo(result(4));
        assertThat(buffer.poll()).isEqualTo(result(5));
        assertThat(buffer.poll()).isNull();
    }
}
