package dev.failover.ctl.render;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A kubectl-style JSONPath template ({@code -o jsonpath='{.status}'}): text, and expressions in braces that select from
 * the server's answer. What is kept of kubectl's syntax: {@code .field}, {@code ['field']}, {@code [N]} (negative from
 * the end), {@code [*]} and {@code .*}, and {@code {"text"}} for a literal with {@code \n} and {@code \t}. Several
 * values are joined by a space; a string is printed as itself, an object or array as JSON, a JSON null as
 * {@code null}; a field that is absent prints nothing (kubectl's default). The output ends where the template does (no
 * newline of its own, as kubectl). Anything else ({@code range}, filters, {@code ..}) is refused at parse, naming
 * where, so that a script does not silently print nothing.
 */
public final class JsonPathTemplate {

    private sealed interface Part permits Text, Path {
    }

    private record Text(String text) implements Part {
    }

    private record Path(List<Step> steps) implements Part {
    }

    private sealed interface Step permits Field, Index, All {
    }

    private record Field(String name) implements Step {
    }

    private record Index(int index) implements Step {
    }

    private record All() implements Step {
    }

    private final String template;
    private final List<Part> parts;

    private JsonPathTemplate(String template, List<Part> parts) {
        this.template = template;
        this.parts = List.copyOf(parts);
    }

    /** @throws IllegalArgumentException naming the position and what is not understood */
    public static JsonPathTemplate parse(String template) {
        List<Part> parts = new ArrayList<>();
        int i = 0;
        StringBuilder text = new StringBuilder();
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '{') {
                text.append(c);
                i++;
                continue;
            }
            int end = template.indexOf('}', i);
            if (end < 0) {
                throw new IllegalArgumentException("jsonpath: '{' at " + i + " is not closed");
            }
            String expression = template.substring(i + 1, end).trim();
            if (expression.startsWith("\"")) {
                // a quoted literal may itself hold a '}': the closing quote ends it
                int close = closingQuote(template, template.indexOf('"', i));
                end = template.indexOf('}', close);
                if (end < 0 || !template.substring(close + 1, end).isBlank()) {
                    throw new IllegalArgumentException("jsonpath: the literal at " + i + " must be {\"text\"}");
                }
                text.append(unescape(template.substring(template.indexOf('"', i) + 1, close)));
            } else {
                if (!text.isEmpty()) {
                    parts.add(new Text(text.toString()));
                    text.setLength(0);
                }
                parts.add(new Path(steps(expression, i + 1)));
            }
            i = end + 1;
        }
        if (!text.isEmpty()) {
            parts.add(new Text(text.toString()));
        }
        return new JsonPathTemplate(template, parts);
    }

    /** The template applied to one answer. */
    public String render(JsonNode root) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Text t) {
                out.append(t.text());
            } else if (part instanceof Path p) {
                List<JsonNode> values = List.of(root);
                for (Step step : p.steps()) {
                    values = apply(step, values);
                }
                List<String> printed = new ArrayList<>();
                values.forEach(v -> printed.add(v.isValueNode() ? v.asText() : v.toString()));
                out.append(String.join(" ", printed));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return template;
    }

    private static List<JsonNode> apply(Step step, List<JsonNode> values) {
        List<JsonNode> next = new ArrayList<>();
        for (JsonNode value : values) {
            if (step instanceof Field f) {
                JsonNode child = value.get(f.name());
                if (child != null && value.isObject()) {
                    next.add(child);
                }
            } else if (step instanceof Index x) {
                if (value.isArray()) {
                    int at = x.index() < 0 ? value.size() + x.index() : x.index();
                    if (at >= 0 && at < value.size()) {
                        next.add(value.get(at));
                    }
                }
            } else {
                value.elements().forEachRemaining(next::add);
            }
        }
        return next;
    }

    private static List<Step> steps(String expression, int at) {
        if (expression.isEmpty()) {
            throw unsupported(expression, at, "an empty expression (the whole answer is {.} or {$})");
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        if (expression.startsWith("$")) {
            i = 1;
        }
        if (expression.equals(".") || expression.equals("$")) {
            return steps;
        }
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (c == '.') {
                if (i + 1 < expression.length() && expression.charAt(i + 1) == '.') {
                    throw unsupported(expression, at + i, "'..' (recursive descent)");
                }
                int start = ++i;
                while (i < expression.length() && expression.charAt(i) != '.' && expression.charAt(i) != '[') {
                    i++;
                }
                String name = expression.substring(start, i);
                if (name.isEmpty()) {
                    throw unsupported(expression, at + start, "an empty field name");
                }
                steps.add(name.equals("*") ? new All() : new Field(name));
            } else if (c == '[') {
                int close = expression.indexOf(']', i);
                if (close < 0) {
                    throw unsupported(expression, at + i, "'[' not closed");
                }
                String inside = expression.substring(i + 1, close).trim();
                if (inside.equals("*")) {
                    steps.add(new All());
                } else if (inside.length() >= 2 && (inside.startsWith("'") && inside.endsWith("'")
                        || inside.startsWith("\"") && inside.endsWith("\""))) {
                    steps.add(new Field(inside.substring(1, inside.length() - 1)));
                } else if (inside.matches("-?\\d+")) {
                    steps.add(new Index(Integer.parseInt(inside)));
                } else {
                    throw unsupported(expression, at + i, "[" + inside + "] (only [N], [*] and ['field'])");
                }
                i = close + 1;
            } else {
                throw unsupported(expression, at + i, "'" + expression.substring(i).split("[.\\[]")[0]
                        + "' (range, filters and functions are not supported; a path starts with '.')");
            }
        }
        return steps;
    }

    private static IllegalArgumentException unsupported(String expression, int at, String what) {
        return new IllegalArgumentException("jsonpath: {" + expression + "}: at " + at + ", " + what);
    }

    private static int closingQuote(String template, int open) {
        for (int i = open + 1; i < template.length(); i++) {
            if (template.charAt(i) == '\\') {
                i++;
            } else if (template.charAt(i) == '"') {
                return i;
            }
        }
        throw new IllegalArgumentException("jsonpath: the quote at " + open + " is not closed");
    }

    private static String unescape(String literal) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '\\' && i + 1 < literal.length()) {
                char n = literal.charAt(++i);
                out.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
