package dev.failover.kafka.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;

/**
 * Applies {@link ServiceAcls} to a broker with an admin's credentials; used by scripts/kafka.sh and usable from any
 * deployment job. Creating an ACL that exists already changes nothing, so it can run on every deploy.
 *
 * <pre>
 * java -cp failover-kafka.jar:kafka-clients.jar:... dev.failover.kafka.security.ApplyServiceAcls \
 *     --bootstrap-server HOST:PORT --command-config admin.properties \
 *     [--probe-principal User:failover-probe] [--decision-principal User:failover-decision] [--actuator-principal User:failover-actuator]
 * </pre>
 * {@code admin.properties} holds the admin client's security settings (security.protocol, sasl.*, ssl.*).
 */
public final class ApplyServiceAcls {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ApplyServiceAcls() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        Properties admin = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(required(options, "--command-config")))) {
            admin.load(in);
        }
        admin.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, required(options, "--bootstrap-server"));
        ServiceAcls acls = new ServiceAcls(options.getOrDefault("--probe-principal", ServiceAcls.DEFAULT.probe()),
                options.getOrDefault("--decision-principal", ServiceAcls.DEFAULT.decision()),
                options.getOrDefault("--actuator-principal", ServiceAcls.DEFAULT.actuator()));
        apply(admin, acls.bindings());
        System.out.println("applied " + acls.bindings().size() + " ACLs for " + acls.probe() + ", " + acls.decision()
                + ", " + acls.actuator());
    }

    /** Creates these ACLs with an admin client of these properties, waiting for the broker to confirm them all. */
    public static void apply(Map<?, ?> adminProperties, List<AclBinding> bindings) {
        Map<String, Object> properties = new HashMap<>();
        adminProperties.forEach((k, v) -> properties.put(String.valueOf(k), v));
        try (Admin admin = Admin.create(properties)) {
            admin.createAcls(bindings).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create the service ACLs at "
                    + properties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'");
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
