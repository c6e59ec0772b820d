package dev.failover.testkit.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} the secured in-JVM broker (SASL_SSL, SCRAM-SHA-512, StandardAuthorizer) and the
 * {@code kafka.*} security properties of one principal, so that the service's channels and hand-built clients all run
 * as that principal. A test module subclasses it with the principal and the ACLs (the testkit does not know the
 * services' ACLs: they live in failover-kafka, which tests with this testkit):
 *
 * <pre>
 * public class SecuredProbeKafka extends SecuredKafkaBrokerResource {
 *     public SecuredProbeKafka() { super("failover-probe", ServiceAcls.DEFAULT.bindings(), List.of(Topics.PROBE_RESULTS)); }
 * }
 * </pre>
 *
 * One secured broker serves every test class of the JVM, with a SCRAM user for each of {@link #USERS}; it stops when
 * the JVM exits. The plaintext {@link KafkaBrokerResource} stays what the other tests use.
 */
public abstract class SecuredKafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    /** The SCRAM users of the secured broker: the three services' default principals and one that has no ACLs. */
    public static final Set<String> USERS = Set.of("failover-probe", "failover-decision", "failover-actuator", "outsider");

    private static EmbeddedKafkaBroker broker;

    private final String user;
    private final List<AclBinding> acls;
    private final List<String> topics;

    /**
     * @param user   the SCRAM user (one of {@link #USERS}) the service under test runs as
     * @param acls   created as the admin before the service starts
     * @param topics created as the admin (3 partitions) before the service starts, when missing: what another service
     *               would have created in production
     */
    protected SecuredKafkaBrokerResource(String user, Collection<AclBinding> acls, Collection<String> topics) {
        this.user = user;
        this.acls = List.copyOf(acls);
        this.topics = List.copyOf(topics);
    }

    /** The secured broker of this JVM, started on first use. */
    public static synchronized EmbeddedKafkaBroker broker() {
        if (broker == null) {
            KafkaBrokerResource.quietBrokerLogs();
            broker = EmbeddedKafkaBroker.startSecured(USERS);
            EmbeddedKafkaBroker started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "secured-kafka-test-broker-shutdown"));
        }
        return broker;
    }

    /** Creates these ACLs and topics as the admin (creating an ACL that exists changes nothing). */
    static void prepare(Collection<AclBinding> acls, Collection<String> topics) {
        try (Admin admin = Admin.create(broker().adminProperties())) {
            admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t)).map(t -> new NewTopic(t, 3, (short) 1)).toList();
            admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create ACLs and topics on the secured test broker", e);
        }
    }

    @Override
    public Map<String, String> start() {
        prepare(acls, topics);
        Map<String, String> config = new HashMap<>(KafkaBrokerResource.quietLogConfig());
        broker().clientProperties(user).forEach((key, value) -> config.put("kafka." + key, value));
        return config;
    }

    @Override
    public void stop() {
        // shared by every test class of this JVM; closed by the shutdown hook
    }
}
