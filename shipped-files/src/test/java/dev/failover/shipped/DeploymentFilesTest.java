package dev.failover.shipped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.kafka.security.KafkaSecurityCheck;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Every Kubernetes overlay renders offline with kubectl kustomize, and what it renders fits the services: health
 * probes on the Quarkus paths and the port the app listens on, Services pointing at it, the probe location one of the
 * topology's, the topology valid, the PrometheusRule the same rules Prometheus is tested with.
 */
class DeploymentFilesTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path OVERLAYS = Repository.ROOT.resolve("k8s/overlays");
    /** Custom resources of the Prometheus operator: no model class to read them into, so only their kind is checked. */
    static final Set<String> CUSTOM_KINDS = Set.of("ServiceMonitor", "PrometheusRule");
    static final String REGION_LABEL = "failover.dev/region";

    /** Every overlay there is: a new one is checked without being listed here. */
    static List<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(OVERLAYS)) {
            return dirs.filter(dir -> Files.exists(dir.resolve("kustomization.yaml")))
                    .map(dir -> dir.getFileName().toString())
                    .sorted().toList();
        }
    }

    static List<JsonNode> render(String overlay) throws Exception {
        return documents(renderText(OVERLAYS.resolve(overlay)));
    }

    static String renderText(Path kustomization) throws Exception {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", kustomization.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).as("kubectl kustomize " + kustomization).isZero();
        return out;
    }

    static List<JsonNode> documents(String out) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(out)) {
            while (it.hasNext()) {
                docs.add((JsonNode) it.next());
            }
        }
        return docs;
    }

    /** The names of a container's two ports: the API (and the page), and the management interface (/q, ADR 0034). */
    static final String API_PORT = "http";
    static final String MANAGEMENT_PORT = "management";

    /** The containerPort of the container's port of this name; fails when it has none. */
    static int containerPort(JsonNode container, String name) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(name)) {
                return port.path("containerPort").asInt();
            }
        }
        throw new AssertionError("container " + container.path("name").asText() + " has no port named " + name + ": "
                + container.path("ports"));
    }

    /** The Service's port of this name; fails when it has none. */
    static JsonNode servicePort(JsonNode service, String name) {
        for (JsonNode port : service.at("/spec/ports")) {
            if (port.path("name").asText().equals(name)) {
                return port;
            }
        }
        throw new AssertionError("Service " + service.at("/metadata/name").asText() + " has no port named " + name
                + ": " + service.at("/spec/ports"));
    }

    static JsonNode env(JsonNode container, String name) {
        for (JsonNode e : container.get("env")) {
            if (e.get("name").asText().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** SASL_SSL with the service's own credentials from a Secret and the Kafka CA from a mounted Secret. */
    static void kafkaOverSaslSsl(String name, JsonNode deployment) {
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertThat(env(container, "KAFKA_SECURITY_PROTOCOL").get("value").asText()).as(name + " protocol")
                .isEqualTo("SASL_SSL");
        assertThat(env(container, "KAFKA_SASL_MECHANISM").get("value").asText()).as(name + " mechanism")
                .isEqualTo("SCRAM-SHA-512");
        assertThat(env(container, "KAFKA_SASL_JAAS_CONFIG").at("/valueFrom/secretKeyRef/key").asText())
                .as(name + " JAAS config")
                .isEqualTo("sasl.jaas.config");
        String truststore = env(container, "KAFKA_SSL_TRUSTSTORE_LOCATION").get("value").asText();
        JsonNode mount = null;
        for (JsonNode m : container.get("volumeMounts")) {
            if (truststore.startsWith(m.get("mountPath").asText() + "/")) {
                mount = m;
            }
        }
        assertThat(mount).as(name + ": a volume mounted where the truststore is").isNotNull();
        String volumeName = mount.get("name").asText();
        JsonNode volume = null;
        for (JsonNode v : deployment.at("/spec/template/spec/volumes")) {
            if (v.get("name").asText().equals(volumeName)) {
                volume = v;
            }
        }
        assertThat(volume).as(name + " volume " + volumeName).isNotNull();
        assertThat(volume.at("/secret/secretName").asText()).as(name + " truststore from a Secret").isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void anOverlayRendersAndFitsTheServices(String region) throws Exception {
        List<JsonNode> docs = render(region);
        Map<String, JsonNode> deployments = new HashMap<>();
        Map<String, JsonNode> services = new HashMap<>();
        Topology topology = topology(docs);
        JsonNode rule = null;
        for (JsonNode doc : docs) {
            String kind = doc.get("kind").asText();
            String name = doc.at("/metadata/name").asText();
            switch (kind) {
                case "Deployment", "StatefulSet" -> deployments.put(name, doc);
                case "Service" -> services.put(name, doc);
                case "PrometheusRule" -> rule = doc;
                default -> {
                }
            }
        }
        assertThat(deployments).containsOnlyKeys("probe-service", "decision-service", "actuator-service");
        for (var entry : deployments.entrySet()) {
            JsonNode container = entry.getValue().at("/spec/template/spec/containers/0");
            int containerPort = containerPort(container, API_PORT);
            assertThat(env(container, "QUARKUS_HTTP_PORT").get("value").asText())
                    .isEqualTo(String.valueOf(containerPort));
            // /q on the management interface (ADR 0034): a port of its own, set as the service reads it
            int management = containerPort(container, MANAGEMENT_PORT);
            assertThat(management).as(entry.getKey() + ": the management port is not the API's")
                    .isNotEqualTo(containerPort);
            JsonNode managementEnv = env(container, "QUARKUS_MANAGEMENT_PORT");
            assertThat(managementEnv).as(entry.getKey() + ": QUARKUS_MANAGEMENT_PORT").isNotNull();
            assertThat(managementEnv.path("value").asText()).isEqualTo(String.valueOf(management));
            // the decision-service's readiness is its restored state, not Kafka's health (OperatorPageIT freezes the
            // broker and asks the path written here)
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo(
                    entry.getKey().equals("decision-service") ? "/q/health/group/serving" : "/q/health/ready");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
            for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                assertThat(container.at("/" + probe + "/httpGet/port").asText())
                        .as(entry.getKey() + ": the port of its " + probe + " (/q is on the management port only)")
                        .isEqualTo(MANAGEMENT_PORT);
            }
            JsonNode service = services.get(entry.getKey());
            assertThat(service).as("Service of " + entry.getKey()).isNotNull();
            assertThat(servicePort(service, API_PORT).path("targetPort").asText()).isEqualTo(API_PORT);
            assertThat(servicePort(service, MANAGEMENT_PORT).path("targetPort").asText())
                    .as(entry.getKey() + ": its Service's port for Prometheus").isEqualTo(MANAGEMENT_PORT);
            assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
            kafkaOverSaslSsl(entry.getKey(), entry.getValue());
        }
        assertThat(deployments.values().stream()
                .map(d -> env(d.at("/spec/template/spec/containers/0"), "KAFKA_SASL_JAAS_CONFIG")
                        .at("/valueFrom/secretKeyRef/name").asText())
                .distinct()).as("one Kafka principal per service").hasSize(3);
        // one identity per service in the cluster too (on MSK with IAM, one role each: a probe-service's role must not
        // be able to write decisions)
        assertThat(deployments.values().stream().map(d -> d.at("/spec/template/spec/serviceAccountName").asText())
                .distinct())
                .as("one ServiceAccount per service").hasSize(3);
        String location = expandedEnv(deployments.get("probe-service"), 0).get("FAILOVER_LOCATION");
        assertThat(location).isEqualTo(region);
        assertThat(topology.locations()).contains(location);
        assertThat(expandedEnv(deployments.get("actuator-service"), 0).get("AWS_REGION")).isEqualTo(region);
        JsonNode rules = YAML.readTree(Repository.ROOT.resolve("monitoring/prometheus/failover-alerts.yml").toFile());
        assertThat(rule).as("PrometheusRule").isNotNull();
        // every alert carries the namespace its rule is in: an AlertmanagerConfig (prometheus-operator's default
        // matcher strategy, OnNamespace) routes only the alerts labelled with its own namespace
        String namespace = rule.at("/metadata/namespace").asText();
        assertThat(namespace).as(region + ": the PrometheusRule's namespace").isNotEmpty();
        for (JsonNode group : rule.at("/spec/groups")) {
            for (JsonNode alert : group.get("rules")) {
                assertThat(alert.at("/labels/namespace").asText()).as(region + ": the namespace label of "
                        + alert.path("alert").asText()).isEqualTo(namespace);
                ((ObjectNode) alert.get("labels")).remove("namespace");
            }
        }
        String runbook = siteData(OVERLAYS.resolve(region)).path("runbook-base-url").asText();
        assertThat(runbook).as(region + "/site.yaml: runbook-base-url").isNotEmpty();
        ObjectMapper json = new ObjectMapper();
        JsonNode spec = json.readTree(json.writeValueAsString(rule.get("spec")).replace(runbook + "/docs/runbook.md#",
                "{{ $externalLabels.runbook_base_url }}/docs/runbook.md#"));
        assertThat(spec)
                .as("PrometheusRule = monitoring/prometheus/failover-alerts.yml with the site's runbook-base-url "
                        + "(run scripts/sync-prometheus-rule.sh)")
                .isEqualTo(rules);
    }

    /**
     * The members of the decision-service's and the actuator's consumer groups have static ids that survive a rollout
     * (a pod name of a Deployment changes with every rollout and leaves a ghost member whose partitions stay dark for
     * the session timeout) and differ between regions (the groups span the regions, ADR 0005); and one probe replica
     * per location, since two replicas reporting as one location feed one tracker.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void groupMembersKeepTheirIdsAcrossRolloutsAndRegions(String region) throws Exception {
        Map<String, JsonNode> workloads = new HashMap<>();
        for (JsonNode doc : render(region)) {
            if (doc.at("/metadata/name").asText().endsWith("-service")
                    && List.of("Deployment", "StatefulSet").contains(doc.get("kind").asText())) {
                workloads.put(doc.at("/metadata/name").asText(), doc);
            }
        }
        for (String name : List.of("decision-service", "actuator-service")) {
            JsonNode workload = workloads.get(name);
            assertThat(workload.get("kind").asText()).as(name + ": pods that keep their names across a rollout")
                    .isEqualTo("StatefulSet");
            assertThat(expandedEnv(workload, 0).get("FAILOVER_INSTANCE_ID")).as(name + " pod 0's FAILOVER_INSTANCE_ID")
                    .isEqualTo(region + "-" + name + "-0");
        }
        assertThat(workloads.get("probe-service").at("/spec/replicas").asInt())
                .as("probe replicas of location " + region)
                .isEqualTo(1);
    }

    /**
     * Route 53 allows 5 calls a second per account, for every region's actuators together. Each overlay's actuator
     * declares as many sharing instances as the overlays' actuator replicas add up to, and the account's budget split
     * by them keeps the whole plane within 5 a second.
     */
    @Test
    void theActuatorsOfEveryRegionShareOneRoute53Budget() throws Exception {
        int replicas = 0;
        Map<String, Map<String, String>> envs = new HashMap<>();
        for (String overlay : overlays()) {
            for (JsonNode doc : render(overlay)) {
                if (doc.at("/metadata/name").asText().equals("actuator-service")
                        && doc.get("kind").asText().equals("StatefulSet")) {
                    replicas += doc.at("/spec/replicas").asInt();
                    envs.put(overlay, expandedEnv(doc, 0));
                }
            }
        }
        assertThat(envs).as("an actuator in each overlay").hasSize(overlays().size());
        for (var entry : envs.entrySet()) {
            Map<String, String> env = entry.getValue();
            assertThat(env.get("FAILOVER_DNS_PROVIDER")).isEqualTo("route53");
            assertThat(env.get("FAILOVER_DNS_ROUTE53_BUDGET_INSTANCES"))
                    .as(entry.getKey() + ": the instances sharing the"
                            + " account's budget, all overlays' actuator replicas")
                    .isEqualTo(Integer.toString(replicas));
            double account = Double
                    .parseDouble(env.getOrDefault("FAILOVER_DNS_ROUTE53_BUDGET_ACCOUNT_REQUESTS_PER_SECOND", "4"));
            double perInstance = account / Integer.parseInt(env.get("FAILOVER_DNS_ROUTE53_BUDGET_INSTANCES"));
            assertThat(perInstance * replicas).as("all actuators together, each at its share").isLessThanOrEqualTo(5.0);
            assertThat(env).as("no per-instance budget")
                    .doesNotContainKey("FAILOVER_DNS_ROUTE53_BUDGET_REQUESTS_PER_SECOND");
        }
    }

    /**
     * The topology ConfigMap is mounted as a directory (a subPath mount never sees an update, so the probe-service's
     * hot reload could not work).
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theTopologyCanBeReloaded(String region) throws Exception {
        List<JsonNode> workloads = new ArrayList<>();
        for (JsonNode doc : render(region)) {
            if (List.of("Deployment", "StatefulSet").contains(doc.get("kind").asText())) {
                workloads.add(doc);
            }
        }
        assertThat(workloads).isNotEmpty();
        for (JsonNode workload : workloads) {
            String name = workload.at("/metadata/name").asText();
            JsonNode container = workload.at("/spec/template/spec/containers/0");
            String file = env(container, "FAILOVER_TOPOLOGY_FILE").get("value").asText();
            JsonNode mount = null;
            for (JsonNode m : container.get("volumeMounts")) {
                if (m.get("name").asText().equals("topology")) {
                    mount = m;
                }
            }
            assertThat(mount).as(name + ": the topology mount").isNotNull();
            assertThat(mount.has("subPath")).as(name + ": the topology mounted with subPath (never updated)").isFalse();
            assertThat(file).as(name + ": FAILOVER_TOPOLOGY_FILE inside the mounted directory")
                    .startsWith(mount.get("mountPath").asText() + "/");
        }
    }

    /**
     * An overlay creates nothing outside the plane's namespace but what its topology needs there: the scaler's Role and
     * RoleBinding in the namespace of each Deployment the topology scales in this region's cluster (scaling.kind:
     * kubernetes, its cluster named like the region by default). A Role in a namespace the cluster lacks fails the
     * first apply of the whole overlay; one in a namespace nothing scales grants what no one needs.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void anOverlayGrantsOnlyWhatItsTopologyScales(String overlay) throws Exception {
        assertGrantsFitTheTopology(overlay, render(overlay));
    }

    static void assertGrantsFitTheTopology(String region, List<JsonNode> docs) {
        // per namespace: one scaler Role and its binding (named failover-actuator-scaler, or so prefixed in a copy of the
        // component for a second namespace), and nothing else
        Map<String, List<String>> expected = new TreeMap<>();
        for (FailoverGroup group : topology(docs).groups()) {
            for (Target target : group.targets()) {
                if (target.scaling() instanceof ScalingRef.KubernetesDeployment deployment
                        && region.equals(deployment.cluster())) {
                    expected.put(deployment.namespace(), List.of("Role", "RoleBinding"));
                }
            }
        }
        Map<String, List<String>> outside = new TreeMap<>();
        for (JsonNode doc : docs) {
            String namespace = doc.at("/metadata/namespace").asText();
            String kind = doc.get("kind").asText();
            String name = doc.at("/metadata/name").asText();
            if (!namespace.isEmpty() && !namespace.equals("failover")) {
                boolean scaler = name.startsWith("failover-actuator-scaler")
                        && List.of("Role", "RoleBinding").contains(kind);
                outside.computeIfAbsent(namespace, n -> new ArrayList<>()).add(scaler ? kind : kind + "/" + name);
            }
        }
        outside.values().forEach(Collections::sort);
        assertThat(outside)
                .as("k8s/overlays/" + region + ": objects outside namespace failover, by namespace (the topology "
                        + "scales Deployments of this region's cluster in " + expected.keySet() + ")")
                .isEqualTo(expected);
    }

    /** The topology of a rendered overlay, from its ConfigMap. */
    static Topology topology(List<JsonNode> docs) {
        for (JsonNode doc : docs) {
            String name = doc.at("/metadata/name").asText();
            if (doc.get("kind").asText().equals("ConfigMap") && name.startsWith("failover-topology")) {
                return TopologyLoader.parse(doc.at("/data/failover.yaml").asText(), "ConfigMap " + name);
            }
        }
        throw new AssertionError("no topology ConfigMap");
    }

    /**
     * An overlay that lists the scaler component, with the scaled namespace in its site.yaml, grants the actuator's
     * service account in failover what it needs in that namespace (the base's namespace would put the Role in failover:
     * 403 on every scale); without the component, the same topology's grants are found missing before any failover
     * finds them.
     */
    @Test
    void theScalerComponentGrantsInTheNamespaceTheSiteNames(@TempDir Path copy) throws Exception {
        String region = "us-east-1";
        Path k8s = copyOfK8s(copy);
        Path topologyFile = k8s.resolve("base/failover.yaml");
        JsonNode topology = YAML.readTree(topologyFile.toFile());
        for (JsonNode target : topology.at("/groups/0/targets")) {
            if (target.get("region").asText().equals(region)) {
                ((ObjectNode) target).set("scaling", YAML.readTree(
                        "{kind: kubernetes, namespace: shop, deployment: api, activeSize: 3, pilotLightSize: 1}"));
            }
        }
        YAML.writeValue(topologyFile.toFile(), topology);
        Path overlay = k8s.resolve("overlays/" + region);
        assertThatThrownBy(() -> assertGrantsFitTheTopology(region, documents(renderText(overlay))))
                .as("the topology scales in shop, the overlay grants nothing there").hasMessageContaining("shop");

        Path kustomization = overlay.resolve("kustomization.yaml");
        ObjectNode kustomize = (ObjectNode) YAML.readTree(kustomization.toFile());
        ((ArrayNode) kustomize.get("components")).add("../../scaler");
        YAML.writeValue(kustomization.toFile(), kustomize);
        ObjectNode site = (ObjectNode) YAML.readTree(overlay.resolve("site.yaml").toFile());
        ((ObjectNode) site.get("data")).put("scaled-namespace", "shop");
        YAML.writeValue(overlay.resolve("site.yaml").toFile(), site);

        List<JsonNode> docs = documents(renderText(overlay));
        assertGrantsFitTheTopology(region, docs);
        for (JsonNode doc : docs) {
            if (doc.at("/metadata/name").asText().equals("failover-actuator-scaler")
                    && doc.get("kind").asText().equals("Role")) {
                Set<String> granted = new TreeSet<>();
                for (JsonNode rule : doc.get("rules")) {
                    rule.get("apiGroups").forEach(g -> rule.get("resources").forEach(r -> rule.get("verbs").forEach(
                            v -> granted.add(g.asText() + " " + r.asText() + " " + v.asText()))));
                }
                // what KubernetesScaler asks: the Deployment read and patched; its HPAs listed and their minimum patched
                assertThat(granted).as("the scaler's Role").contains("apps deployments get", "apps deployments patch",
                        "autoscaling horizontalpodautoscalers list", "autoscaling horizontalpodautoscalers patch");
            }
            if (doc.at("/metadata/name").asText().equals("failover-actuator-scaler")
                    && doc.get("kind").asText().equals("RoleBinding")) {
                assertThat(doc.at("/subjects/0/name").asText()).isEqualTo("failover-actuator");
                assertThat(doc.at("/subjects/0/namespace").asText()).as("the actuator's namespace")
                        .isEqualTo("failover");
                assertThat(doc.at("/roleRef/name").asText()).isEqualTo("failover-actuator-scaler");
            }
        }
    }

    /**
     * On kube-prometheus-stack, whose Prometheus selects only the ServiceMonitors and PrometheusRules labelled release:
     * its Helm release, the overlay's are (the release named in site.yaml), so the services are scraped and the rules
     * (the Watchdog among them) loaded; and the dashboard is a ConfigMap its Grafana sidecar picks up (label
     * grafana_dashboard: "1"), the same as monitoring/grafana/failover-dashboard.json.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void monitoringLoadsOnKubePrometheusStack(String overlay) throws Exception {
        String release = siteData(OVERLAYS.resolve(overlay)).path("prometheus-release").asText();
        assertThat(release).as(overlay + "/site.yaml: prometheus-release").isNotEmpty();
        Map<String, JsonNode> found = new TreeMap<>();
        for (JsonNode doc : render(overlay)) {
            String kind = doc.get("kind").asText();
            String name = doc.at("/metadata/name").asText();
            if (CUSTOM_KINDS.contains(kind) || (kind.equals("ConfigMap") && name.equals("failover-dashboard"))) {
                found.put(kind, doc);
            }
        }
        assertThat(found).containsOnlyKeys("ServiceMonitor", "PrometheusRule", "ConfigMap");
        for (String kind : CUSTOM_KINDS) {
            assertThat(found.get(kind).at("/metadata/labels/release").asText()).as(kind + "'s release label")
                    .isEqualTo(release);
        }
        JsonNode dashboard = found.get("ConfigMap");
        assertThat(dashboard.at("/metadata/labels/grafana_dashboard").asText()).as("the Grafana sidecar's label")
                .isEqualTo("1");
        assertThat(dashboard.at("/metadata/namespace").asText()).isEqualTo("failover");
        assertThat(new ObjectMapper().readTree(dashboard.at("/data/failover-dashboard.json").asText()))
                .as("the dashboard = monitoring/grafana/failover-dashboard.json (run scripts/sync-prometheus-rule.sh)")
                .isEqualTo(new ObjectMapper()
                        .readTree(Repository.ROOT.resolve("monitoring/grafana/failover-dashboard.json").toFile()));
    }

    /**
     * Each pod of the plane is scraped once: exactly one Service that the ServiceMonitor selects (its labels, and a port
     * of the endpoint's name) selects the pod. A second one (a StatefulSet's headless governing Service with the same
     * labels and port) would make every series twice, doubling sums and failing the evaluation of alerts that join
     * on (group, target, instance).
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void eachPodIsScrapedOnce(String overlay) throws Exception {
        List<JsonNode> docs = render(overlay);
        JsonNode monitor = docs.stream().filter(d -> d.get("kind").asText().equals("ServiceMonitor")).findFirst()
                .orElseThrow();
        String port = monitor.at("/spec/endpoints/0/port").asText();
        // metrics on the management interface only (ADR 0034): the API's port answers 404 for /q
        assertThat(monitor.at("/spec/endpoints")).as(overlay + ": the ServiceMonitor's endpoints").isNotEmpty()
                .allSatisfy(endpoint -> assertThat(endpoint.path("port").asText())
                        .as(overlay + ": the port /q/metrics is scraped on").isEqualTo(MANAGEMENT_PORT));
        int workloads = 0;
        for (JsonNode workload : docs) {
            if (!List.of("Deployment", "StatefulSet").contains(workload.get("kind").asText())) {
                continue;
            }
            workloads++;
            Map<String, String> podLabels = labels(workload.at("/spec/template/metadata/labels"));
            List<String> scraped = new ArrayList<>();
            for (JsonNode service : docs) {
                if (!service.get("kind").asText().equals("Service")) {
                    continue;
                }
                Map<String, String> serviceLabels = labels(service.at("/metadata/labels"));
                Map<String, String> selector = labels(service.at("/spec/selector"));
                boolean selectsPod = !selector.isEmpty() && podLabels.entrySet().containsAll(selector.entrySet());
                boolean hasPort = false;
                for (JsonNode p : service.at("/spec/ports")) {
                    hasPort |= p.path("name").asText().equals(port);
                }
                if (selectsPod && hasPort && NetworkPolicies.matches(monitor.at("/spec/selector"), serviceLabels)) {
                    scraped.add(service.at("/metadata/name").asText());
                }
            }
            assertThat(scraped)
                    .as(workload.at("/metadata/name").asText() + ": the Services the ServiceMonitor scrapes it through")
                    .hasSize(1);
        }
        assertThat(workloads).isEqualTo(3);
    }

    /**
     * The compose stack as the manifests: its Prometheus (deploy/compose/prometheus.yml) scrapes each of the five
     * services on its management port, never the API's (ADR 0034), and each publishes its management port on the host
     * at management_port of its published API port (scripts/lib/ports.sh), where scripts/compose-demo.sh asks for
     * readiness; the image declares both ports.
     */
    @Test
    void theComposeStackScrapesAndPublishesTheManagementPort() throws Exception {
        String containerfile = Files.readString(Repository.ROOT.resolve("deploy/containers/Containerfile"));
        Map<String, Integer> image = new TreeMap<>();
        Matcher set = Pattern.compile("\\b(QUARKUS_HTTP_PORT|QUARKUS_MANAGEMENT_PORT)=(\\d+)").matcher(containerfile);
        while (set.find()) {
            image.put(set.group(1), Integer.parseInt(set.group(2)));
        }
        assertThat(image).as("the ports deploy/containers/Containerfile sets").containsOnlyKeys("QUARKUS_HTTP_PORT",
                "QUARKUS_MANAGEMENT_PORT");
        assertThat(containerfile).as("the image declares both ports").containsPattern("EXPOSE .*\\b"
                + image.get("QUARKUS_MANAGEMENT_PORT") + "\\b");
        JsonNode services = YAML.readTree(Repository.ROOT.resolve("docker-compose.yml").toFile()).get("services");
        JsonNode prometheus = YAML.readTree(Repository.ROOT.resolve("deploy/compose/prometheus.yml").toFile());
        Set<String> scraped = new TreeSet<>();
        for (JsonNode job : prometheus.get("scrape_configs")) {
            assertThat(job.path("metrics_path").asText()).as(job.path("job_name").asText()).isEqualTo("/q/metrics");
            for (JsonNode target : job.at("/static_configs/0/targets")) {
                String[] hostAndPort = target.asText().split(":");
                JsonNode service = services.get(hostAndPort[0]);
                assertThat(service).as("the compose service scraped as " + target.asText()).isNotNull();
                int api = service.at("/environment/QUARKUS_HTTP_PORT").asInt(image.get("QUARKUS_HTTP_PORT"));
                int management = service.at("/environment/QUARKUS_MANAGEMENT_PORT")
                        .asInt(image.get("QUARKUS_MANAGEMENT_PORT"));
                assertThat(Integer.parseInt(hostAndPort[1])).as(job.path("job_name").asText() + " scrapes "
                        + target.asText() + " on its management port").isEqualTo(management).isNotEqualTo(api);
                Map<Integer, Integer> published = new TreeMap<>(); // the container's port -> the host's
                for (JsonNode mapping : service.path("ports")) {
                    String[] parts = mapping.asText().split(":");
                    published.put(Integer.parseInt(parts[parts.length - 1]), Integer.parseInt(parts[parts.length - 2]));
                }
                assertThat(published).as(hostAndPort[0] + ": its published ports").containsKey(api);
                assertThat(published.get(management)).as(hostAndPort[0] + ": its management port published at "
                        + "management_port of its API's (scripts/lib/ports.sh)")
                        .isEqualTo(managementPort(published.get(api)));
                scraped.add(hostAndPort[0]);
            }
        }
        assertThat(scraped).containsExactlyInAnyOrder("probe-loc-a", "probe-loc-b", "probe-loc-c", "decision",
                "actuator");
    }

    /** The management port of a service on this host whose API port is {@code apiPort}, as the scripts derive it. */
    static int managementPort(int apiPort) throws Exception {
        Process bash = new ProcessBuilder("bash", "-c", "source \"$1\" && management_port \"$2\"", "bash",
                Repository.ROOT.resolve("scripts/lib/ports.sh").toString(), String.valueOf(apiPort))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as("management_port " + apiPort + " (scripts/lib/ports.sh)").isZero();
        return Integer.parseInt(out);
    }

    /** A labels or selector map of a rendered object (empty when absent). */
    static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new TreeMap<>();
        node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    /** The labels prometheus-operator gives the pods of k8s/alertmanager's Alertmanager (named failover). */
    static final Map<String, String> ALERTMANAGER_POD = Map.of("alertmanager", "failover", "app.kubernetes.io/name",
            "alertmanager",
            "app.kubernetes.io/instance", "failover", "app.kubernetes.io/managed-by", "prometheus-operator");

    /**
     * The network policies of an overlay and of k8s/alertmanager, applied together in namespace failover, let in what
     * each pod serves and nothing from elsewhere: the services' management port from the monitoring namespace (scrapes;
     * not their API port) and the decision-service's API port from the ingress namespace (not its management port); the
     * Alertmanager's alerts (9093) from the monitoring namespace's Prometheus and its replicas' gossip (9094, TCP and
     * UDP) from each other. The base's default deny selects every pod of the namespace, the operator's Alertmanager
     * pods included.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theNetworkPoliciesLetInWhatEachPodServes(String overlay) throws Exception {
        List<JsonNode> docs = new ArrayList<>(render(overlay));
        docs.addAll(documents(renderText(Repository.ROOT.resolve("k8s/alertmanager"))));
        NetworkPolicies policies = new NetworkPolicies(docs);
        NetworkPolicies.Peer prometheus = new NetworkPolicies.Peer("monitoring",
                Map.of("app.kubernetes.io/name", "prometheus"));
        NetworkPolicies.Peer ingress = new NetworkPolicies.Peer("ingress", Map.of());
        NetworkPolicies.Peer elsewhere = new NetworkPolicies.Peer("default", Map.of("app", "anything"));
        int workloads = 0;
        for (JsonNode doc : docs) {
            if (!List.of("Deployment", "StatefulSet").contains(doc.get("kind").asText())) {
                continue;
            }
            workloads++;
            String name = doc.at("/metadata/name").asText();
            Map<String, String> labels = labels(doc.at("/spec/template/metadata/labels"));
            JsonNode container = doc.at("/spec/template/spec/containers/0");
            int port = containerPort(container, API_PORT);
            int management = containerPort(container, MANAGEMENT_PORT);
            assertThat(policies.admits("failover", labels, prometheus, management, "TCP"))
                    .as(name + ": scraped from monitoring").isTrue();
            assertThat(policies.admits("failover", labels, prometheus, port, "TCP"))
                    .as(name + ": its API from monitoring").isFalse();
            assertThat(policies.admits("failover", labels, elsewhere, port, "TCP"))
                    .as(name + ": reached from elsewhere").isFalse();
            assertThat(policies.admits("failover", labels, elsewhere, management, "TCP"))
                    .as(name + ": /q from elsewhere").isFalse();
            assertThat(policies.admits("failover", labels, ingress, port, "TCP"))
                    .as(name + ": its API from the ingress namespace")
                    .isEqualTo(name.equals("decision-service"));
            assertThat(policies.admits("failover", labels, ingress, management, "TCP"))
                    .as(name + ": /q from the ingress namespace").isFalse();
        }
        assertThat(workloads).isEqualTo(3);
        assertThat(policies.admits("failover", ALERTMANAGER_POD, prometheus, 9093, "TCP")).as("alerts from Prometheus")
                .isTrue();
        NetworkPolicies.Peer replica = new NetworkPolicies.Peer("failover", ALERTMANAGER_POD);
        assertThat(policies.admits("failover", ALERTMANAGER_POD, replica, 9094, "TCP"))
                .as("gossip between replicas (TCP)").isTrue();
        assertThat(policies.admits("failover", ALERTMANAGER_POD, replica, 9094, "UDP"))
                .as("gossip between replicas (UDP)").isTrue();
        assertThat(policies.admits("failover", ALERTMANAGER_POD, elsewhere, 9093, "TCP")).as("alerts from elsewhere")
                .isFalse();
        // the decision-service reads the firing alerts for a drill's blockingAlerts and abortAlerts
        NetworkPolicies.Peer decider = new NetworkPolicies.Peer("failover",
                Map.of("app.kubernetes.io/name", "decision-service",
                        "app.kubernetes.io/part-of", "failover"));
        assertThat(policies.admits("failover", ALERTMANAGER_POD, decider, 9093, "TCP"))
                .as("the decision-service reads it").isTrue();
    }

    /**
     * The ingress-alb component and Cognito, as docs/deploy-eks.md step 6 sets them up in a copy of an overlay: two
     * Ingresses of one internal load balancer in the site's subnets (bearer tokens pass, browsers are signed in by
     * Cognito with the site's pool, client and domain), routing and health checks on the API's port only (/q is on the
     * management port, ADR 0034), the decision-service believing the header from the site's signer only, the load
     * balancer's addresses admitted to the decision-service's API and to nothing else, and the Cognito claims merged
     * into failover-identity for both services, each with its own app client.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theAlbComponentSignsPeopleInThroughTheLoadBalancer(String region, @TempDir Path copy) throws Exception {
        Path overlay = copyOfK8s(copy).resolve("overlays/" + region);
        List<JsonNode> without = documents(renderText(overlay));
        assertThat(without).as("no Ingress without the component")
                .noneMatch(d -> d.get("kind").asText().equals("Ingress"));

        Path kustomization = overlay.resolve("kustomization.yaml");
        ObjectNode kustomize = (ObjectNode) YAML.readTree(kustomization.toFile());
        ((ArrayNode) kustomize.get("components")).add("../../ingress-alb");
        kustomize.set("configMapGenerator", YAML.readTree("""
                - name: failover-identity
                  behavior: merge
                  literals: [audience-claim=client_id, "groups-claim=cognito:groups", name-claim=username,
                    decision-audience=4kcp1hr6qlm0c2j2gd8bmm4t7, actuator-audience=1b3d5f7h9j1l3n5p7r9t1v3x5z]
                """));
        YAML.writeValue(kustomization.toFile(), kustomize);
        ObjectNode site = (ObjectNode) YAML.readTree(overlay.resolve("site.yaml").toFile());
        String signer = "arn:aws:elasticloadbalancing:" + region + ":123456789012:loadbalancer/app/failover-" + region
                + "/50dc6c495c0c9188";
        ((ObjectNode) site.get("data")).put("alb-host", "failover." + region + ".corp.internal")
                .put("alb-certificate-arn", "arn:aws:acm:" + region + ":123456789012:certificate/0f1e2d3c-4b5a")
                .put("alb-subnets-cidr", "10.20.0.0/16").put("alb-subnets", ALB_SUBNETS)
                .put("cognito-user-pool-arn", "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123")
                .put("cognito-alb-client-id", "7q3k9m2p5r8t1v4x6z0b2d4f6h").put("cognito-domain", "failover-corp")
                .put("alb-signer-arn", signer);
        YAML.writeValue(overlay.resolve("site.yaml").toFile(), site);
        String out = renderText(overlay);
        for (String mark : List.of("ALB_HOST", "ALB_CERTIFICATE_ARN", "ALB_SUBNETS_CIDR", "ALB_SUBNET_IDS",
                "THE_ALB_ARN", "COGNITO_USER_POOL_ARN", "COGNITO_ALB_CLIENT_ID", "COGNITO_DOMAIN", "failover-REGION")) {
            assertThat(out).as("the mark " + mark + " is filled").doesNotContain(mark);
        }
        List<JsonNode> docs = documents(out);

        Map<String, JsonNode> ingresses = new TreeMap<>();
        JsonNode decisionService = null;
        JsonNode decision = null;
        JsonNode actuator = null;
        JsonNode identity = null;
        for (JsonNode doc : docs) {
            String kind = doc.get("kind").asText();
            String name = doc.at("/metadata/name").asText();
            if (kind.equals("Ingress")) {
                ingresses.put(name, doc);
            } else if (kind.equals("StatefulSet") && name.equals("decision-service")) {
                decision = doc.at("/spec/template/spec/containers/0");
            } else if (List.of("Deployment", "StatefulSet").contains(kind) && name.equals("actuator-service")) {
                actuator = doc.at("/spec/template/spec/containers/0");
            } else if (kind.equals("ConfigMap") && name.startsWith("failover-identity")) {
                identity = doc;
            } else if (kind.equals("Service") && name.equals("decision-service")) {
                decisionService = doc;
            }
        }
        assertThat(ingresses).containsOnlyKeys("decision-service-bearer", "decision-service-sign-in");
        int apiPort = servicePort(decisionService, API_PORT).path("port").asInt();
        for (JsonNode ingress : ingresses.values()) {
            JsonNode notes = ingress.at("/metadata/annotations");
            assertThat(ingress.at("/spec/ingressClassName").asText()).isEqualTo("alb");
            assertThat(ingress.at("/metadata/namespace").asText()).as("beside its Service").isEqualTo("failover");
            assertThat(notes.path("alb.ingress.kubernetes.io/group.name").asText()).as("one load balancer")
                    .isEqualTo("failover");
            assertThat(notes.path("alb.ingress.kubernetes.io/load-balancer-name").asText())
                    .isEqualTo("failover-" + region);
            assertThat(notes.path("alb.ingress.kubernetes.io/scheme").asText()).isEqualTo("internal");
            assertThat(notes.path("alb.ingress.kubernetes.io/target-type").asText()).isEqualTo("ip");
            // the load balancer in the site's subnets, which alb-subnets-cidr (the NetworkPolicy below) covers: left to
            // the controller's discovery, it could land in subnets whose addresses the policy drops
            assertThat(notes.path("alb.ingress.kubernetes.io/subnets").asText())
                    .as("the load balancer's subnets, the site's").isEqualTo(ALB_SUBNETS);
            // /q is not the API's (ADR 0034): the load balancer checks targets on the port it routes to, at a path
            // served there (FailoverChainIT asks it of a packaged decision-service), which the readiness probe's is not
            assertThat(notes.path("alb.ingress.kubernetes.io/healthcheck-port").asText("traffic-port"))
                    .as("health checks on the port traffic goes to").isEqualTo("traffic-port");
            assertThat(notes.path("alb.ingress.kubernetes.io/healthcheck-path").asText()).as("the health check's path")
                    .startsWith("/").doesNotStartWith("/q/");
            assertThat(ingress.at("/spec/rules/0/host").asText()).isEqualTo("failover." + region + ".corp.internal");
            for (JsonNode rule : ingress.at("/spec/rules")) {
                for (JsonNode path : rule.at("/http/paths")) {
                    JsonNode backend = path.at("/backend/service");
                    assertThat(backend.path("name").asText()).isEqualTo("decision-service");
                    JsonNode port = backend.path("port");
                    int routed = port.has("name") ? servicePort(decisionService, port.get("name").asText()).path("port")
                            .asInt() : port.path("number").asInt();
                    assertThat(routed).as(ingress.at("/metadata/name").asText() + ": the port it routes to, the API's")
                            .isEqualTo(apiPort);
                }
            }
        }
        JsonNode bearer = ingresses.get("decision-service-bearer").at("/metadata/annotations");
        assertThat(bearer.has("alb.ingress.kubernetes.io/auth-type")).as("bearer tokens pass unauthenticated")
                .isFalse();
        JsonNode condition = YAML
                .readTree(bearer.path("alb.ingress.kubernetes.io/conditions.decision-service").asText());
        assertThat(condition.at("/0/httpHeaderConfig/httpHeaderName").asText()).isEqualTo("Authorization");
        assertThat(condition.at("/0/httpHeaderConfig/values/0").asText()).isEqualTo("Bearer *");
        JsonNode signIn = ingresses.get("decision-service-sign-in").at("/metadata/annotations");
        assertThat(Integer.parseInt(signIn.path("alb.ingress.kubernetes.io/group.order").asText()))
                .as("the bearer rule is matched first")
                .isGreaterThan(Integer.parseInt(bearer.path("alb.ingress.kubernetes.io/group.order").asText()));
        assertThat(signIn.path("alb.ingress.kubernetes.io/auth-type").asText()).isEqualTo("cognito");
        JsonNode cognito = YAML.readTree(signIn.path("alb.ingress.kubernetes.io/auth-idp-cognito").asText());
        assertThat(cognito.path("userPoolARN").asText())
                .isEqualTo("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123");
        assertThat(cognito.path("userPoolClientID").asText()).isEqualTo("7q3k9m2p5r8t1v4x6z0b2d4f6h");
        assertThat(cognito.path("userPoolDomain").asText()).isEqualTo("failover-corp");

        assertThat(env(decision, "FAILOVER_ALB_SIGNER_ARNS").path("value").asText()).isEqualTo(signer);
        assertThat(env(decision, "FAILOVER_ALB_CLIENT_ID").path("value").asText())
                .isEqualTo("7q3k9m2p5r8t1v4x6z0b2d4f6h");
        assertThat(env(decision, "FAILOVER_ALB_GROUPS_CLAIM").path("value").asText())
                .isEqualTo("custom:failover_roles");
        assertThat(identity.at("/data/audience-claim").asText()).isEqualTo("client_id");
        assertThat(identity.at("/data/groups-claim").asText()).isEqualTo("cognito:groups");
        assertThat(identity.at("/data/jwt-issuer").asText()).as("the site's issuer survives the merge")
                .isNotEqualTo("OIDC_ISSUER");
        for (var service : Map.of("decision-audience", decision, "actuator-audience", actuator).entrySet()) {
            assertThat(env(service.getValue(), "FAILOVER_JWT_AUDIENCE").at("/valueFrom/configMapKeyRef/key").asText())
                    .as("each API its own app client").isEqualTo(service.getKey());
            for (String claim : List.of("FAILOVER_JWT_AUDIENCE_CLAIM", "FAILOVER_JWT_GROUPS_CLAIM",
                    "FAILOVER_JWT_NAME_CLAIM")) {
                assertThat(env(service.getValue(), claim).at("/valueFrom/configMapKeyRef/name").asText())
                        .isEqualTo(identity.at("/metadata/name").asText());
            }
        }

        NetworkPolicies policies = new NetworkPolicies(docs);
        NetworkPolicies.Peer albNode = NetworkPolicies.Peer.outside("10.20.37.5");
        NetworkPolicies.Peer elsewhere = NetworkPolicies.Peer.outside("192.0.2.10");
        for (JsonNode doc : docs) {
            if (!List.of("Deployment", "StatefulSet").contains(doc.get("kind").asText())) {
                continue;
            }
            String name = doc.at("/metadata/name").asText();
            Map<String, String> labels = labels(doc.at("/spec/template/metadata/labels"));
            JsonNode container = doc.at("/spec/template/spec/containers/0");
            int port = containerPort(container, API_PORT);
            int management = containerPort(container, MANAGEMENT_PORT);
            assertThat(policies.admits("failover", labels, albNode, port, "TCP")).as(name + " from the load balancer")
                    .isEqualTo(name.equals("decision-service"));
            assertThat(policies.admits("failover", labels, albNode, management, "TCP"))
                    .as(name + ": /q from the load balancer").isFalse();
            assertThat(policies.admits("failover", labels, elsewhere, port, "TCP")).as(name + " from outside the VPC")
                    .isFalse();
        }

        // a site that lists the component without the subnets: the render stops, naming the key
        ((ObjectNode) site.get("data")).remove("alb-subnets");
        YAML.writeValue(overlay.resolve("site.yaml").toFile(), site);
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", overlay.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String error = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).as("kubectl kustomize without alb-subnets in site.yaml").isNotZero();
        assertThat(error).as("the render's error").contains("data.alb-subnets");
    }

    /** A site's load balancer subnets as alb.ingress.kubernetes.io/subnets takes them: ids (or Name tags). */
    static final String ALB_SUBNETS = "subnet-0a1b2c3d4e5f60718,subnet-0b2c3d4e5f6071829,subnet-0c3d4e5f607182930";

    /**
     * The gateway-httproute component, as docs/deploy-eks.md step 6 sets it up: an HTTPRoute beside the
     * decision-service's Service, attached to the site's Gateway for the site's host, to that Service's API port (not
     * its management port); the Gateway's proxies (pods of its namespace) admitted to the decision-service's API and to
     * nothing else.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theGatewayComponentRoutesToTheDecisionServiceOnly(String region, @TempDir Path copy) throws Exception {
        Path overlay = overlayWith(copy, region, "gateway-httproute", Map.of("gateway-name", "shared",
                "gateway-namespace", "envoy-gateway-system", "gateway-host", "failover." + region + ".corp.internal"));

        String out = renderText(overlay);
        for (String mark : List.of("GATEWAY_NAME", "GATEWAY_NAMESPACE", "GATEWAY_HOST")) {
            assertThat(out).as("the mark " + mark + " is filled").doesNotContain(mark);
        }
        List<JsonNode> docs = documents(out);
        JsonNode route = docs.stream().filter(d -> d.get("kind").asText().equals("HTTPRoute")).findFirst()
                .orElseThrow(() -> new AssertionError("no HTTPRoute"));
        JsonNode service = docs.stream().filter(d -> d.get("kind").asText().equals("Service")
                && d.at("/metadata/name").asText().equals("decision-service")).findFirst().orElseThrow();
        assertThat(route.at("/metadata/namespace").asText()).as("beside its Service").isEqualTo("failover");
        assertThat(route.at("/spec/parentRefs/0/name").asText()).isEqualTo("shared");
        assertThat(route.at("/spec/parentRefs/0/namespace").asText()).isEqualTo("envoy-gateway-system");
        assertThat(route.at("/spec/hostnames/0").asText()).isEqualTo("failover." + region + ".corp.internal");
        // every rule to the Service's API port, never its management port (/q, ADR 0034)
        assertThat(route.at("/spec/rules")).isNotEmpty().allSatisfy(rule -> assertThat(rule.path("backendRefs"))
                .isNotEmpty().allSatisfy(ref -> {
                    assertThat(ref.path("name").asText()).isEqualTo("decision-service");
                    assertThat(ref.path("port").asInt()).as("the Service's API port")
                            .isEqualTo(servicePort(service, API_PORT).path("port").asInt());
                }));

        NetworkPolicies policies = new NetworkPolicies(docs);
        NetworkPolicies.Peer proxy = new NetworkPolicies.Peer("envoy-gateway-system", Map.of("app", "envoy"));
        NetworkPolicies.Peer elsewhere = new NetworkPolicies.Peer("shop", Map.of("app", "envoy"));
        for (JsonNode doc : docs) {
            if (!List.of("Deployment", "StatefulSet").contains(doc.get("kind").asText())) {
                continue;
            }
            String name = doc.at("/metadata/name").asText();
            Map<String, String> labels = labels(doc.at("/spec/template/metadata/labels"));
            JsonNode container = doc.at("/spec/template/spec/containers/0");
            int port = containerPort(container, API_PORT);
            assertThat(policies.admits("failover", labels, proxy, port, "TCP")).as(name + " from the Gateway's proxies")
                    .isEqualTo(name.equals("decision-service"));
            assertThat(policies.admits("failover", labels, proxy, containerPort(container, MANAGEMENT_PORT), "TCP"))
                    .as(name + ": /q from the Gateway's proxies").isFalse();
            assertThat(policies.admits("failover", labels, elsewhere, port, "TCP")).as(name + " from another namespace")
                    .isFalse();
        }
    }

    /**
     * The alertmanager-config component, for the team's own Alertmanager (prometheus-operator), as docs/deploy-eks.md
     * sets it up: an AlertmanagerConfig in namespace failover with the release label the team's Alertmanager selects
     * by, the region's own dead man's switch from its site.yaml, and the routes and inhibitions of
     * monitoring/alertmanager/alertmanager.yml (checked with amtool by scripts/check-alerts.sh) under one route taking
     * the plane's alerts.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theAlertmanagerConfigComponentRoutesAsTheTestedConfigurationDoes(String region, @TempDir Path copy)
            throws Exception {
        String check = "https://hc-ping.com/0f2c1e4a-" + region;
        String globalCheck = "https://hc-ping.com/5d6e7f80-global";
        String alertmanager = "http://alertmanager-operated.monitoring.svc:9093";
        Path overlay = overlayWith(copy, region, "alertmanager-config", Map.of("deadmans-switch-url", check,
                "global-deadmans-switch-url", globalCheck, "alertmanager-url", alertmanager));

        String out = renderText(overlay);
        assertThat(out).as("the mark is filled").doesNotContain("DEADMANS_SWITCH_URL");
        // the decision-service reads that Alertmanager for the drills' alerts
        List<JsonNode> rendered = documents(out);
        JsonNode alerting = rendered.stream().filter(d -> d.get("kind").asText().equals("ConfigMap")
                && d.at("/metadata/name").asText().startsWith("failover-alerting")).findFirst().orElseThrow();
        assertThat(alerting.at("/data/alertmanager-url").asText()).isEqualTo(alertmanager);
        JsonNode decider = rendered.stream().filter(d -> d.at("/metadata/name").asText().equals("decision-service")
                && d.get("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        assertThat(env(decider.at("/spec/template/spec/containers/0"), "FAILOVER_ALERTMANAGER_URL")
                .at("/valueFrom/configMapKeyRef/name").asText()).isEqualTo(alerting.at("/metadata/name").asText());
        JsonNode config = documents(out).stream().filter(d -> d.get("kind").asText().equals("AlertmanagerConfig"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no AlertmanagerConfig"));
        assertThat(config.at("/metadata/namespace").asText()).isEqualTo("failover");
        assertThat(config.at("/metadata/labels/release").asText()).as("the release the Alertmanager selects by")
                .isEqualTo(siteData(overlay).path("prometheus-release").asText());
        JsonNode spec = config.get("spec");
        JsonNode deadMan = null;
        for (JsonNode receiver : spec.get("receivers")) {
            if (receiver.get("name").asText().equals("dead-mans-switch")) {
                deadMan = receiver;
            }
        }
        assertThat(deadMan.at("/webhookConfigs/0/url").asText()).as("this region's own check").isEqualTo(check);
        // the global ruler's Watchdog (ruler="global") to a check of its own, which no region's Watchdog keeps green
        JsonNode globalDeadMan = null;
        for (JsonNode receiver : spec.get("receivers")) {
            if (receiver.get("name").asText().equals("global-dead-mans-switch")) {
                globalDeadMan = receiver;
            }
        }
        assertThat(globalDeadMan).as("the receiver global-dead-mans-switch").isNotNull();
        assertThat(globalDeadMan.at("/webhookConfigs/0/url").asText()).as("the global ruler's check")
                .isEqualTo(globalCheck);

        JsonNode tested = YAML.readTree(Repository.ROOT.resolve("monitoring/alertmanager/alertmanager.yml").toFile());
        JsonNode top = spec.get("route");
        assertThat(matchers(top.get("matchers"))).as("one route for the plane's alerts")
                .containsExactly("alertname=~\"Failover.*\"");
        assertThat(route(top)).as("the top route").isEqualTo(route(tested.get("route")));
        List<Map<String, Object>> routes = new ArrayList<>();
        top.get("routes").forEach(r -> routes.add(route(r)));
        List<Map<String, Object>> testedRoutes = new ArrayList<>();
        tested.at("/route/routes").forEach(r -> testedRoutes.add(route(r)));
        assertThat(routes).as("the routes").isEqualTo(testedRoutes);
        List<Map<String, Object>> inhibitions = new ArrayList<>();
        spec.get("inhibitRules").forEach(r -> inhibitions.add(inhibition(r)));
        List<Map<String, Object>> testedInhibitions = new ArrayList<>();
        tested.get("inhibit_rules").forEach(r -> testedInhibitions.add(inhibition(r)));
        assertThat(inhibitions).as("the inhibitions").isEqualTo(testedInhibitions);
        Set<String> receivers = new TreeSet<>();
        spec.get("receivers").forEach(r -> receivers.add(r.get("name").asText()));
        Set<String> testedReceivers = new TreeSet<>();
        tested.get("receivers").forEach(r -> testedReceivers.add(r.get("name").asText()));
        assertThat(receivers).as("the receivers").isEqualTo(testedReceivers);
    }

    /** A route of either form (Alertmanager's snake_case, the CRD's camelCase) as one comparable map, sub-routes aside. */
    static Map<String, Object> route(JsonNode r) {
        Map<String, Object> out = new TreeMap<>();
        out.put("receiver", r.path("receiver").asText());
        // the CRD's top route takes the plane's alerts only (its Alertmanager serves others too): compared without it
        out.put("matchers",
                matchers(r.get("matchers")).stream().filter(m -> !m.equals("alertname=~\"Failover.*\"")).toList());
        for (String[] key : new String[][] { { "group_by", "groupBy" }, { "group_wait", "groupWait" },
                { "group_interval", "groupInterval" }, { "repeat_interval", "repeatInterval" } }) {
            JsonNode value = r.has(key[0]) ? r.get(key[0]) : r.get(key[1]);
            out.put(key[0], value == null ? "" : value.toString());
        }
        return out;
    }

    static Map<String, Object> inhibition(JsonNode r) {
        Map<String, Object> out = new TreeMap<>();
        out.put("source", matchers(r.has("source_matchers") ? r.get("source_matchers") : r.get("sourceMatch")));
        out.put("target", matchers(r.has("target_matchers") ? r.get("target_matchers") : r.get("targetMatch")));
        out.put("equal", r.path("equal").toString());
        return out;
    }

    /** Matchers as Alertmanager writes them, name="value", from either form; empty for none. */
    static List<String> matchers(JsonNode list) {
        List<String> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (JsonNode m : list) {
            out.add(m.isObject()
                    ? m.get("name").asText() + m.path("matchType").asText("=") + "\"" + m.get("value").asText() + "\""
                    : m.asText().replace(" ", ""));
        }
        return out;
    }

    /**
     * A copy of k8s/ under {@code dir} whose overlay {@code region} also lists {@code component} (as the guide says to add
     * it) and has {@code site} added to its site.yaml; returns the overlay's folder.
     */
    static Path overlayWith(Path dir, String region, String component, Map<String, String> site) throws IOException {
        Path overlay = copyOfK8s(dir).resolve("overlays/" + region);
        Path kustomization = overlay.resolve("kustomization.yaml");
        ObjectNode kustomize = (ObjectNode) YAML.readTree(kustomization.toFile());
        ((ArrayNode) kustomize.get("components")).add("../../" + component);
        YAML.writeValue(kustomization.toFile(), kustomize);
        ObjectNode siteFile = (ObjectNode) YAML.readTree(overlay.resolve("site.yaml").toFile());
        site.forEach(((ObjectNode) siteFile.get("data"))::put);
        YAML.writeValue(overlay.resolve("site.yaml").toFile(), siteFile);
        return overlay;
    }

    /** A copy of k8s/ under {@code dir}, to render with changed files. */
    static Path copyOfK8s(Path dir) throws IOException {
        Path k8s = dir.resolve("k8s");
        try (Stream<Path> files = Files.walk(Repository.ROOT.resolve("k8s"))) {
            for (Path from : files.toList()) {
                Path to = k8s.resolve(Repository.ROOT.resolve("k8s").relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
        return k8s;
    }

    /**
     * The plane's pods keep running when a region is in trouble and start as slowly as they must: a PriorityClass of
     * their own above ordinary workloads (the kubelet evicts, and the scheduler preempts, lower priorities first under
     * node pressure, exactly during a regional incident); a startupProbe on /q/health/started that holds the liveness
     * probe off until the service has started (a slow start is not a dead one); each StatefulSet's serviceName a
     * headless Service (the per-pod DNS names, actuator-service-0.actuator-service-pods.failover.svc, that a
     * StatefulSet's governing Service exists for); and no Kubernetes API token in pods that never call the API.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void thePodsOutlastNodePressureAndSlowStarts(String overlay) throws Exception {
        Map<String, JsonNode> byKindAndName = new HashMap<>();
        List<JsonNode> workloads = new ArrayList<>();
        for (JsonNode doc : render(overlay)) {
            String kind = doc.get("kind").asText();
            byKindAndName.put(kind + "/" + doc.at("/metadata/name").asText(), doc);
            if (List.of("Deployment", "StatefulSet").contains(kind)) {
                workloads.add(doc);
            }
        }
        for (JsonNode workload : workloads) {
            String name = workload.at("/metadata/name").asText();
            JsonNode pod = workload.at("/spec/template/spec");
            JsonNode priority = byKindAndName.get("PriorityClass/" + pod.path("priorityClassName").asText());
            assertThat(priority).as(name + ": a PriorityClass of the overlay").isNotNull();
            assertThat(priority.path("value").asLong())
                    .as(name + ": priority above ordinary pods (0), below the system's")
                    .isBetween(1L, 1_000_000_000L);
            assertThat(priority.path("globalDefault").asBoolean()).as("the plane's class is nobody's default")
                    .isFalse();
            JsonNode container = pod.at("/containers/0");
            assertThat(container.at("/startupProbe/httpGet/path").asText()).as(name + ": startupProbe")
                    .isEqualTo("/q/health/started");
            assertThat(container.at("/startupProbe/periodSeconds").asInt()
                    * container.at("/startupProbe/failureThreshold").asInt())
                    .as(name + ": seconds a start may take").isGreaterThanOrEqualTo(60);
            assertThat(container.at("/livenessProbe/initialDelaySeconds").asInt())
                    .as(name + ": liveness waits for the startupProbe, not a guess")
                    .isZero();
            if (workload.get("kind").asText().equals("StatefulSet")) {
                JsonNode governing = byKindAndName.get("Service/" + workload.at("/spec/serviceName").asText());
                assertThat(governing).as(name + ": its serviceName is a Service of the overlay").isNotNull();
                assertThat(governing.at("/spec/clusterIP").asText()).as(name + ": its governing Service is headless")
                        .isEqualTo("None");
                assertThat(governing.at("/spec/selector")).isEqualTo(workload.at("/spec/selector/matchLabels"));
            }
            JsonNode account = byKindAndName.get("ServiceAccount/" + pod.path("serviceAccountName").asText());
            assertThat(account).as(name + ": its ServiceAccount").isNotNull();
            boolean mounted = pod.path("automountServiceAccountToken")
                    .asBoolean(account.path("automountServiceAccountToken").asBoolean(true));
            assertThat(mounted).as(name + ": a Kubernetes API token mounted (only the actuator scales Deployments)")
                    .isEqualTo(name.equals("actuator-service"));
        }
        assertThat(workloads).hasSize(3);
    }

    /** The first container's env of pod {@code ordinal} as Kubernetes expands it: $(VAR) from the env before it, field refs. */
    static Map<String, String> expandedEnv(JsonNode workload, int ordinal) {
        JsonNode container = workload.at("/spec/template/spec/containers/0");
        Map<String, String> values = new HashMap<>();
        for (JsonNode e : container.get("env")) {
            String value;
            if (e.has("value")) {
                value = e.get("value").asText();
                for (var known : values.entrySet()) {
                    value = value.replace("$(" + known.getKey() + ")", known.getValue());
                }
            } else {
                String field = e.at("/valueFrom/fieldRef/fieldPath").asText();
                if (field.equals("metadata.name")) {
                    value = workload.at("/metadata/name").asText() + "-" + ordinal;
                } else if (field.startsWith("metadata.labels['")) {
                    value = workload.at("/spec/template/metadata/labels").path(field.substring(17, field.length() - 2))
                            .asText();
                } else {
                    continue;
                }
            }
            values.put(e.get("name").asText(), value);
        }
        return values;
    }

    // the alerts' runbook rows and links and the failoverctl commands they name, of both rule files: AlertRulesTest

    /**
     * Overlay check: every rendered object reads into fabric8's model class of its kind with no field left over (an
     * unknown or misspelt field, or a value of the wrong type, lands in a model's additional properties), the offline
     * stand-in for a schema validator (neither kubeconform nor kubeval is installable here).
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyObjectIsValidForItsKind(String overlay) throws Exception {
        KubernetesSerialization kubernetes = new KubernetesSerialization();
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : render(overlay)) {
            String what = doc.path("kind").asText() + " " + doc.at("/metadata/name").asText();
            Object object;
            try {
                object = kubernetes.unmarshal(doc.toString());
            } catch (RuntimeException e) {
                Throwable cause = e;
                while (cause.getCause() != null) {
                    cause = cause.getCause();
                }
                problems.add(what + ": " + cause.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            if (!(object instanceof HasMetadata resource)) {
                problems.add(what + ": not a Kubernetes object");
                continue;
            }
            if (object instanceof GenericKubernetesResource) {
                if (!CUSTOM_KINDS.contains(resource.getKind())) {
                    problems.add(what + ": unknown kind " + resource.getApiVersion() + "/" + resource.getKind());
                }
                continue;
            }
            leftOverFields(object, what, problems);
        }
        assertThat(problems).as("kubectl kustomize k8s/overlays/" + overlay + ": objects that do not fit their kind")
                .isEmpty();
    }

    /** Additional properties anywhere in a fabric8 model object: fields its kind does not have, or of the wrong type. */
    static void leftOverFields(Object value, String path, List<String> problems) throws IllegalAccessException {
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                leftOverFields(list.get(i), path + "[" + i + "]", problems);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (var entry : map.entrySet()) {
                leftOverFields(entry.getValue(), path + "." + entry.getKey(), problems);
            }
        } else if (value != null && value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            for (Class<?> type = value.getClass(); type != Object.class; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers())) {
                        continue;
                    }
                    field.setAccessible(true);
                    Object fieldValue = field.get(value);
                    if (field.getName().equals("additionalProperties")) {
                        if (fieldValue instanceof Map<?, ?> extra && !extra.isEmpty()) {
                            problems.add(path + ": not a field of " + value.getClass().getSimpleName() + ": "
                                    + extra.keySet());
                        }
                    } else {
                        leftOverFields(fieldValue, path + "." + field.getName(), problems);
                    }
                }
            }
        }
    }

    /**
     * Every container image is set through the base's kustomize {@code images:} (the registry in one place; none keeps
     * the local build name failover/*), tagged with the project's version, which is a release: no -SNAPSHOT in the poms
     * nor in a tag.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void imagesAreTheReleaseFromTheImagesList(String overlay) throws Exception {
        String version = projectVersion();
        assertThat(version).as("the version in pom.xml (scripts/set-version.sh)").doesNotContain("SNAPSHOT")
                .matches("\\d+\\.\\d+\\.\\d+");
        JsonNode kustomization = YAML.readTree(Repository.ROOT.resolve("k8s/base/kustomization.yaml").toFile());
        assertThat(kustomization.has("images")).as("k8s/base/kustomization.yaml sets the images (images:)").isTrue();
        Map<String, String> images = new TreeMap<>();
        kustomization.get("images").forEach(image -> images.put(image.get("name").asText(),
                image.get("newName").asText() + ":" + image.get("newTag").asText()));
        Map<String, String> used = new TreeMap<>();
        for (JsonNode doc : render(overlay)) {
            for (JsonNode container : doc.at("/spec/template/spec/containers")) {
                used.put(doc.at("/metadata/name").asText() + "/" + container.get("name").asText(),
                        container.get("image").asText());
            }
        }
        assertThat(used).as("containers of " + overlay).hasSize(3);
        assertThat(used.values()).as("images of " + overlay + " set by k8s/base/kustomization.yaml images:")
                .allSatisfy(image -> assertThat(images.values()).contains(image))
                .allSatisfy(image -> assertThat(image).endsWith(":" + version).doesNotContain("SNAPSHOT"));
        assertThat(images.keySet()).as("the local build names the images: list replaces")
                .containsExactlyInAnyOrder("failover/probe-service", "failover/decision-service",
                        "failover/actuator-service");
    }

    /** The version of the parent pom, which every module inherits. */
    static String projectVersion() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Repository.ROOT.resolve("pom.xml").toFile());
        var children = pom.getDocumentElement().getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i).getNodeName().equals("version")) {
                return children.item(i).getTextContent().trim();
            }
        }
        throw new AssertionError("pom.xml has no version");
    }

    /**
     * Every object carries the plane's label and its overlay's region (the network policies, the ServiceMonitor and the
     * alerts select by the first; the instance ids, the probe location and the AWS region come from the second), and
     * every pod template the region too, since the pods read it through the downward API.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyObjectIsLabelledWithThePlaneAndItsRegion(String overlay) throws Exception {
        Map<String, String> required = Map.of("app.kubernetes.io/part-of", "failover", REGION_LABEL, overlay);
        List<String> missing = new ArrayList<>();
        for (JsonNode doc : render(overlay)) {
            String what = doc.get("kind").asText() + " " + doc.at("/metadata/name").asText();
            required.forEach((label, value) -> {
                if (!doc.at("/metadata/labels").path(label).asText().equals(value)) {
                    missing.add(what + ": " + label + "=" + value);
                }
                JsonNode template = doc.at("/spec/template/metadata/labels");
                if (!template.isMissingNode() && !template.path(label).asText().equals(value)) {
                    missing.add(what + " pod template: " + label + "=" + value);
                }
            });
        }
        assertThat(missing).as("labels missing in " + overlay).isEmpty();
    }

    /**
     * A probe-only location (k8s/probe-only, the third location of a team with two regions of targets) renders the
     * probe-service with what it reads and nothing of the decision-service or the actuator, and not the regional rules:
     * its Prometheus is where the global ones run, over the target regions' federated series (with k8s/global-alerts:
     * AlertRulesTest).
     */
    @Test
    void aProbeOnlyLocationRunsTheProbeServiceAlone(@TempDir Path copy) throws Exception {
        List<JsonNode> docs = documents(renderText(overlayWith(copy, "eu-west-1", "probe-only", Map.of())));
        List<String> workloads = docs.stream()
                .filter(d -> List.of("Deployment", "StatefulSet").contains(d.get("kind").asText()))
                .map(d -> d.at("/metadata/name").asText()).toList();
        assertThat(workloads).containsExactly("probe-service");
        assertThat(docs).as("nothing of the decision-service or the actuator, no rules").noneMatch(d -> {
            String name = d.at("/metadata/name").asText();
            return name.contains("decision") || name.contains("actuator")
                    || d.get("kind").asText().equals("PrometheusRule");
        });
        JsonNode probe = docs.stream().filter(d -> d.get("kind").asText().equals("Deployment")).findFirst()
                .orElseThrow();
        Set<String> configMaps = new TreeSet<>();
        docs.stream().filter(d -> d.get("kind").asText().equals("ConfigMap"))
                .forEach(d -> configMaps.add(d.at("/metadata/name").asText()));
        probe.at("/spec/template/spec/containers/0/env").forEach(e -> {
            JsonNode ref = e.at("/valueFrom/configMapKeyRef/name");
            if (!ref.isMissingNode()) {
                assertThat(configMaps).as("the ConfigMap of " + e.get("name").asText()).contains(ref.asText());
            }
        });
        probe.at("/spec/template/spec/volumes").forEach(v -> {
            if (v.has("configMap")) {
                assertThat(configMaps).as("volume " + v.get("name").asText())
                        .contains(v.at("/configMap/name").asText());
            }
        });
        assertThat(docs).as("its ServiceAccount").anyMatch(d -> d.get("kind").asText().equals("ServiceAccount")
                && d.at("/metadata/name").asText().equals(probe.at("/spec/template/spec/serviceAccountName").asText()));
    }

    /**
     * The forge's release workflow builds an image for every module the Containerfile packages (one with JVM options,
     * src/main/jvm/jvm.options) and no other, from files that exist, and the standalone CLI with scripts/release.sh.
     */
    @Test
    void theReleaseWorkflowBuildsEveryImageFromFilesThatExist() throws Exception {
        JsonNode workflow = YAML.readTree(Repository.ROOT.resolve(".github/workflows/release.yml").toFile());
        Set<String> built = new TreeSet<>();
        workflow.at("/jobs/images/strategy/matrix/app").forEach(app -> built.add(app.asText()));
        Set<String> packaged = new TreeSet<>();
        try (Stream<Path> modules = Files.list(Repository.ROOT)) {
            modules.filter(m -> Files.exists(m.resolve("src/main/jvm/jvm.options")))
                    .forEach(m -> packaged.add(m.getFileName().toString()));
        }
        assertThat(built).as("the workflow's images").isEqualTo(packaged).isNotEmpty();
        String text = Files.readString(Repository.ROOT.resolve(".github/workflows/release.yml"));
        for (String file : List.of("deploy/containers/Containerfile", "scripts/release.sh", "scripts/lib/pom.sh")) {
            assertThat(text).as("the workflow uses " + file).contains(file);
            assertThat(Repository.ROOT.resolve(file)).as(file).exists();
        }
    }

    /**
     * The Kafka address is the site's whatever the overlay's Kafka component (a cluster without SASL lists none): an
     * overlay without one rendered the literal mark KAFKA_BOOTSTRAP_SERVERS, and every service started against a host of
     * that name.
     */
    @Test
    void anOverlayWithoutAKafkaComponentStillHasTheSitesKafkaAddress(@TempDir Path copy) throws Exception {
        Path k8s = copyOfK8s(copy);
        Path kustomization = k8s.resolve("overlays/us-east-1/kustomization.yaml");
        String text = Files.readString(kustomization);
        assertThat(text).contains(", ../../kafka-scram]");
        Files.writeString(kustomization, text.replace(", ../../kafka-scram]", "]"));

        String rendered = renderText(kustomization.getParent());

        assertThat(rendered).as("the mark left unfilled").doesNotContain("KAFKA_BOOTSTRAP_SERVERS=")
                .doesNotContain("bootstrap-servers: KAFKA_BOOTSTRAP_SERVERS");
        JsonNode kafka = documents(rendered).stream().filter(d -> d.get("kind").asText().equals("ConfigMap")
                && d.at("/metadata/name").asText().startsWith("failover-kafka")).findFirst().orElseThrow();
        assertThat(kafka.at("/data/bootstrap-servers").asText()).isEqualTo("kafka-bootstrap.kafka.svc:9093");
    }

    /**
     * A sample topology is copied as it is: none schedules an automatic drill (a production move of traffic on a
     * schedule is a choice a team makes once a failover has been tried by hand), and each says how to turn one on.
     */
    @Test
    void noSampleTopologySchedulesADrill() throws Exception {
        for (String sample : List.of("k8s/base/failover.yaml", "config/failover.yaml",
                "deploy/compose/failover.yaml")) {
            String text = Files.readString(Repository.ROOT.resolve(sample));
            Topology topology = TopologyLoader.parse(text, sample);
            topology.groups().forEach(group -> assertThat(group.drill() != null && group.drill().enabled())
                    .as(sample + ", group " + group.id() + ": an automatic drill is scheduled").isFalse());
            assertThat(text).as(sample + " says, commented, how a drill is scheduled")
                    .contains("# drill: {enabled: true");
        }
    }

    /**
     * One overlay per probe location of the topology the overlays deploy, each probing as that location; a location
     * without an overlay never votes, and its quorum is one short.
     */
    @Test
    void anOverlayPerProbeLocation() throws Exception {
        Topology topology = TopologyLoader.parse(Files.readString(Repository.ROOT.resolve("k8s/base/failover.yaml")),
                "k8s/base/failover.yaml");
        Map<String, String> locationByOverlay = new LinkedHashMap<>();
        for (String overlay : overlays()) {
            for (JsonNode doc : render(overlay)) {
                if (doc.at("/metadata/name").asText().equals("probe-service")
                        && doc.get("kind").asText().equals("Deployment")) {
                    locationByOverlay.put(overlay, expandedEnv(doc, 0).get("FAILOVER_LOCATION"));
                }
            }
        }
        assertThat(new TreeSet<>(locationByOverlay.values())).as("probe locations of k8s/overlays/*")
                .isEqualTo(new TreeSet<>(topology.locations()));
        locationByOverlay.forEach(
                (overlay, location) -> assertThat(location).as("probe location of " + overlay).isEqualTo(overlay));
    }

    /**
     * scripts/k8s-secrets.sh makes every Secret an overlay names, with every key it reads (env secretKeyRef, volume
     * items), from a directory outside the repository; the trusted-key Secrets hold one {@code <key-id>.pub} per
     * region.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theSecretsScriptMakesEverySecretTheOverlayNames(String overlay, @TempDir Path secrets) throws Exception {
        Files.writeString(secrets.resolve("kafka-ca.crt"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        Files.createDirectories(secrets.resolve(overlay + "/kafka"));
        for (String service : List.of("probe", "decision", "actuator")) {
            Files.writeString(secrets.resolve(overlay + "/kafka/" + service + ".jaas"),
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + service
                            + "\" password=\"x\";\n");
        }
        secretsScriptMakesWhatIsNamed(overlay, OVERLAYS.resolve(overlay), secrets);
    }

    /**
     * The kafka-msk-iam component instead of kafka-scram, as docs/deploy-eks.md step 5 sets it up in a copy of an
     * overlay: every service's Kafka settings pass the services' own start-up check for MSK IAM, none needs a Secret or
     * a CA file, each service signs in with its own role (the probe-service's role cannot be the one that writes
     * decisions), the address is the site's; and scripts/k8s-secrets.sh --kafka msk-iam makes exactly the Secrets that
     * overlay names.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theMskIamComponentSignsEachServiceInWithItsOwnRole(String region, @TempDir Path copy) throws Exception {
        Path overlay = copyOfK8s(copy).resolve("overlays/" + region);
        Path kustomization = overlay.resolve("kustomization.yaml");
        ObjectNode kustomize = (ObjectNode) YAML.readTree(kustomization.toFile());
        ArrayNode components = (ArrayNode) kustomize.get("components");
        List<String> listed = new ArrayList<>();
        components.forEach(c -> listed.add(c.asText()));
        assertThat(listed).as("the sample overlays log in with SCRAM").contains("../../kafka-scram");
        components.removeAll();
        listed.stream().map(c -> c.equals("../../kafka-scram") ? "../../kafka-msk-iam" : c).forEach(components::add);
        YAML.writeValue(kustomization.toFile(), kustomize);
        String brokers = "b-1.failover.abc123.c2.kafka.eu-west-1.amazonaws.com:9098,"
                + "b-2.failover.abc123.c2.kafka.eu-west-1.amazonaws.com:9098";
        ObjectNode site = (ObjectNode) YAML.readTree(overlay.resolve("site.yaml").toFile());
        ((ObjectNode) site.get("data")).put("kafka-bootstrap-servers", brokers).put("aws-account-id", "123456789012");
        YAML.writeValue(overlay.resolve("site.yaml").toFile(), site);

        String out = renderText(overlay);
        for (String mark : UNFILLED) {
            assertThat(out).as("the mark " + mark + " is filled").doesNotContain(mark);
        }
        Map<String, String> roles = new HashMap<>();
        Map<String, JsonNode> workloads = new TreeMap<>();
        for (JsonNode doc : documents(out)) {
            String kind = doc.get("kind").asText();
            String name = doc.at("/metadata/name").asText();
            if (kind.equals("ServiceAccount")) {
                roles.put(name, doc.at("/metadata/annotations").path("eks.amazonaws.com/role-arn").asText());
            } else if (List.of("Deployment", "StatefulSet").contains(kind)) {
                workloads.put(name, doc);
            } else if (kind.equals("ConfigMap") && name.startsWith("failover-kafka")) {
                assertThat(doc.at("/data/bootstrap-servers").asText()).as("the site's brokers").isEqualTo(brokers);
            }
        }
        assertThat(workloads).containsOnlyKeys("probe-service", "decision-service", "actuator-service");
        Set<String> rolesUsed = new TreeSet<>();
        for (var workload : workloads.entrySet()) {
            JsonNode container = workload.getValue().at("/spec/template/spec/containers/0");
            Map<String, String> kafka = new TreeMap<>();
            for (JsonNode e : container.get("env")) {
                String name = e.get("name").asText();
                assertThat(e.at("/valueFrom/secretKeyRef/name").asText())
                        .as(workload.getKey() + " " + name + " from a Secret")
                        .doesNotStartWith("failover-kafka");
                if (name.startsWith("KAFKA_") && e.has("value")) {
                    kafka.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                            e.get("value").asText());
                }
            }
            assertThat(kafka).as(workload.getKey()).containsEntry("sasl.mechanism", "AWS_MSK_IAM");
            KafkaSecurityCheck check = KafkaSecurityCheck.of(kafka);
            assertThat(check.problems()).as(workload.getKey() + "'s Kafka settings, by the services' start-up check")
                    .isEmpty();
            assertThat(check.warning()).as(workload.getKey() + ": encrypted and authenticated").isEmpty();
            for (JsonNode volume : workload.getValue().at("/spec/template/spec/volumes")) {
                assertThat(volume.at("/secret/secretName").asText()).as(workload.getKey() + ": no Kafka CA to mount")
                        .isNotEqualTo("failover-kafka-ca");
            }
            String account = workload.getValue().at("/spec/template/spec/serviceAccountName").asText();
            String role = roles.get(account);
            assertThat(role).as(workload.getKey() + "'s ServiceAccount " + account + " has a role")
                    .isEqualTo("arn:aws:iam::123456789012:role/" + account + "-" + region);
            rolesUsed.add(role);
        }
        assertThat(rolesUsed).as("a role per service").hasSize(3);

        Path secrets = copy.resolve("secrets");
        Files.createDirectories(secrets);
        secretsScriptMakesWhatIsNamed(region, overlay, secrets, "--kafka", "msk-iam");
    }

    /**
     * A group written to several DNS providers (ADR 0036): the script makes a Secret per RFC 2136 provider id from the
     * region's {@code dns/<id>.tsig}, with the key the instance's {@code tsig-secret-file} mount reads; a file named
     * as no id could be is refused, naming it.
     */
    @Test
    void theSecretsScriptMakesATsigSecretPerDnsProvider(@TempDir Path secrets) throws Exception {
        String region = overlays().get(0);
        Files.createDirectories(secrets.resolve(region + "/dns"));
        Files.writeString(secrets.resolve(region + "/dns/bind.tsig"), "c2VjcmV0\n");
        List<String> command = List.of(Repository.ROOT.resolve("scripts/k8s-secrets.sh").toString(), "--dir",
                secrets.toString(), "--region", region, "--regions", region, "--kafka", "msk-iam");
        Process script = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).isZero();
        JsonNode dns = null;
        try (var it = YAML.readerFor(JsonNode.class).readValues(out)) {
            while (it.hasNext()) {
                JsonNode secret = (JsonNode) it.next();
                if (secret != null && secret.at("/metadata/name").asText().equals("failover-dns-bind")) {
                    dns = secret;
                }
            }
        }
        assertThat(dns).as("failover-dns-bind made").isNotNull();
        assertThat(dns.at("/data/secret").asText()).isEqualTo(java.util.Base64.getEncoder().encodeToString(
                "c2VjcmV0\n".getBytes(StandardCharsets.UTF_8)));

        Files.writeString(secrets.resolve(region + "/dns/Bad_Id.tsig"), "x\n");
        Process refused = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(1);
        assertThat(said).contains("Bad_Id.tsig: a provider id is lower-case letters, digits and '-'");
    }

    /** scripts/k8s-secrets.sh, run with {@code options}, makes exactly the Secrets the rendered overlay names, with their keys. */
    static void secretsScriptMakesWhatIsNamed(String overlay, Path overlayDir, Path secrets, String... options)
            throws Exception {
        String regions = String.join(",", overlays());
        List<String> command = new ArrayList<>(
                List.of(Repository.ROOT.resolve("scripts/k8s-secrets.sh").toString(), "--dir",
                        secrets.toString(), "--region", overlay, "--regions", regions));
        command.addAll(List.of(options));
        Process script = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).as("scripts/k8s-secrets.sh --region " + overlay).isZero();
        Map<String, Set<String>> made = new TreeMap<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(out)) {
            while (it.hasNext()) {
                JsonNode secret = (JsonNode) it.next();
                if (secret == null || secret.isMissingNode() || secret.isEmpty()) {
                    continue;
                }
                assertThat(secret.get("kind").asText()).isEqualTo("Secret");
                assertThat(secret.at("/metadata/namespace").asText()).isEqualTo("failover");
                Set<String> keys = new TreeSet<>();
                secret.get("data").fieldNames().forEachRemaining(keys::add);
                made.put(secret.at("/metadata/name").asText(), keys);
            }
        }
        Map<String, Set<String>> needed = new TreeMap<>();
        for (JsonNode doc : documents(renderText(overlayDir))) {
            for (JsonNode container : doc.at("/spec/template/spec/containers")) {
                for (JsonNode e : container.path("env")) {
                    JsonNode ref = e.at("/valueFrom/secretKeyRef");
                    if (!ref.isMissingNode()) {
                        needed.computeIfAbsent(ref.get("name").asText(), n -> new TreeSet<>())
                                .add(ref.get("key").asText());
                    }
                }
            }
            for (JsonNode volume : doc.at("/spec/template/spec/volumes")) {
                JsonNode secret = volume.path("secret");
                if (!secret.isMissingNode()) {
                    Set<String> keys = needed.computeIfAbsent(secret.get("secretName").asText(), n -> new TreeSet<>());
                    secret.path("items").forEach(item -> keys.add(item.get("key").asText()));
                }
            }
        }
        assertThat(needed).as("Secrets named by " + overlay).isNotEmpty();
        needed.forEach((name, keys) -> assertThat(made).as("Secrets made by scripts/k8s-secrets.sh").containsKey(name));
        needed.forEach((name, keys) -> assertThat(made.get(name)).as("keys of Secret " + name).containsAll(keys));
        assertThat(made.keySet()).as("Secrets made but named by no manifest").isEqualTo(needed.keySet());
        for (String trusted : List.of("failover-signing-trusted-keys", "failover-actuator-state-trusted-keys")) {
            assertThat(made.get(trusted)).as(trusted + ": one public key per region").hasSize(overlays().size())
                    .allSatisfy(key -> assertThat(key).endsWith(".pub"));
        }
    }

    /** What k8s/base leaves for k8s/site to fill from an overlay's site.yaml: never in a rendered overlay. */
    static final List<String> UNFILLED = List.of("ACCOUNT_ID", "OIDC_ISSUER", "OIDC_JWKS_URL",
            "failover-actuator-REGION",
            "$externalLabels.runbook_base_url", "KAFKA_BOOTSTRAP_SERVERS=",
            "bootstrap-servers: KAFKA_BOOTSTRAP_SERVERS",
            "failover-probe-REGION", "failover-decision-REGION", "DEADMANS_SWITCH_URL");
    /** The documented sample's values in k8s/overlays/&lt;region&gt;/site.yaml, to be replaced by a deployment's own. */
    static final List<String> SAMPLE_VALUES = List.of("000000000000", "idp.example.com", "git.example.com",
            "kafka-bootstrap.kafka.svc");

    static JsonNode siteData(Path overlay) throws IOException {
        Path site = overlay.resolve("site.yaml");
        return Files.exists(site) ? YAML.readTree(site.toFile()).path("data") : YAML.createObjectNode();
    }

    /**
     * The placeholders of a deployment (the AWS account of the actuator's role, the identity provider's issuer and
     * keys) come from one file per overlay, site.yaml, and nowhere else: a rendered overlay holds a sample value only
     * while its site.yaml still is the documented sample, and never a mark k8s/site left unfilled.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void aRenderedOverlayHoldsNoPlaceholderButItsSiteFiles(String overlay) throws Exception {
        String out = renderText(OVERLAYS.resolve(overlay));
        String site = siteData(OVERLAYS.resolve(overlay)).toString();
        for (String mark : UNFILLED) {
            assertThat(out).as(overlay + ": '" + mark + "' left unfilled (k8s/site, the overlay's site.yaml)")
                    .doesNotContain(mark);
        }
        for (String sample : SAMPLE_VALUES) {
            if (out.contains(sample)) {
                assertThat(site)
                        .as(overlay + " renders the sample value '" + sample + "', which is not in its site.yaml: "
                                + "a placeholder the site file does not fill")
                        .contains(sample);
            }
        }
    }

    /**
     * A deployment's own values in an overlay's site.yaml reach every place they are needed: the actuator's IRSA role
     * (account and region) and the JWT issuer and keys of both APIs; no sample value is left.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theSiteFileFillsTheAccountAndTheIdentityProvider(String overlay, @TempDir Path copy) throws Exception {
        Path k8s = copyOfK8s(copy);
        Path site = k8s.resolve("overlays/" + overlay + "/site.yaml");
        assertThat(site).as("the overlay's site file").exists();
        JsonNode siteFile = YAML.readTree(site.toFile());
        ((ObjectNode) siteFile.get("data")).put("aws-account-id", "123456789012")
                .put("oidc-issuer", "https://login.corp.test/").put("oidc-jwks-url", "https://login.corp.test/keys")
                .put("prometheus-release", "monitoring-stack")
                .put("runbook-base-url", "https://git.corp.test/sre/failover/blob/v0.2.0")
                .put("kafka-bootstrap-servers", "b1.kafka.corp.test:9093,b2.kafka.corp.test:9093");
        YAML.writeValue(site.toFile(), siteFile);

        String out = renderText(k8s.resolve("overlays/" + overlay));
        assertThat(out).as("the site's Kafka brokers")
                .contains("bootstrap-servers: b1.kafka.corp.test:9093,b2.kafka.corp.test:9093");
        String roleArn = null;
        JsonNode jwt = null;
        List<String> releases = new ArrayList<>();
        for (JsonNode doc : documents(out)) {
            String name = doc.at("/metadata/name").asText();
            if (doc.get("kind").asText().equals("ServiceAccount") && name.equals("failover-actuator")) {
                roleArn = doc.at("/metadata/annotations").path("eks.amazonaws.com/role-arn").asText();
            }
            if (doc.get("kind").asText().equals("ConfigMap") && name.startsWith("failover-identity")) {
                jwt = doc.get("data");
            }
            if (CUSTOM_KINDS.contains(doc.get("kind").asText())) {
                releases.add(doc.at("/metadata/labels/release").asText());
            }
            assertThat(name).as("the site ConfigMap is local: not applied").doesNotStartWith("failover-site");
        }
        assertThat(roleArn).isEqualTo("arn:aws:iam::123456789012:role/failover-actuator-" + overlay);
        assertThat(jwt.path("jwt-issuer").asText()).isEqualTo("https://login.corp.test/");
        assertThat(jwt.path("jwt-public-key-url").asText()).isEqualTo("https://login.corp.test/keys");
        assertThat(releases).as("the release label of the ServiceMonitor and the PrometheusRule").containsExactly(
                "monitoring-stack",
                "monitoring-stack");
        assertThat(out).as("the alerts' runbook links")
                .contains(
                        "runbook_url: https://git.corp.test/sre/failover/blob/v0.2.0/docs/runbook.md#failoverwatchdog");
        for (String placeholder : Stream.concat(UNFILLED.stream(), SAMPLE_VALUES.stream()).toList()) {
            assertThat(out).as(overlay + " with its own site.yaml").doesNotContain(placeholder);
        }
    }
}
