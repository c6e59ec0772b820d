package dev.failover.shipped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a set of rendered NetworkPolicies lets into a pod, by the Kubernetes rules for ingress: a pod no policy selects
 * takes everything; a selected pod takes what one rule of one selecting policy admits (its ports, and one of its peers:
 * a pod selector alone means the policy's namespace, a namespace selector alone any pod there, both together both). The
 * subset the manifests use: label selectors with matchLabels or matchExpressions (In, NotIn, Exists, DoesNotExist),
 * numbered single ports, peers by pod and namespace labels (a namespace known by its kubernetes.io/metadata.name label
 * only), and IPv4 ipBlock peers (cidr and except) for a connection from outside the cluster, such as a load balancer's
 * node. Anything else (a named port, a port range, an IPv6 block) is refused with an exception rather than answered: a
 * wrong answer would let a test pass while the cluster admits the traffic.
 */
final class NetworkPolicies {

    /**
     * Where a connection comes from: a pod (its namespace with that namespace's labels, and its own labels), or an
     * address outside the cluster ({@code namespace} null, {@code address} an IPv4 address).
     */
    record Peer(String namespace, Map<String, String> podLabels, String address) {

        Peer(String namespace, Map<String, String> podLabels) {
            this(namespace, podLabels, null);
        }

        static Peer outside(String address) {
            return new Peer(null, Map.of(), address);
        }

        Map<String, String> namespaceLabels() {
            return Map.of("kubernetes.io/metadata.name", namespace);
        }
    }

    private final List<JsonNode> policies = new ArrayList<>();

    NetworkPolicies(List<JsonNode> rendered) {
        for (JsonNode doc : rendered) {
            if (doc.get("kind").asText().equals("NetworkPolicy")) {
                policies.add(doc);
            }
        }
    }

    /** Whether a connection from {@code from} to {@code port}/{@code protocol} of a pod with these labels gets in. */
    boolean admits(String namespace, Map<String, String> podLabels, Peer from, int port, String protocol) {
        boolean selected = false;
        for (JsonNode policy : policies) {
            if (!policy.at("/metadata/namespace").asText().equals(namespace)
                    || !matches(policy.at("/spec/podSelector"), podLabels)
                    || !policyTypes(policy).contains("Ingress")) {
                continue;
            }
            selected = true;
            for (JsonNode rule : policy.at("/spec/ingress")) {
                if (portMatches(rule.path("ports"), port, protocol)
                        && peerMatches(rule.path("from"), namespace, from)) {
                    return true;
                }
            }
        }
        return !selected;
    }

    private static List<String> policyTypes(JsonNode policy) {
        List<String> types = new ArrayList<>();
        policy.at("/spec/policyTypes").forEach(t -> types.add(t.asText()));
        return types.isEmpty() ? List.of("Ingress") : types;
    }

    private static boolean portMatches(JsonNode ports, int port, String protocol) {
        if (ports.isMissingNode() || ports.isEmpty()) {
            return true;
        }
        for (JsonNode p : ports) {
            if (p.has("endPort") || (p.has("port") && !p.get("port").canConvertToInt())) {
                throw new IllegalArgumentException("a port range or a named port is not modelled: " + p);
            }
            if ((!p.has("port") || p.get("port").asInt() == port)
                    && p.path("protocol").asText("TCP").equals(protocol)) {
                return true;
            }
        }
        return false;
    }

    private static boolean peerMatches(JsonNode peers, String policyNamespace, Peer from) {
        if (peers.isMissingNode() || peers.isEmpty()) {
            return true;
        }
        for (JsonNode peer : peers) {
            if (peer.has("ipBlock")) {
                if (from.address() != null && inBlock(peer.get("ipBlock"), from.address())) {
                    return true;
                }
                continue;
            }
            boolean byNamespace = peer.has("namespaceSelector");
            boolean byPod = peer.has("podSelector");
            if (!byNamespace && !byPod) {
                throw new IllegalArgumentException("a peer without a selector or block is not modelled: " + peer);
            }
            if (from.namespace() == null) {
                continue; // a selector matches pods only
            }
            boolean namespaceOk = byNamespace ? matches(peer.get("namespaceSelector"), from.namespaceLabels())
                    : from.namespace().equals(policyNamespace);
            boolean podOk = !byPod || matches(peer.get("podSelector"), from.podLabels());
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    /** Whether an IPv4 address is in the block's cidr and in none of its exceptions. */
    static boolean inBlock(JsonNode block, String address) {
        if (!inCidr(block.get("cidr").asText(), address)) {
            return false;
        }
        for (JsonNode except : block.path("except")) {
            if (inCidr(except.asText(), address)) {
                return false;
            }
        }
        return true;
    }

    static boolean inCidr(String cidr, String address) {
        String[] parts = cidr.split("/");
        if (parts.length != 2 || cidr.contains(":") || address.contains(":")) {
            throw new IllegalArgumentException("only IPv4 blocks are modelled: " + cidr + " for " + address);
        }
        int bits = Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (ipv4(parts[0]) & mask) == (ipv4(address) & mask);
    }

    private static long ipv4(String dotted) {
        String[] octets = dotted.split("\\.");
        if (octets.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        long value = 0;
        for (String octet : octets) {
            int v = Integer.parseInt(octet);
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            value = value << 8 | v;
        }
        return value;
    }

    /** A label selector: every matchLabels pair and every matchExpression holds; an empty selector matches all. */
    static boolean matches(JsonNode selector, Map<String, String> labels) {
        for (var e : selector.path("matchLabels").properties()) {
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.get("key").asText();
            List<String> values = new ArrayList<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            boolean holds = switch (expression.get("operator").asText()) {
                case "In" -> values.contains(labels.get(key));
                case "NotIn" -> !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new IllegalArgumentException("unknown selector operator in " + expression);
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }
}
