package dev.failover.ctl.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * failoverctl's config file, shaped like a kubeconfig: planes (where a control plane's decision-service and actuators
 * are), users (where a token comes from) and contexts (a plane with a user), one of them current. Read once, checked
 * whole: every bad key is named with the file, and a context must name a plane and a user of the file.
 *
 * @param file           where it was read from
 * @param currentContext the {@code current-context}, or null
 */
public record CtlConfig(Path file, String currentContext, Map<String, Plane> planes, Map<String, User> users,
        Map<String, Context> contexts) {

    /** Names of planes, users and contexts: a plain YAML scalar, so that use-context can write it back as it is. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:/-]{0,252}");

    /**
     * One control plane.
     *
     * @param decisionService      the decision-service's URL (any region's instance answers)
     * @param actuators            every region's actuator, in the order {@code retry} tries them
     * @param certificateAuthority PEM CA(s) trusted for these servers instead of the JDK's, or null
     */
    public record Plane(String name, URI decisionService, List<URI> actuators, Path certificateAuthority) {
    }

    /**
     * Where a user's tokens come from: a literal, a file, or a command; the actuator's own (its audience differs) when
     * given, else the command asked for the actuator's audience.
     */
    public record User(String name, String token, Path tokenFile, String actuatorToken, Path actuatorTokenFile,
            Exec exec) {
    }

    /** A credential command, as kubectl's exec: its stdout is the token (or an ExecCredential / OAuth token JSON). */
    public record Exec(String command, List<String> args, Map<String, String> env) {
    }

    public record Context(String name, String plane, String user) {
    }

    public Optional<Context> context(String name) {
        return Optional.ofNullable(contexts.get(name));
    }

    /** The file's keys are wrong: each error names its key. */
    public static final class InvalidConfigException extends Exception {
        private final List<String> errors;

        InvalidConfigException(Path file, List<String> errors) {
            super(file + ": invalid failoverctl config: " + String.join("; ", errors));
            this.errors = List.copyOf(errors);
        }

        public List<String> errors() {
            return errors;
        }
    }

    private static final YAMLMapper YAML = new YAMLMapper();

    /** Reads and checks the config; an empty file is an empty config. */
    public static CtlConfig parse(Path file, String text) throws InvalidConfigException {
        List<String> errors = new ArrayList<>();
        JsonNode root;
        try {
            root = text.isBlank() ? YAML.createObjectNode() : YAML.readTree(text);
        } catch (IOException e) {
            throw new InvalidConfigException(file,
                    List.of("not YAML: " + e.getMessage().lines().findFirst().orElse("")));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new InvalidConfigException(file, List.of("must be a mapping with planes, users, contexts"));
        }
        Path dir = file.toAbsolutePath().getParent();
        Reader r = new Reader(errors, dir);
        r.keys(root, "", Set.of("apiVersion", "kind", "current-context", "planes", "users", "contexts"));
        Map<String, Plane> planes = new LinkedHashMap<>();
        r.list(root, "planes", (node, at) -> {
            r.keys(node, at, Set.of("name", "decision-service", "actuators", "certificate-authority"));
            String name = r.name(node, at);
            URI decision = r.url(node.path("decision-service"), at + ".decision-service", false);
            List<URI> actuators = new ArrayList<>();
            JsonNode list = node.path("actuators");
            if (!list.isMissingNode() && !list.isArray()) {
                errors.add(at + ".actuators: must be a list of URLs");
            }
            for (int i = 0; list.isArray() && i < list.size(); i++) {
                actuators.add(r.url(list.get(i), at + ".actuators[" + i + "]", true));
            }
            r.unique(planes, name, at, new Plane(name, decision, actuators, r.path(node, "certificate-authority", at)));
        });
        Map<String, User> users = new LinkedHashMap<>();
        r.list(root, "users", (node, at) -> {
            r.keys(node, at, Set.of("name", "token", "token-file", "actuator-token", "actuator-token-file", "exec"));
            String name = r.name(node, at);
            Exec exec = null;
            JsonNode e = node.path("exec");
            if (!e.isMissingNode()) {
                r.keys(e, at + ".exec", Set.of("command", "args", "env"));
                String command = r.string(e, "command", at + ".exec");
                if (command == null) {
                    errors.add(at + ".exec.command: required (the program that prints the token)");
                }
                List<String> args = new ArrayList<>();
                for (JsonNode a : e.path("args")) {
                    args.add(a.asText());
                }
                Map<String, String> env = new LinkedHashMap<>();
                JsonNode envNode = e.path("env");
                if (envNode.isObject()) {
                    envNode.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
                } else if (envNode.isArray()) { // kubectl's form: [{name, value}]
                    for (JsonNode v : envNode) {
                        env.put(v.path("name").asText(), v.path("value").asText());
                    }
                } else if (!envNode.isMissingNode()) {
                    errors.add(at + ".exec.env: must be a mapping NAME: value");
                }
                exec = command == null ? null : new Exec(r.relative(command), args, env);
            }
            r.unique(users, name, at, new User(name, r.string(node, "token", at), r.path(node, "token-file", at),
                    r.string(node, "actuator-token", at), r.path(node, "actuator-token-file", at), exec));
        });
        Map<String, Context> contexts = new LinkedHashMap<>();
        r.list(root, "contexts", (node, at) -> {
            r.keys(node, at, Set.of("name", "plane", "user"));
            String name = r.name(node, at);
            String plane = r.string(node, "plane", at);
            String user = r.string(node, "user", at);
            if (plane == null) {
                errors.add(at + ".plane: required");
            } else if (!planes.containsKey(plane)) {
                errors.add(at + ".plane: no plane named '" + plane + "' (planes: " + String.join(", ", planes.keySet())
                        + ")");
            }
            if (user != null && !users.containsKey(user)) {
                errors.add(
                        at + ".user: no user named '" + user + "' (users: " + String.join(", ", users.keySet()) + ")");
            }
            r.unique(contexts, name, at, new Context(name, plane, user));
        });
        String current = r.string(root, "current-context", "");
        if (current != null && !contexts.containsKey(current)) {
            errors.add("current-context: no context named '" + current + "'");
        }
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(file, errors);
        }
        return new CtlConfig(file, current, planes, users, contexts);
    }

    /** Reads typed values, adding an error naming the key for each bad one. */
    private record Reader(List<String> errors, Path dir) {

        interface Item {
            void read(JsonNode node, String at);
        }

        void keys(JsonNode node, String at, Set<String> known) {
            if (!node.isObject()) {
                errors.add((at.isEmpty() ? "(top)" : at) + ": must be a mapping");
                return;
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
                String key = names.next();
                if (!known.contains(key)) {
                    errors.add((at.isEmpty() ? "" : at + ".") + key + ": unknown key (known: " + String.join(", ",
                            known.stream().sorted().toList()) + ")");
                }
            }
        }

        void list(JsonNode root, String key, Item item) {
            JsonNode list = root.path(key);
            if (list.isMissingNode() || list.isNull()) {
                return;
            }
            if (!list.isArray()) {
                errors.add(key + ": must be a list");
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).isObject()) {
                    item.read(list.get(i), key + "[" + i + "]");
                } else {
                    errors.add(key + "[" + i + "]: must be a mapping");
                }
            }
        }

        String string(JsonNode node, String key, String at) {
            JsonNode value = node.path(key);
            if (value.isMissingNode() || value.isNull()) {
                return null;
            }
            if (!value.isValueNode() || value.asText().isBlank()) {
                errors.add((at.isEmpty() ? "" : at + ".") + key + ": must be a non-empty string");
                return null;
            }
            return value.asText().trim();
        }

        String name(JsonNode node, String at) {
            String name = string(node, "name", at);
            if (name == null) {
                errors.add(at + ".name: required");
            } else if (!NAME.matcher(name).matches()) {
                errors.add(at + ".name: '" + name
                        + "' must be letters, digits and . _ @ : / - (starting with a letter or digit)");
            }
            return name;
        }

        Path path(JsonNode node, String key, String at) {
            String text = string(node, key, at);
            return text == null ? null : dir.resolve(expandHome(text)).normalize();
        }

        /** A command with a slash is relative to the config file's directory (as kubectl's exec); a bare name is looked up on PATH. */
        String relative(String command) {
            String expanded = expandHome(command);
            return expanded.contains("/") ? dir.resolve(expanded).normalize().toString() : expanded;
        }

        URI url(JsonNode value, String at, boolean required) {
            if (value.isMissingNode() || value.isNull()) {
                if (required) {
                    errors.add(at + ": required");
                }
                return null;
            }
            try {
                URI uri = new URI(value.asText().trim());
                if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                        || uri.getHost() == null) {
                    errors.add(at + ": must be an http(s) URL, was '" + value.asText() + "'");
                    return null;
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                errors.add(at + ": not a URL: " + e.getMessage());
                return null;
            }
        }

        <T> void unique(Map<String, T> map, String name, String at, T value) {
            if (name == null) {
                return;
            }
            if (map.putIfAbsent(name, value) != null) {
                errors.add(at + ".name: '" + name + "' is used twice");
            }
        }

        private static String expandHome(String path) {
            return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
        }
    }
}
