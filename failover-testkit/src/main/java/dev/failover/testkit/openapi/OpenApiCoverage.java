package dev.failover.testkit.openapi;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Compares a service's generated OpenAPI document with its JAX-RS resources: every endpoint is documented, with a JSON
 * schema for its success body, the error statuses it can answer, the API's error body for those that carry one, and the
 * one bearer security scheme. A service's test lists what each endpoint must document; this says what is missing.
 */
public final class OpenApiCoverage {

    /** One endpoint: the HTTP method in upper case and the path as the document writes it ({param} templates). */
    public record Operation(String method, String path) implements Comparable<Operation> {
        @Override
        public int compareTo(Operation other) {
            return (path + " " + method).compareTo(other.path + " " + other.method);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /**
     * What one endpoint must document.
     *
     * @param statuses        every status it can answer, success and errors
     * @param errorBody       the error statuses whose body is the API's error object (the others have no body)
     */
    public record Expected(Set<Integer> statuses, Set<Integer> errorBody) {
    }

    private OpenApiCoverage() {
    }

    /** The endpoints the resource classes declare. */
    public static Set<Operation> operations(Class<?>... resources) {
        Set<Operation> operations = new TreeSet<>();
        for (Class<?> resource : resources) {
            String base = resource.isAnnotationPresent(Path.class) ? resource.getAnnotation(Path.class).value() : "";
            for (Method method : resource.getMethods()) {
                String verb = verb(method);
                if (verb != null) {
                    String sub = method.isAnnotationPresent(Path.class) ? method.getAnnotation(Path.class).value() : "";
                    operations.add(new Operation(verb, join(base, sub)));
                }
            }
        }
        return operations;
    }

    /** The endpoints the document describes. */
    public static Set<Operation> operations(JsonNode document) {
        Set<Operation> operations = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(verb -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(verb)) {
                operations.add(new Operation(verb.toUpperCase(), path.getKey()));
            }
        }));
        return operations;
    }

    /**
     * What the document lacks, one line each: an error schema without the fields the API's errors have, a security
     * scheme other than one HTTP bearer scheme, and per endpoint a missing status, a success without a JSON schema, an
     * error without the error schema, or no security requirement.
     *
     * @param errorSchema the name of the error body's schema under components.schemas
     */
    public static List<String> problems(JsonNode document, String errorSchema, Map<Operation, Expected> expected) {
        List<String> problems = new ArrayList<>();
        JsonNode error = document.path("components").path("schemas").path(errorSchema);
        for (String field : List.of("status", "error", "field", "message")) {
            if (error.path("properties").path(field).isMissingNode()) {
                problems.add("schema " + errorSchema + " has no property " + field);
            }
        }
        JsonNode schemes = document.path("components").path("securitySchemes");
        List<String> names = new ArrayList<>();
        schemes.fieldNames().forEachRemaining(names::add);
        if (names.size() != 1 || !"http".equals(schemes.path(names.get(0)).path("type").asText())
                || !"bearer".equalsIgnoreCase(schemes.path(names.get(0)).path("scheme").asText())) {
            problems.add("security schemes: exactly one HTTP bearer scheme expected, found " + schemes);
        }
        expected.forEach((operation, wanted) -> {
            JsonNode op = document.path("paths").path(operation.path()).path(operation.method().toLowerCase());
            if (op.isMissingNode()) {
                problems.add(operation + ": not documented");
                return;
            }
            JsonNode security = op.has("security") ? op.path("security") : document.path("security");
            if (names.size() == 1 && !security.toString().contains("\"" + names.get(0) + "\"")) {
                problems.add(operation + ": no security requirement of " + names.get(0));
            }
            JsonNode responses = op.path("responses");
            for (int status : wanted.statuses()) {
                JsonNode response = responses.path(String.valueOf(status));
                if (response.isMissingNode()) {
                    problems.add(operation + ": status " + status + " not documented");
                    continue;
                }
                JsonNode schema = response.path("content").path("application/json").path("schema");
                if (status < 300 && schema.isMissingNode()) {
                    problems.add(operation + ": status " + status + " has no JSON schema");
                }
                if (wanted.errorBody().contains(status)
                        && !schema.path("$ref").asText().equals("#/components/schemas/" + errorSchema)) {
                    problems.add(operation + ": status " + status + " does not document the error body " + errorSchema);
                }
            }
            for (Iterator<String> it = responses.fieldNames(); it.hasNext();) {
                String status = it.next();
                if (!status.equals("default") && !wanted.statuses().contains(Integer.parseInt(status))) {
                    problems.add(operation + ": documents status " + status + ", which the test does not expect");
                }
            }
        });
        return problems;
    }

    private static String verb(Method method) {
        if (method.isAnnotationPresent(GET.class)) {
            return "GET";
        }
        if (method.isAnnotationPresent(POST.class)) {
            return "POST";
        }
        if (method.isAnnotationPresent(PUT.class)) {
            return "PUT";
        }
        if (method.isAnnotationPresent(DELETE.class)) {
            return "DELETE";
        }
        return method.isAnnotationPresent(PATCH.class) ? "PATCH" : null;
    }

    private static String join(String base, String sub) {
        String path = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
