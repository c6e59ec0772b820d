package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;

/**
 * Every Kubernetes overlay renders offline with kubectl kustomize, and what it renders fits the services: health
 * probes on the Quarkus paths and the port the app listens on, Services pointing at it, the probe location one of the
 * topology's, the topology valid, the PrometheusRule the same rules Prometheus is tested with.
 */
class DeploymentFilesIT {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<JsonNode> render(String overlay) throws Exception {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", ServiceProcess.ROOT.resolve("k8s/overlays/" + overlay).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).as("kubectl kustomize " + overlay).isZero();
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(out)) {
            while (it.hasNext()) {
                docs.add((JsonNode) it.next());
            }
        }
        return docs;
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
        assertThat(env(container, "KAFKA_SECURITY_PROTOCOL").get("value").asText()).as(name + " protocol").isEqualTo("SASL_SSL");
        assertThat(env(container, "KAFKA_SASL_MECHANISM").get("value").asText()).as(name + " mechanism").isEqualTo("SCRAM-SHA-512");
        assertThat(env(container, "KAFKA_SASL_JAAS_CONFIG").at("/valueFrom/secretKeyRef/key").asText()).as(name + " JAAS config")
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
    @ValueSource(strings = { "us-east-1", "us-west-2" })
    void anOverlayRendersAndFitsTheServices(String region) throws Exception {
        List<JsonNode> docs = render(region);
        Map<String, JsonNode> deployments = new HashMap<>();
        Map<String, JsonNode> services = new HashMap<>();
        Topology topology = null;
        JsonNode rule = null;
        for (JsonNode doc : docs) {
            String kind = doc.get("kind").asText();
            String name = doc.at("/metadata/name").asText();
            switch (kind) {
                case "Deployment", "StatefulSet" -> deployments.put(name, doc);
                case "Service" -> services.put(name, doc);
                case "PrometheusRule" -> rule = doc;
                case "ConfigMap" -> {
                    if (name.startsWith("failover-topology")) {
                        topology = TopologyLoader.parse(doc.at("/data/failover.yaml").asText(), "ConfigMap " + name);
                    }
                }
                default -> {
                }
            }
        }
        assertThat(deployments).containsOnlyKeys("probe-service", "decision-service", "actuator-service");
        assertThat(topology).as("the topology ConfigMap").isNotNull();
        for (var entry : deployments.entrySet()) {
            JsonNode container = entry.getValue().at("/spec/template/spec/containers/0");
            int containerPort = container.at("/ports/0/containerPort").asInt();
            assertThat(env(container, "QUARKUS_HTTP_PORT").get("value").asText()).isEqualTo(String.valueOf(containerPort));
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
            assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo(container.at("/ports/0/name").asText());
            JsonNode service = services.get(entry.getKey());
            assertThat(service).as("Service of " + entry.getKey()).isNotNull();
            assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo(container.at("/ports/0/name").asText());
            assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
            kafkaOverSaslSsl(entry.getKey(), entry.getValue());
        }
        assertThat(deployments.values().stream().map(d -> env(d.at("/spec/template/spec/containers/0"), "KAFKA_SASL_JAAS_CONFIG")
                .at("/valueFrom/secretKeyRef/name").asText()).distinct()).as("one Kafka principal per service").hasSize(3);
        JsonNode probe = deployments.get("probe-service").at("/spec/template/spec/containers/0");
        String location = env(probe, "FAILOVER_LOCATION").get("value").asText();
        assertThat(location).isEqualTo(region);
        assertThat(topology.locations()).contains(location);
        assertThat(env(deployments.get("actuator-service").at("/spec/template/spec/containers/0"), "AWS_REGION").get("value")
                .asText()).isEqualTo(region);
        JsonNode rules = YAML.readTree(ServiceProcess.ROOT.resolve("monitoring/prometheus/failover-alerts.yml").toFile());
        assertThat(rule).as("PrometheusRule").isNotNull();
        assertThat(rule.get("spec")).as("PrometheusRule = monitoring/prometheus/failover-alerts.yml "
                + "(run scripts/sync-prometheus-rule.sh)").isEqualTo(rules);
    }

