package dev.failover.ctl.command;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.failover.ctl.config.ConfigFile;
import dev.failover.ctl.config.CtlConfig;
import dev.failover.ctl.config.ExecCredential;
import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.http.Endpoint;
import dev.failover.ctl.render.Output;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Where the servers are, who the caller is, and how to print: global options, accepted anywhere on the line (before or
 * after the verb, as kubectl's), declared once on the top command. Each setting comes from the first of: its flag; the
 * context named by {@code --context} or {@code FAILOVERCTL_CONTEXT}; the environment (FAILOVER_URL, FAILOVER_TOKEN,
 * FAILOVER_ACTUATOR_URL, FAILOVER_ACTUATOR_TOKEN); the config file's current context; the local default. So a shell set
 * up once needs no flags at 3 a.m., and naming a context always means that context.
 */
public final class ConnectionOptions {

    /** The two APIs the CLI calls, each with its own token audience. */
    public enum Service {
        DECISION("decision-service", "failover-decision-service", "FAILOVER_URL", "FAILOVER_TOKEN",
                "http://127.0.0.1:8280"),
        ACTUATOR("actuator", "failover-actuator-service", "FAILOVER_ACTUATOR_URL", "FAILOVER_ACTUATOR_TOKEN",
                "http://127.0.0.1:8380");

        final String label;
        final String audience;
        final String urlVariable;
        final String tokenVariable;
        final String defaultUrl;

        Service(String label, String audience, String urlVariable, String tokenVariable, String defaultUrl) {
            this.label = label;
            this.audience = audience;
            this.urlVariable = urlVariable;
            this.tokenVariable = tokenVariable;
            this.defaultUrl = defaultUrl;
        }
    }

    /** The process environment; replaced only by {@code FailoverCtl.commandLine(env)}, for a CLI run in-process. */
    private Map<String, String> env = System.getenv();

    /** Reads this environment instead of the process's. */
    public void environment(Map<String, String> environment) {
        this.env = Map.copyOf(environment);
    }

    @Option(names = "--url", scope = ScopeType.INHERIT, description = "decision-service base URL (env FAILOVER_URL; "
            + "default the context's, else http://127.0.0.1:8280)")
    URI url;

    @Option(names = "--token", scope = ScopeType.INHERIT, description = "bearer token of the role failover-viewer or "
            + "failover-operator (env FAILOVER_TOKEN; FAILOVER_ACTUATOR_TOKEN for the actuator commands)")
    String token;

    @Option(names = "--token-file", scope = ScopeType.INHERIT,
            description = "file holding the token; used instead of --token and the environment")
    Path tokenFile;

    @Option(names = "--context", scope = ScopeType.INHERIT,
            description = "the config file's context to use (env FAILOVERCTL_CONTEXT; default its current-context)")
    String context;

    @Option(names = "--config", scope = ScopeType.INHERIT, description = "config file (env FAILOVERCTL_CONFIG; default "
            + "~/.config/failoverctl/config.yaml)")
    Path config;

    @Option(names = "--certificate-authority", scope = ScopeType.INHERIT,
            description = "PEM file of the CA(s) to trust for https servers (default the context's, else the JDK's)")
    Path certificateAuthority;

    @Option(names = "--insecure-http", scope = ScopeType.INHERIT, description = "send the bearer token over plain http "
            + "to a host other than this machine (refused otherwise: anyone on the path could read it and act as you)")
    boolean insecureHttp;

    @Option(names = { "-o", "--output" }, defaultValue = "table", scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            converter = Output.Converter.class, completionCandidates = Output.Names.class,
            description = "table, json or yaml (the server's answer as it came), or jsonpath=TEMPLATE (kubectl's: "
                    + "'{.target}', '{.groups[*].group}'); default ${DEFAULT-VALUE}")
    Output output;

    @Option(names = "--timeout", defaultValue = "15s", converter = DurationConverter.class, scope = ScopeType.INHERIT,
            description = "how long to wait for a server, e.g. 15s, 500ms; default ${DEFAULT-VALUE}")
    Duration timeout;

    private CtlConfig loaded;

    /** A setting that cannot be used (a bad config file, an unknown context, an unreadable token file): exit 2. */
    static final class BadSetting extends Exception {
        BadSetting(String message) {
            super(message);
        }
    }

    /** The config file, read once per run. */
    CtlConfig config() throws BadSetting {
        if (loaded == null) {
            try {
                loaded = ConfigFile.locate(config, env).load();
            } catch (CtlConfig.InvalidConfigException e) {
                throw new BadSetting(e.getMessage());
            }
        }
        return loaded;
    }

    ConfigFile configFile() {
        return ConfigFile.locate(config, env);
    }

    /** The context named on purpose (--context, FAILOVERCTL_CONTEXT), or null. */
    private CtlConfig.Context namedContext() throws BadSetting {
        String name = context != null ? context : blankToNull(env.get("FAILOVERCTL_CONTEXT"));
        if (name == null) {
            return null;
        }
        CtlConfig c = config();
        return c.context(name).orElseThrow(() -> new BadSetting("no context named '" + name + "' in " + c.file()
                + " (contexts: " + (c.contexts().isEmpty() ? "none" : String.join(", ", c.contexts().keySet())) + ")"));
    }

    /** The config file's current context, or null. */
    private CtlConfig.Context currentContext() throws BadSetting {
        CtlConfig c = config();
        return c.currentContext() == null ? null : c.contexts().get(c.currentContext());
    }

    /** A client of the decision-service. */
    ApiClient decisionService() throws BadSetting, ApiException {
        return clients(Service.DECISION, List.of()).get(0);
    }

    /**
     * Clients of a service, one per server in the order to try them.
     *
     * @param flagged URLs given on the command line for it (--actuator-url), which win over every other source
     */
    List<ApiClient> clients(Service service, List<URI> flagged) throws BadSetting, ApiException {
        CtlConfig.Context named = namedContext();
        List<URI> urls;
        String origin;
        CtlConfig.Context from = null;
        List<URI> given = service == Service.DECISION ? (url == null ? List.of() : List.of(url)) : flagged;
        String variable = blankToNull(env.get(service.urlVariable));
        if (!given.isEmpty()) {
            urls = given;
            origin = service == Service.DECISION ? "--url" : "--actuator-url";
        } else if (named != null && !planeUrls(named, service).isEmpty()) {
            urls = planeUrls(named, service);
            origin = "context " + named.name();
            from = named;
        } else if (variable != null) {
            urls = new ArrayList<>();
            for (String part : variable.split("[,\\s]+")) {
                if (!part.isBlank()) {
                    urls.add(URI.create(part.trim()));
                }
            }
            origin = service.urlVariable;
        } else if (named == null && currentContext() != null && !planeUrls(currentContext(), service).isEmpty()) {
            from = currentContext();
            urls = planeUrls(from, service);
            origin = "context " + from.name();
        } else {
            urls = List.of(URI.create(service.defaultUrl));
            origin = "default";
        }
        for (URI u : urls) {
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null) {
                throw new BadSetting((origin.startsWith("--") ? origin : origin + ": the " + service.label + " URL")
                        + " must be an http(s) URL, was '" + u + "'");
            }
        }
        Path ca = certificateAuthority != null ? certificateAuthority  // else the CA of the plane the URL came from
                : from != null ? config().planes().get(from.plane()).certificateAuthority() : null;
        String bearer = token(service, named, urls.get(0));
        if (bearer != null && !insecureHttp) {
            for (URI u : urls) {
                if (u.getScheme().equals("http") && !thisMachine(u.getHost())) {
                    throw new BadSetting("refusing to send a bearer token over plain http to " + u.getHost() + " (the "
                            + service.label + " URL " + u + ", from " + origin
                            + "): anyone on the path could read it and act"
                            + " as you. Use https, or --insecure-http to send it anyway");
                }
            }
        }
        List<ApiClient> clients = new ArrayList<>();
        for (URI u : urls) {
            try {
                clients.add(new ApiClient(new Endpoint(service.label, u, origin, ca), bearer, timeout));
            } catch (IllegalArgumentException e) {
                throw new BadSetting(e.getMessage());
            }
        }
        return clients;
    }

    /** A host that is this machine by its name or address, never looked up: localhost, 127.0.0.0/8, ::1. */
    static boolean thisMachine(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.equals("localhost.") || h.startsWith("127.") || h.equals("[::1]")
                || h.equals("::1");
    }

    private List<URI> planeUrls(CtlConfig.Context context, Service service) throws BadSetting {
        CtlConfig.Plane plane = config().planes().get(context.plane());
        if (service == Service.DECISION) {
            return plane.decisionService() == null ? List.of() : List.of(plane.decisionService());
        }
        return plane.actuators();
    }

    /** The bearer token for a service, or null (the server answers 401, naming where a token comes from). */
    private String token(Service service, CtlConfig.Context named, URI server) throws BadSetting, ApiException {
        if (tokenFile != null) {
            return read(tokenFile, "--token-file");
        }
        if (blankToNull(token) != null) {
            return token.trim();
        }
        String fromNamed = named == null ? null : userToken(named, service, server);
        if (fromNamed != null) {
            return fromNamed;
        }
        String variable = blankToNull(env.get(service.tokenVariable));
        if (variable != null) {
            return variable.trim();
        }
        CtlConfig.Context current = named == null ? currentContext() : null;
        return current == null ? null : userToken(current, service, server);
    }

    private String userToken(CtlConfig.Context context, Service service, URI server) throws BadSetting, ApiException {
        if (context.user() == null) {
            return null;
        }
        CtlConfig.User user = config().users().get(context.user());
        String where = "user " + user.name() + " of " + config().file();
        Path file = service == Service.DECISION ? user.tokenFile() : user.actuatorTokenFile();
        String literal = service == Service.DECISION ? user.token() : user.actuatorToken();
        if (file != null) {
            return read(file, where);
        }
        if (literal != null) {
            return literal;
        }
        return user.exec() == null ? null : ExecCredential.token(user.exec(), service.audience, server.toString(),
                System.console() != null);
    }

    private static String read(Path file, String where) throws BadSetting {
        try {
            String text = Files.readString(file).trim();
            if (text.isEmpty()) {
                throw new BadSetting(where + ": token file " + file + " is empty");
            }
            return text;
        } catch (IOException e) {
            throw new BadSetting(where + ": token file " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** "15s", "500ms", "2m" or an ISO-8601 duration. */
    public static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            String t = text.trim().toLowerCase();
            try {
                if (t.startsWith("p")) {
                    return Duration.parse(t.toUpperCase());
                }
                if (t.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
                }
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new IllegalArgumentException();
                };
            } catch (RuntimeException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "'" + text + "' is not a duration like 15s, 500ms, 2m or 7d");
            }
        }
    }
}
