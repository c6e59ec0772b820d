package dev.failover.testkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigTemplateTest {

    @Test
    void everyPlaceholderOfTheZoneTemplateIsFilledInLiterally() {
        String zone = ConfigTemplate.render("bind/zone.db.template",
                Map.of("ZONE", "failover.test", "RECORDS", "api IN A 192.0.2.10\nwww IN CNAME api $1 \\"));

        assertThat(zone).as("origin and records in place, $ and \\ kept as they are")
                .contains("$ORIGIN failover.test.\n", "\napi IN A 192.0.2.10\nwww IN CNAME api $1 \\")
                .doesNotContain("${");
    }

    @Test
    void aPlaceholderWithoutAValueIsNamed() {
        assertThatThrownBy(() -> ConfigTemplate.render("kafka/broker.properties.template",
                Map.of("BROKER_PORT", "1", "LOG_DIR", "/tmp/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kafka/broker.properties.template: no value for ${CONTROLLER_PORT}");
    }
}