    /**
     * Issue 29, items 9 and 11: the members of the decision-service's and the actuator's consumer groups have static ids
     * that survive a rollout (a pod name of a Deployment changes with every rollout and leaves a ghost member whose
     * partitions stay dark for the session timeout) and differ between regions (the groups span the regions, ADR 0005);
     * and one probe replica per location, since two replicas reporting as one location feed one tracker.
     */
    @ParameterizedTest
    @ValueSource(strings = { "us-east-1", "us-west-2" })
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
            JsonNode container = workload.at("/spec/template/spec/containers/0");
            assertThat(instanceId(container, workload, 0)).as(name + " pod 0's FAILOVER_INSTANCE_ID")
                    .isEqualTo(region + "-" + name + "-0");
        }
        assertThat(workloads.get("probe-service").at("/spec/replicas").asInt()).as("probe replicas of location " + region)
                .isEqualTo(1);
    }

    /**
     * Issue 30, items 2 and 3: the Kubernetes scaler's Role and RoleBinding are in the namespace of the Deployments it
     * scales (the base's namespace would put them in failover: 403 on every scale), bound to the actuator's service
     * account in failover; and the topology ConfigMap is mounted as a directory (a subPath mount never sees an update, so
     * the probe-service's hot reload could not work).
     */
    @ParameterizedTest
    @ValueSource(strings = { "us-east-1", "us-west-2" })
    void theScalerRoleIsWhereItScalesAndTheTopologyCanBeReloaded(String region) throws Exception {
        Map<String, JsonNode> rbac = new HashMap<>();
        List<JsonNode> workloads = new ArrayList<>();
        for (JsonNode doc : render(region)) {
            String kind = doc.get("kind").asText();
            if (doc.at("/metadata/name").asText().equals("failover-actuator-scaler")) {
                rbac.put(kind, doc);
            }
            if (List.of("Deployment", "StatefulSet").contains(kind)) {
                workloads.add(doc);
            }
        }
        assertThat(rbac).containsOnlyKeys("Role", "RoleBinding");
        assertThat(rbac.get("Role").at("/metadata/namespace").asText()).as("the scaler Role's namespace").isEqualTo("prod");
        assertThat(rbac.get("RoleBinding").at("/metadata/namespace").asText()).as("its binding's namespace").isEqualTo("prod");
        assertThat(rbac.get("RoleBinding").at("/subjects/0/name").asText()).isEqualTo("failover-actuator");
        assertThat(rbac.get("RoleBinding").at("/subjects/0/namespace").asText()).as("the actuator's namespace")
                .isEqualTo("failover");
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

    /** FAILOVER_INSTANCE_ID of pod {@code ordinal} as Kubernetes expands it: $(VAR) from the env before it, field refs. */
    static String instanceId(JsonNode container, JsonNode workload, int ordinal) {
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
                    value = workload.at("/spec/template/metadata/labels").path(field.substring(17, field.length() - 2)).asText();
                } else {
                    continue;
                }
            }
            values.put(e.get("name").asText(), value);
        }
        return values.get("FAILOVER_INSTANCE_ID");
    }

    /** The runbook (docs/runbook.md) has a row for every alert the rules can fire, so no page leaves the on-call guessing. */
    @Test
    void everyAlertHasARunbookRow() throws Exception {
        JsonNode rules = YAML.readTree(ServiceProcess.ROOT.resolve("monitoring/prometheus/failover-alerts.yml").toFile());
        String runbook = Files.readString(ServiceProcess.ROOT.resolve("docs/runbook.md"));
        List<String> alerts = new ArrayList<>();
        rules.get("groups").forEach(group -> group.get("rules").forEach(rule -> alerts.add(rule.get("alert").asText())));
        assertThat(alerts).as("alerts in the rules file").hasSizeGreaterThan(10);
        assertThat(alerts).allSatisfy(alert -> assertThat(runbook).as("docs/runbook.md row of " + alert)
                .contains("| `" + alert + "`"));
    }
}
