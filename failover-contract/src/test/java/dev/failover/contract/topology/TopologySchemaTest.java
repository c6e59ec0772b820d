package dev.failover.contract.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * {@code schema/topology.schema.json}, the JSON Schema editors and CI check topology files with, agrees with the Java
 * model and {@link TopologyValidator}: every sample topology of the repository passes both, the same broken files fail
 * both, and the schema names exactly the keys, variants and enum values the model binds, so neither can drift alone.
 */
class TopologySchemaTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path SCHEMA_FILE = REPO.resolve("schema/topology.schema.json");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MODELINE = Pattern.compile("(?m)^# yaml-language-server: \\$schema=(\\S+)$");
    private static final Pattern DOC_YAML_BLOCK = Pattern.compile("```yaml\\n(version: 1.*?)```", Pattern.DOTALL);

    private static final JsonNode SCHEMA_TREE = read(SCHEMA_FILE);
    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
            .getSchema(SCHEMA_TREE);

    // ---------------------------------------------------------------- the samples

    /** Every topology file of the repository (a YAML file with top-level locations and groups) and every docs example. */
    static Stream<Arguments> samples() throws IOException {
        List<Arguments> samples = new ArrayList<>();
        try (Stream<Path> files = Files.walk(REPO)) {
            for (Path file : files.filter(TopologySchemaTest::searched).sorted().toList()) {
                String text = Files.readString(file);
                if (text.matches("(?s).*(^|\\n)locations:.*") && text.matches("(?s).*(^|\\n)groups:.*")) {
                    samples.add(Arguments.of(REPO.relativize(file).toString(), text));
                }
            }
        }
        try (Stream<Path> docs = Files.walk(REPO.resolve("docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                Matcher block = DOC_YAML_BLOCK.matcher(Files.readString(doc));
                for (int n = 1; block.find(); n++) {
                    samples.add(Arguments.of(REPO.relativize(doc) + " example " + n, block.group(1)));
                }
            }
        }
        return samples.stream();
    }

    private static boolean searched(Path file) {
        String name = file.getFileName().toString();
        String path = REPO.relativize(file).toString();
        return (name.endsWith(".yaml") || name.endsWith(".yml")) && !path.startsWith(".")
                && !path.contains("/target/") && !path.contains("node_modules");
    }

    /** The schema is itself a valid draft-07 schema (the meta-schema ships in the validator's jar; no network). */
    @Test
    void theSchemaIsAValidDraft7Schema() {
        JsonSchema metaSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(SchemaLocation.of("classpath:draft-07/schema"));
        assertThat(metaSchema.validate(SCHEMA_TREE)).isEmpty();
    }

    @Test
    void theSamplesAreFound() throws IOException {
        assertThat(samples().map(a -> (String) a.get()[0]))
                .contains("config/failover.yaml", "deploy/compose/failover.yaml", "k8s/base/failover.yaml",
                        "docs/topology.md example 1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everySampleIsValidForTheServicesAndTheSchema(String name, String yaml) throws IOException {
        TopologyLoader.parse(yaml, name);
        assertThat(schemaErrors(YAML.readTree(yaml))).as(name).isEmpty();
    }

    /** A sample file names the schema for yaml-language-server (VS Code, and editors using it) by a path that exists. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everySampleFileNamesTheSchemaForEditors(String name, String yaml) {
        if (name.endsWith(".md") || name.contains(".md example")) {
            return;
        }
        Matcher modeline = MODELINE.matcher(yaml);
        assertThat(modeline.find()).as(name + " has a '# yaml-language-server: $schema=' line").isTrue();
        Path named = REPO.resolve(name).getParent().resolve(modeline.group(1)).normalize();
        assertThat(named).as(name).isEqualTo(SCHEMA_FILE);
    }

    // ---------------------------------------------------------------- the same files fail both

    /** Broken copies of the local stack's sample: each must fail both the services' validator and the schema. */
    static Stream<Arguments> broken() {
        return Stream.of(
                broken("unknown top-level key", "$", t -> t.put("locatons", "x")),
                broken("unknown threshold key", "$.groups[0].thresholds",
                        t -> group(t).withObject("/thresholds").put("failuresToDwn", 3)),
                broken("key of the other probe kind", "$.groups[0].targets[0].probe", t -> probe(t).put("port", 443)),
                broken("key of another scaling kind", "$.groups[0].targets[1].scaling",
                        t -> target(t, 1).putObject("scaling").put("kind", "asg")
                                .put("autoScalingGroup", "g").put("activeSize", 2).put("cluster", "c")),
                broken("unknown probe type", "$.groups[0].targets[0].probe.type", t -> probe(t).put("type", "icmp")),
                broken("unknown scaling kind", "$.groups[0].targets[1].scaling.kind",
                        t -> target(t, 1).putObject("scaling").put("kind", "lambda").put("activeSize", 2)),
                broken("wrong enum: whenAllDown", "$.groups[0].whenAllDown",
                        t -> group(t).put("whenAllDown", "fail-open")),
                broken("wrong enum: record type", "$.groups[0].dns.type",
                        t -> group(t).withObject("/dns").put("type", "TXT")),
                broken("wrong enum: failback mode", "$.groups[0].failback.mode",
                        t -> group(t).withObject("/failback").put("mode", "auto")),
                broken("wrong enum: failure class", "$.groups[0].safety.failureClasses.TLS_ERROR",
                        t -> group(t).withObject("/safety").withObject("/failureClasses").put("TLS_ERROR", "ignore")),
                broken("wrong enum: failure reason", "$.groups[0].safety.failureClasses",
                        t -> group(t).withObject("/safety").withObject("/failureClasses").put("TLS", "down")),
                broken("wrong enum: method", "$.groups[0].targets[0].probe.method",
                        t -> probe(t).put("method", "DELETE")),
                broken("version 2", "$.version", t -> t.put("version", 2)),
                broken("ttl 0", "$.groups[0].dns.ttl", t -> group(t).withObject("/dns").put("ttl", 0)),
                broken("ttl above a day", "$.groups[0].dns.ttl", t -> group(t).withObject("/dns").put("ttl", 86_401)),
                broken("bodyLimitBytes above 1 MiB", "$.groups[0].targets[0].probe.bodyLimitBytes",
                        t -> probe(t).put("bodyLimitBytes", 1024 * 1024 + 1)),
                broken("tcp port 0", "$.groups[0].targets[0].probe.port",
                        t -> probe(t).removeAll().put("type", "tcp").put("host", "h").put("port", 0)),
                broken("dns probe without a resolver", "$.groups[0].targets[0].probe",
                        t -> probe(t).removeAll().put("type", "dns").put("name", "api.example.test")),
                broken("dns probe over quic", "$.groups[0].targets[0].probe.transport",
                        t -> probe(t).removeAll().put("type", "dns").put("name", "a.example.test")
                                .put("resolver", "10.0.0.2").put("transport", "quic")),
                broken("dns probe for a CNAME", "$.groups[0].targets[0].probe.recordType",
                        t -> probe(t).removeAll().put("type", "dns").put("name", "a.example.test")
                                .put("resolver", "10.0.0.2").put("recordType", "CNAME")),
                broken("tcp port above 65535", "$.groups[0].targets[0].probe.port",
                        t -> probe(t).removeAll().put("type", "tcp").put("host", "h").put("port", 65_536)),
                broken("freshEvidenceIntervals 11", "$.groups[0].safety.freshEvidenceIntervals",
                        t -> group(t).withObject("/safety").put("freshEvidenceIntervals", 11)),
                broken("flapWindow 1", "$.groups[0].thresholds.flapWindow",
                        t -> group(t).withObject("/thresholds").put("flapWindow", 1)),
                broken("windowSeconds 3601", "$.safety.correlatedFailure.windowSeconds",
                        t -> t.withObject("/safety").withObject("/correlatedFailure").put("windowSeconds", 3601)),
                broken("maxSharePercent 0", "$.safety.correlatedFailure.maxSharePercent",
                        t -> t.withObject("/safety").withObject("/correlatedFailure").put("maxSharePercent", 0)),
                broken("lastResortAfterSeconds 601", "$.safety.correlatedFailure.lastResortAfterSeconds",
                        t -> t.withObject("/safety").withObject("/correlatedFailure").put("lastResortAfterSeconds",
                                601)),
                broken("activeSize 0", "$.groups[0].targets[1].scaling.activeSize",
                        t -> target(t, 1).putObject("scaling").put("kind", "ecs").put("cluster", "c")
                                .put("service", "s").put("activeSize", 0)),
                broken("activeSize missing", "$.groups[0].targets[1].scaling",
                        t -> target(t, 1).putObject("scaling").put("kind", "ecs").put("cluster", "c")
                                .put("service", "s")),
                broken("not an IAM role", "$.groups[0].targets[1].scaling.roleArn",
                        t -> target(t, 1).putObject("scaling").put("kind", "ecs").put("cluster", "c")
                                .put("service", "s").put("activeSize", 2).put("roleArn", "arn:aws:iam::12:user/x")),
                broken("group id in upper case", "$.groups[0].id", t -> group(t).put("id", "Demo")),
                broken("one target", "$.groups[0].targets", t -> ((ArrayNode) group(t).get("targets")).remove(1)),
                broken("no locations", "$.locations", t -> t.putArray("locations")),
                broken("target without dns", "$.groups[0].targets[0]", t -> target(t, 0).remove("dns")),
                broken("values and alias", "$.groups[0].targets[0].dns",
                        t -> target(t, 0).withObject("/dns").putObject("alias").put("hostedZoneId", "Z1")
                                .put("dnsName", "lb.example.")),
                broken("status 600", "$.groups[0].targets[0].probe.expectedStatus[0]",
                        t -> probe(t).putArray("expectedStatus").add("200-600")),
                broken("cron of five fields", "$.groups[0].drill.cron",
                        t -> group(t).withObject("/drill").put("cron", "5 0 * * MON")),
                broken("url without http", "$.groups[0].targets[0].probe.url",
                        t -> probe(t).put("url", "ftp://10.0.0.1/health")),
                broken("zone name with a space", "$.groups[0].dns.zone",
                        t -> group(t).withObject("/dns").put("zone", "fail over.test.")),
                broken("database url not JDBC", "$.groups[0].targets[0].database.url",
                        t -> target(t, 0).putObject("database")
                                .put("kind", "postgres").put("url", "postgres://db-east:5432/app")
                                .put("credentials", "app-east")),
                broken("database url of two hosts", "$.groups[0].targets[0].database.url",
                        t -> target(t, 0).putObject("database")
                                .put("kind", "postgres").put("url", "jdbc:postgresql://a:5432,b:5432/app")
                                .put("credentials", "app-east")),
                broken("database without credentials", "$.groups[0].targets[0].database",
                        t -> target(t, 0).putObject("database")
                                .put("kind", "postgres").put("url", "jdbc:postgresql://db-east:5432/app")),
                broken("unknown database kind", "$.groups[0].targets[0].database.kind",
                        t -> target(t, 0).putObject("database")
                                .put("kind", "mysql").put("url", "jdbc:postgresql://db-east:5432/app")
                                .put("credentials", "app-east")),
                broken("rds instance with two hyphens", "$.groups[0].targets[0].database.instance", t -> target(t, 0)
                        .putObject("database").put("kind", "rds").put("instance", "orders--east")),
                broken("rds without instance", "$.groups[0].targets[0].database",
                        t -> target(t, 0).putObject("database")
                                .put("kind", "rds").put("region", "us-east-1")),
                broken("rds with a login", "$.groups[0].targets[0].database", t -> target(t, 0).putObject("database")
                        .put("kind", "rds").put("instance", "orders-east").put("credentials", "app-east")),
                broken("aurora member not a cluster ARN", "$.groups[0].targets[0].database.clusterArn",
                        t -> target(t, 0)
                                .putObject("database").put("kind", "aurora-global").put("globalCluster", "orders")
                                .put("clusterArn", "arn:aws:rds:us-east-1:111111111111:db:orders-east")),
                broken("aurora without its global cluster", "$.groups[0].targets[0].database", t -> target(t, 0)
                        .putObject("database").put("kind", "aurora-global")
                        .put("clusterArn", "arn:aws:rds:us-east-1:111111111111:cluster:orders-east")),
                broken("maxDataLossSeconds negative", "$.groups[0].safety.maxDataLossSeconds",
                        t -> group(t).withObject("/safety")
                                .put("maxDataLossSeconds", -1)),
                broken("a routing control that is a health check", "$.groups[0].arc.routingControls.primary",
                        t -> group(t)
                                .putObject("arc").putObject("routingControls")
                                .put("primary", "arn:aws:route53:::healthcheck/abc")
                                .put("secondary",
                                        "arn:aws:route53-recovery-control::111122223333:controlpanel/p/routingcontrol/s")),
                broken("a break-glass rule that is a routing control", "$.groups[0].arc.breakGlassRules[0]", t -> {
                    ObjectNode arc = group(t).putObject("arc");
                    arc.putObject("routingControls")
                            .put("primary",
                                    "arn:aws:route53-recovery-control::111122223333:controlpanel/p/routingcontrol/p")
                            .put("secondary",
                                    "arn:aws:route53-recovery-control::111122223333:controlpanel/p/routingcontrol/s");
                    arc.putArray("breakGlassRules")
                            .add("arn:aws:route53-recovery-control::111122223333:controlpanel/p/routingcontrol/g");
                }));
    }

    /** @param where the key the schema's message must name (a JSON path, as the schema validator writes it) */
    private static Arguments broken(String what, String where, Consumer<ObjectNode> change) {
        return Arguments.of(what, where, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void theSchemaRejectsWhatTheServicesReject(String what, String where, Consumer<ObjectNode> change)
            throws IOException {
        ObjectNode topology = (ObjectNode) YAML.readTree(REPO.resolve("config/failover.yaml").toFile());
        change.accept(topology);
        String yaml = YAML.writeValueAsString(topology);

        assertThatThrownBy(() -> TopologyLoader.parse(yaml, what)).as("the services' validator, " + what)
                .isInstanceOf(InvalidTopologyException.class);
        assertThat(schemaErrors(topology)).as("the schema, " + what).isNotEmpty()
                .anySatisfy(message -> assertThat(message).startsWith(where + ":"));
    }

    private static ObjectNode group(ObjectNode topology) {
        return (ObjectNode) topology.get("groups").get(0);
    }

    private static ObjectNode target(ObjectNode topology, int index) {
        return (ObjectNode) group(topology).get("targets").get(index);
    }

    private static ObjectNode probe(ObjectNode topology) {
        return (ObjectNode) target(topology, 0).get("probe");
    }

    // ---------------------------------------------------------------- the schema names the model's keys

    /**
     * Walks the records the loader binds (from {@link Topology} down, every variant of {@link ProbeSpec} and
     * {@link ScalingRef} by its {@code @JsonSubTypes} name) beside the schema: the same keys at every level, unknown keys
     * refused where the loader refuses them, the same enum values and the same JSON types.
     */
    @Test
    void theSchemaNamesExactlyTheKeysAndValuesOfTheJavaModel() {
        List<String> drift = new ModelWalk(SCHEMA_TREE).drift();
        assertThat(drift).as("differences between schema/topology.schema.json and the Java model").isEmpty();
    }

    @Test
    void theModelWalkSeesADriftedKey() {
        ObjectNode drifted = SCHEMA_TREE.deepCopy();
        ((ObjectNode) drifted.at("/definitions/thresholds/properties")).remove("flapWindow");
        ((ObjectNode) drifted.at("/definitions/httpProbe/properties")).putObject("bodyRgex").put("type", "string");
        ((ArrayNode) drifted.at("/definitions/group/properties/mode/enum")).add("dry-run");
        List<String> drift = new ModelWalk(drifted).drift();
        assertThat(String.join("\n", drift)).contains("groups[].thresholds", "flapWindow",
                "groups[].targets[].probe<http>",
                "bodyRgex", "groups[].mode", "dry-run");
    }

    /** The Java model beside a schema tree; {@link #drift()} lists where they differ. */
    private static final class ModelWalk {

        private final JsonNode root;
        private final List<String> drift = new ArrayList<>();

        ModelWalk(JsonNode root) {
            this.root = root;
        }

        List<String> drift() {
            compare(Topology.class, root, "(root)", Set.of());
            return drift;
        }

        private void compare(Type type, JsonNode schema, String path, Set<String> extraKeys) {
            JsonNode s = resolve(schema);
            Class<?> raw = raw(type);
            if (raw.isRecord()) {
                compareRecord(raw, s, path, extraKeys);
            } else if (raw.isInterface() && raw.isAnnotationPresent(JsonTypeInfo.class)) {
                compareVariants(raw, s, path);
            } else if (List.class.isAssignableFrom(raw)) {
                expectType(s, "array", path);
                compare(argument(type, 0), s.path("items"), path + "[]", Set.of());
            } else if (Map.class.isAssignableFrom(raw)) {
                expectType(s, "object", path);
                Class<?> keys = raw(argument(type, 0));
                if (keys.isEnum()) {
                    compareEnum(keys, resolve(s.path("propertyNames")), path + " keys");
                }
                compare(argument(type, 1), s.path("additionalProperties"), path + ".*", Set.of());
            } else if (raw.isEnum()) {
                compareEnum(raw, s, path);
            } else if (raw == Integer.class) {
                if (!s.has("const") || !s.get("const").isInt()) {
                    expectType(s, "integer", path);
                }
            } else if (raw == String.class) {
                expectType(s, "string", path);
            } else if (raw == Boolean.class) {
                expectType(s, "boolean", path);
            } else {
                drift.add(path + ": no rule for the Java type " + type.getTypeName() + " in this test");
            }
        }

        private void compareRecord(Class<?> record, JsonNode s, String path, Set<String> extraKeys) {
            expectType(s, "object", path);
            if (!s.path("additionalProperties").isBoolean() || s.get("additionalProperties").asBoolean()) {
                drift.add(path + ": the loader refuses unknown keys, the schema must say additionalProperties: false");
            }
            Set<String> javaKeys = new TreeSet<>(extraKeys);
            Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).forEach(javaKeys::add);
            Set<String> schemaKeys = new TreeSet<>();
            s.path("properties").fieldNames().forEachRemaining(schemaKeys::add);
            if (!javaKeys.equals(schemaKeys)) {
                drift.add(path + ": the model (" + record.getSimpleName() + ") has keys " + javaKeys + ", the schema "
                        + schemaKeys);
            }
            for (RecordComponent component : record.getRecordComponents()) {
                JsonNode property = s.path("properties").path(component.getName());
                if (!property.isMissingNode()) {
                    compare(component.getGenericType(), property, path + "." + component.getName(), Set.of());
                }
            }
        }

        /** A sealed interface whose variant Jackson picks by a property: an enum of the names and one if/then per name. */
        private void compareVariants(Class<?> base, JsonNode s, String path) {
            String property = base.getAnnotation(JsonTypeInfo.class).property();
            JsonSubTypes.Type[] variants = base.getAnnotation(JsonSubTypes.class).value();
            List<String> names = Arrays.stream(variants).map(JsonSubTypes.Type::name).toList();
            if (!s.path("required").toString().contains("\"" + property + "\"")) {
                drift.add(path + ": the loader requires " + property + ", the schema does not");
            }
            List<String> schemaNames = texts(s.path("properties").path(property).path("enum"));
            if (!schemaNames.equals(names)) {
                drift.add(path + "." + property + ": the model has " + names + ", the schema " + schemaNames);
            }
            for (JsonSubTypes.Type variant : variants) {
                JsonNode then = null;
                for (JsonNode branch : s.path("allOf")) {
                    if (variant.name()
                            .equals(branch.path("if").path("properties").path(property).path("const").asText(null))) {
                        then = branch.path("then");
                    }
                }
                String vpath = path + "<" + variant.name() + ">";
                if (then == null) {
                    drift.add(vpath + ": no if/then branch in the schema");
                    continue;
                }
                if (!variant.name()
                        .equals(resolve(then).path("properties").path(property).path("const").asText(null))) {
                    drift.add(vpath + "." + property + ": the variant's schema must say const " + variant.name());
                }
                compare(variant.value(), then, vpath, Set.of(property));
            }
        }

        private void compareEnum(Class<?> enumType, JsonNode s, String path) {
            List<String> names = Arrays.stream(enumType.getEnumConstants()).map(c -> jsonName((Enum<?>) c)).toList();
            List<String> schemaNames = texts(s.path("enum"));
            if (!schemaNames.equals(names)) {
                drift.add(path + ": the model (" + enumType.getSimpleName() + ") has " + names + ", the schema "
                        + schemaNames);
            }
        }

        private void expectType(JsonNode s, String type, String path) {
            if (!type.equals(s.path("type").asText())) {
                drift.add(path + ": the model binds a " + type + ", the schema says type " + s.path("type"));
            }
        }

        private JsonNode resolve(JsonNode schema) {
            JsonNode s = schema;
            while (s.has("$ref")) {
                s = root.at(s.get("$ref").asText().substring(1));
            }
            return s;
        }
    }

    private static String jsonName(Enum<?> constant) {
        try {
            JsonProperty name = constant.getDeclaringClass().getField(constant.name())
                    .getAnnotation(JsonProperty.class);
            return name == null ? constant.name() : name.value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }

    // ---------------------------------------------------------------- helpers

    private static Set<String> schemaErrors(JsonNode topology) {
        return SCHEMA.validate(topology).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
