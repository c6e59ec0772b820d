package dev.failover.decision.config;

import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Checks {@code failover.instance-id} when the configuration is read, so a bad id stops the start with a message naming
 * the key, instead of failing inside the Kafka consumer. The rule is Kafka's own for {@code group.instance.id}.
 */
public class InstanceIdConverter implements Converter<String> {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    @Override
    public String convert(String value) {
        if (value == null || !LEGAL.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "failover.instance-id '" + value + "' must be 1 to 249 ASCII letters, digits, "
                            + "'.', '_' and '-' (it is the Kafka group.instance.id of this instance)");
        }
        return value;
    }
}
