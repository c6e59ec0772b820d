package dev.failover.actuator.config;

/**
 * One problem in the actuator's configuration.
 *
 * @param key     the configuration key ({@code failover.dns.rfc2136.server}) or the topology path
 *                ({@code groups[0].dns.hostedZoneId}) to fix
 * @param message what is wrong, naming the setting that makes it wrong
 */
public record ConfigError(String key, String message) {

    @Override
    public String toString() {
        return key + ": " + message;
    }
}
