package dev.failover.actuator.dns;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every DNS provider instance this actuator writes through, by id (ADR 0036, "Configuration per provider instance"):
 * the instances {@value #DEFAULT} ({@code failover.dns.provider} and its keys) and {@value #ARC}
 * ({@code failover.dns.arc.*}) of the groups without {@code dns.providers}, and the named instances
 * {@code failover.dns.providers.<id>.*} their lanes write; checked by the config resolver.
 *
 * @param fallback the instance of the groups without providers and without an {@code arc} key
 * @param arc      the instance of the groups without providers with an {@code arc} key; {@link ArcSettings#none()}
 *                 when there are none
 * @param named    the instances the topology's {@code dnsProviders} declare and its groups name, by id; never
 *                 {@value #DEFAULT} nor {@value #ARC}
 */
public record DnsInstances(DnsSettings fallback, ArcSettings arc, Map<String, DnsSettings> named) {

    /** The id of the instance of {@code failover.dns.provider}'s keys. */
    public static final String DEFAULT = "default";
    /** The id of the instance of {@code failover.dns.arc.*}. */
    public static final String ARC = "arc";

    public DnsInstances {
        named = Map.copyOf(new TreeMap<>(named));
        if (named.containsKey(DEFAULT) || named.containsKey(ARC)) {
            throw new IllegalArgumentException("the ids " + DEFAULT + " and " + ARC + " are the instances of the"
                    + " failover.dns.provider and failover.dns.arc keys, not named ones: " + named.keySet());
        }
    }

    /** Only the instance of {@code failover.dns.provider}'s keys, no group on ARC nor naming providers. */
    public static DnsInstances of(DnsSettings fallback) {
        return new DnsInstances(fallback, ArcSettings.none(), Map.of());
    }

    /**
     * Every instance a provider is built for: {@value #DEFAULT} always, {@value #ARC} when a group is switched with its
     * routing controls, then the named ones by id.
     */
    public Map<String, DnsSettings> all() {
        Map<String, DnsSettings> all = new LinkedHashMap<>();
        all.put(DEFAULT, fallback);
        if (!arc.groups().isEmpty()) {
            all.put(ARC, arc);
        }
        all.putAll(new TreeMap<>(named));
        return all;
    }

    /** The instance of this id, if there is one. */
    public Optional<DnsSettings> instance(String id) {
        return Optional.ofNullable(all().get(id));
    }
}
