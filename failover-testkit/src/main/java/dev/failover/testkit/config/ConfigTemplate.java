package dev.failover.testkit.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The BIND, Knot and Kafka configuration templates of the repository's {@code config/} directory (packed into this
 * jar), with their {@code ${KEY}} placeholders filled in. scripts/lib/template.sh renders the BIND and Kafka ones for the
 * local stack, so tests and scripts run one configuration; Knot runs in the tests only.
 */
public final class ConfigTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_]+)}");

    private ConfigTemplate() {
    }

    /**
     * @param template path under {@code config/}, e.g. {@code "kafka/broker.properties.template"}
     * @throws IllegalArgumentException when a placeholder of the template has no value here
     */
    public static String render(String template, Map<String, String> values) {
        String text = read(template);
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder rendered = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException(template + ": no value for " + matcher.group());
            }
            matcher.appendReplacement(rendered, Matcher.quoteReplacement(value));
        }
        return matcher.appendTail(rendered).toString();
    }

    private static String read(String template) {
        String resource = "/failover/config/" + template;
        try (InputStream in = ConfigTemplate.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        resource + " is not on the classpath (failover-testkit packs config/" + template
                                + ")");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
