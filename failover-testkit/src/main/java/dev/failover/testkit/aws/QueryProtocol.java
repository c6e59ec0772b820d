package dev.failover.testkit.aws;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.sun.net.httpserver.HttpExchange;

/**
 * The AWS Query protocol as the fixtures of Query services (STS, IAM) speak it: a form-encoded request, an XML answer,
 * the documented error document. Test code.
 */
public final class QueryProtocol {

    private QueryProtocol() {
    }

    /** The form fields of a request body or query string, decoded. */
    public static Map<String, String> form(String raw) {
        Map<String, String> form = new TreeMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    /** The error document of a Query service whose namespace is {@code ns}. */
    public static String error(String ns, String code, String message) {
        return "<ErrorResponse xmlns=\"" + ns + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>"
                + escape(message) + "</Message></Error><RequestId>" + UUID.randomUUID()
                + "</RequestId></ErrorResponse>";
    }

    static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
