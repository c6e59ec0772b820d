package dev.failover.actuator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.dns.ArcSettings;
import dev.failover.actuator.dns.DnsSettings;
import dev.failover.actuator.dns.Rfc2136Settings;
import dev.failover.actuator.dns.Route53Settings;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.scaling.ScalingSettings;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.kafka.security.KafkaSecurityCheck;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The configuration resolver, table-driven: each bad setting is reported with its key, good ones become settings. */
class ActuatorConfigResolverTest {

    static final String PLAIN = TestTopology.yaml("http://127.0.0.1:1/health", "http://127.0.0.1:2/health");
    static final String SECONDARY_DNS = "dns: {values: [" + TestTopology.SECONDARY_IP + "]}";
    static final String ZONED = replaceOnce(PLAIN, "ttl: 5}", "ttl: 5, hostedZoneId: Z0123456789ABC}");
    static final String ALIAS = replaceOnce(ZONED, SECONDARY_DNS,
            "dns: {alias: {hostedZoneId: Z35SXDOTRQ7X7K, dnsName: lb.failover.test.}}");
    static final String ECS = replaceOnce(PLAIN, SECONDARY_DNS,
            SECONDARY_DNS + "\n        scaling: {kind: ecs, cluster: c, service: s, activeSize: 3}");
    static final String DATABASES = replaceOnce(replaceOnce(PLAIN, SECONDARY_DNS, SECONDARY_DNS
            + "\n        database: {kind: postgres, url: 'jdbc:postgresql://db.us-west-2.example.test:5432/app', credentials: app-west}"),
            "dns: {values: [" + TestTopology.PRIMARY_IP + "]}", "dns: {values: [" + TestTopology.PRIMARY_IP + "]}\n"
                    + "        database: {kind: postgres, url: 'jdbc:postgresql://db.us-east-1.example.test:5432/app', credentials: app-east}");
    static final String KUBERNETES = replaceOnce(PLAIN, SECONDARY_DNS,
            SECONDARY_DNS + "\n        scaling: {kind: kubernetes, namespace: n, deployment: d, activeSize: 3}");

    /** The test topology with one change, which must apply. */
    static String replaceOnce(String yaml, String what, String with) {
        if (!yaml.contains(what)) {
            throw new IllegalStateException("the test topology has no '" + what + "' to replace");
        }
        return yaml.replace(what, with);
    }

    static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQ=";
    static final Map<String, String> RFC2136 = Map.of("failover.dns.provider", "rfc2136", "failover.dns.rfc2136.server",
            "ns1.example.test",
            "failover.dns.rfc2136.tsig-key-name", "failover-key", "failover.dns.rfc2136.tsig-secret", SECRET);
    static final Map<String, String> ROUTE53 = Map.of("failover.dns.provider", "route53");
    static final String CONTROLS = "arn:aws:route53-recovery-control::111122223333:controlpanel/abc123/routingcontrol/";
    static final String RULE = "arn:aws:route53-recovery-control::111122223333:controlpanel/abc123/safetyrule/master1";
    static final Map<String, String> ARC = Map.of(
            "failover.dns.arc.endpoints.us-west-2", "https://host-aaaa.us-west-2.example.com/v1",
            "failover.dns.arc.endpoints.eu-west-1", "https://host-bbbb.eu-west-1.example.com/v1");
    /** PLAIN with its group switched with routing controls (the topology's arc key). */
    static final String ARC_PLAIN = TestTopology.withArc(PLAIN, TestTopology.GROUP, Map.of(TestTopology.PRIMARY,
            CONTROLS + "primary1", TestTopology.SECONDARY, CONTROLS + "secondary1"), List.of(RULE));
    /** Two rfc2136 providers of the topology (ADR 0036), both lanes of its group. */
    static final String LANES = "dnsProviders:\n  - {id: bind, kind: rfc2136}\n  - {id: knot, kind: rfc2136}\n"
            + replaceOnce(PLAIN, "ttl: 5}", "ttl: 5, providers: [{provider: bind}, {provider: knot}]}");
    /** A route53 and an rfc2136 provider, both lanes of its group. */
    static final String ROUTE53_LANES = "dnsProviders:\n  - {id: r53, kind: route53}\n  - {id: bind, kind: rfc2136}\n"
            + replaceOnce(PLAIN, "ttl: 5}", "ttl: 5, providers: [{provider: r53, hostedZoneId: Z0123456789ABC},"
                    + " {provider: bind}]}");
    /** A file holding a TSIG secret, as each region's secret per provider id is mounted. */
    static final Path SECRET_FILE = secretFile();
    /** The settings of LANES' two instances, each on its own server. */
    static final Map<String, String> LANE_SETTINGS = Map.of(
            "failover.dns.providers.bind.kind", "rfc2136", "failover.dns.providers.bind.server", "ns1.bind.test",
            "failover.dns.providers.bind.tsig-key-name", "failover-key",
            "failover.dns.providers.bind.tsig-secret-file", SECRET_FILE.toString(),
            "failover.dns.providers.knot.kind", "rfc2136", "failover.dns.providers.knot.server", "ns1.knot.test",
            "failover.dns.providers.knot.tsig-key-name", "failover-key",
            "failover.dns.providers.knot.tsig-secret-file", SECRET_FILE.toString());

    static Path secretFile() {
        try {
            Path file = Files.createTempFile("tsig", ".secret");
            file.toFile().deleteOnExit();
            return Files.writeString(file, SECRET + "\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @TempDir
    Path dir;

    ActuatorSettings resolve(String topology, Map<String, String> properties) throws IOException {
        Path file = Files.writeString(dir.resolve("failover.yaml"), topology);
        Map<String, String> all = new HashMap<>(TestSigningKeys.shared().verifierConfig());
        all.put("failover.topology-file", file.toString());
        all.putAll(properties);
        return ActuatorConfigResolver.resolve(config(all), KafkaSecurityCheck.of(Map.of()));
    }

    /** The mapping as Quarkus builds it, durations written as in application.properties ("10s"). */
    static ActuatorConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(ActuatorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build()
                .getConfigMapping(ActuatorConfig.class);
    }

    static Map<String, String> with(Map<String, String> base, String... keysAndValues) {
        Map<String, String> all = new HashMap<>(base);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            all.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return all;
    }

    static Map<String, String> without(Map<String, String> base, String key) {
        Map<String, String> all = new HashMap<>(base);
        all.remove(key);
        return all;
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(PLAIN, Map.of("failover.dns.provider", "carrier-pigeon"),
                        "failover.dns.provider", "'carrier-pigeon' is not one of dry-run, rfc2136, route53"),
                // a provider instance's settings (ADR 0036): a credential for a provider no group names is a mistake
                Arguments.of(PLAIN, Map.of("failover.dns.providers.spare.kind", "rfc2136"),
                        "failover.dns.providers.spare.kind",
                        "no group names provider 'spare' in its dns.providers: a credential for a provider no group names is"
                                + " a mistake; remove failover.dns.providers.spare.*"),
                Arguments.of(PLAIN, Map.of("failover.dns.providers.spare.kind", "cloud-dns"),
                        "failover.dns.providers.spare.kind",
                        "'cloud-dns' is not one of route53, rfc2136, route53-arc"),
                Arguments.of(PLAIN, Map.of("failover.dns.providers.default.kind", "rfc2136"),
                        "failover.dns.providers.default.kind",
                        "'default' is the instance of failover.dns.provider's keys,"
                                + " for the groups without dns.providers: give the provider another id in the topology's"
                                + " dnsProviders"),
                Arguments.of(PLAIN, without(RFC2136, "failover.dns.rfc2136.server"),
                        "failover.dns.rfc2136.server", "required when failover.dns.provider=rfc2136"),
                Arguments.of(PLAIN, without(RFC2136, "failover.dns.rfc2136.tsig-key-name"),
                        "failover.dns.rfc2136.tsig-key-name", "required when failover.dns.provider=rfc2136"),
                Arguments.of(PLAIN, with(RFC2136, "failover.dns.rfc2136.tsig-key-name", "bad..name"),
                        "failover.dns.rfc2136.tsig-key-name", "'bad..name' is not a DNS name"),
                Arguments.of(PLAIN, without(RFC2136, "failover.dns.rfc2136.tsig-secret"),
                        "failover.dns.rfc2136.tsig-secret", "required when failover.dns.provider=rfc2136"),
                Arguments.of(PLAIN, with(RFC2136, "failover.dns.rfc2136.tsig-secret", "not base64!"),
                        "failover.dns.rfc2136.tsig-secret", "is not base64 (the value itself is not shown)"),
                Arguments.of(PLAIN, with(RFC2136, "failover.dns.rfc2136.tsig-algorithm", "hmac-rot13"),
                        "failover.dns.rfc2136.tsig-algorithm",
                        "'hmac-rot13' is not a TSIG algorithm (hmac-sha256, hmac-sha512, hmac-sha1, ...)"),
                Arguments.of(PLAIN, with(RFC2136, "failover.dns.rfc2136.port", "0"),
                        "failover.dns.rfc2136.port", "must be between 1 and 65535, was 0"),
                Arguments.of(ALIAS, RFC2136, "groups[0].targets[1].dns.alias",
                        "alias targets are a Route 53 feature; failover.dns.provider=rfc2136"),
                Arguments.of(PLAIN, ROUTE53, "groups[0].dns.hostedZoneId",
                        "required when failover.dns.provider=route53"),
                // ARC routing controls, per group (ADR 0014); the groups and their controls are the topology's
                Arguments.of(PLAIN, Map.of("failover.dns.provider", "route53-arc"), "failover.dns.provider",
                        "route53-arc is chosen per group: give the group an arc key with its routing controls in the topology"
                                + " (groups[].arc, docs/aws-arc.md) and keep failover.dns.provider for the other groups"),
                Arguments.of(ARC_PLAIN, Map.of(), "failover.dns.arc.endpoints",
                        "required when the topology switches a group"
                                + " with routing controls (groups[0].arc): the cluster's regional endpoints, by region (e.g."
                                + " failover.dns.arc.endpoints.us-west-2=https://host-aaaa.us-west-2.example.com/v1)"),
                Arguments.of(ARC_PLAIN, with(ARC, "failover.dns.arc.endpoints.mars-1", "https://x.example/v1"),
                        "failover.dns.arc.endpoints.mars-1",
                        "'mars-1' is not an AWS region name (the endpoint is signed for it)"),
                Arguments.of(replaceOnce(ARC_PLAIN, "        secondary: " + CONTROLS + "secondary1\n", ""), ARC,
                        "groups[0].arc.routingControls.secondary",
                        "required: every target of the group needs its routing control ARN"),
                Arguments.of(replaceOnce(ARC_PLAIN, "[" + RULE + "]", "[everything]"), ARC,
                        "groups[0].arc.breakGlassRules[0]", "'everything' is not a safety rule ARN"
                                + " (arn:aws:route53-recovery-control::<account>:controlpanel/<id>/safetyrule/<id>)"),
                Arguments.of(ARC_PLAIN, with(ARC, "failover.dns.arc.endpoint-timeout", "0s"),
                        "failover.dns.arc.endpoint-timeout", "must be positive, was PT0S"),
                Arguments.of(ARC_PLAIN, with(ARC, "failover.dns.arc.endpoint-timeout", "4s"),
                        "failover.dns.arc.endpoint-timeout", "must be at most PT3S, the lease's margin (half of"
                                + " mp.messaging.incoming.decisions.session.timeout.ms), was PT4S: an update sent that"
                                + " long after the lease held could land after another actuator took the group over (ADR"
                                + " 0006)"),
                Arguments.of(ARC_PLAIN, with(ARC, "failover.dns.arc.safety-rules-refresh", "0s"),
                        "failover.dns.arc.safety-rules-refresh", "must be positive, was PT0S"),
                Arguments.of(ZONED, with(ROUTE53, "failover.dns.route53.routing", "latency"),
                        "failover.dns.route53.routing", "'latency' is not one of weighted, simple"),
                Arguments.of(ZONED, with(ROUTE53, "failover.dns.route53.take-over", "adopt"),
                        "failover.dns.route53.take-over", "'adopt' is not one of refuse, replace"),
                Arguments.of(ZONED, with(ROUTE53, "failover.dns.route53.active-weight", "256"),
                        "failover.dns.route53.active-weight", "must be between 1 and 255, was 256"),
                Arguments.of(ZONED, with(ROUTE53, "failover.dns.route53.failback-steps", "50,10,100"),
                        "failover.dns.route53.failback-steps",
                        "must rise from 1 to 100 and end at 100, was [50, 10, 100]"),
                Arguments.of(replaceOnce(DATABASES, "ttl: 5}", "ttl: 5, hostedZoneId: Z0123456789ABC}"), with(ROUTE53,
                        "failover.dns.route53.failback-steps", "10,50,100",
                        "failover.database.credentials.app-east.user",
                        "failover", "failover.database.credentials.app-west.user", "failover"),
                        "failover.dns.route53.failback-steps",
                        "a stepped failback would split the writes of the group api between two regions' applications while one database node takes them; leave failback-steps unset while groups name database nodes"),
                Arguments.of(ZONED, with(ROUTE53, "failover.dns.route53.failback-steps", "10,50"),
                        "failover.dns.route53.failback-steps", "must rise from 1 to 100 and end at 100, was [10, 50]"),
                Arguments.of(ZONED, with(ROUTE53, "failover.dns.route53.failback-step-pause", "-1s"),
                        "failover.dns.route53.failback-step-pause", "must not be negative, was PT-1S"),
                Arguments.of(ZONED, with(ROUTE53, "failover.dns.route53.budget.account-requests-per-second", "0"),
                        "failover.dns.route53.budget.account-requests-per-second",
                        "must be above 0 and at most 5 (Route 53 allows 5 a second per account, for all its actuators and tools together), was 0.0"),
                Arguments.of(ZONED, with(ROUTE53, "failover.dns.route53.budget.account-requests-per-second", "10"),
                        "failover.dns.route53.budget.account-requests-per-second",
                        "must be above 0 and at most 5 (Route 53 allows 5 a second per account, for all its actuators and tools together), was 10.0"),
                Arguments.of(ZONED, with(ROUTE53, "failover.dns.route53.budget.instances", "0"),
                        "failover.dns.route53.budget.instances",
                        "must be at least 1 (every actuator instance whose Route 53 calls count against the account), was 0"),
                Arguments.of(ZONED, with(ROUTE53, "failover.dns.route53.budget.requests-per-second", "2"),
                        "failover.dns.route53.budget.requests-per-second",
                        "is no longer read: a budget per instance adds up past the account's 5 a second as instances are added; set failover.dns.route53.budget.account-requests-per-second (the account's, default 4) and failover.dns.route53.budget.instances (the actuators sharing it)"),
                Arguments.of(PLAIN, with(RFC2136, "failover.dns.rfc2136.secondaries", "ns2.example.test:0"),
                        "failover.dns.rfc2136.secondaries",
                        "'ns2.example.test:0' is not host, host:port or [address]:port "
                                + "with a port between 1 and 65535"),
                Arguments.of(PLAIN, Map.of("failover.reconcile.retry.throttled.max-delay", "500ms"),
                        "failover.reconcile.retry.throttled.max-delay",
                        "must not be below failover.reconcile.retry.max-delay (PT1S), was PT0.5S"),
                Arguments.of(ECS, Map.of("failover.scaling.aws-region", "us-east-1"), "failover.scaling.aws-region",
                        "is no longer read: a scaling ref is called in its target's region, or the region it names "
                                + "(scaling.region); remove the setting"),
                Arguments.of(replaceOnce(ECS, "activeSize: 3}", "activeSize: 3, region: us-westt-2}"), Map.of(),
                        "groups[0].targets[1].scaling.region",
                        "'us-westt-2' is not an AWS region this actuator knows, and "
                                + "failover.scaling.aws-endpoint-overrides has no endpoint for it"),
                Arguments.of(KUBERNETES, Map.of(), "groups[0].targets[1].scaling.cluster",
                        "'us-west-2' is not configured: set failover.scaling.kubernetes-clusters.us-west-2.in-cluster, .context or "
                                + ".api-url (a ref without cluster is in the cluster named like its target's region)"),
                Arguments.of(KUBERNETES, Map.of("failover.scaling.kubernetes-clusters.us-west-2.in-cluster", "true",
                        "failover.scaling.kubernetes-clusters.us-west-2.context", "dr"),
                        "failover.scaling.kubernetes-clusters.us-west-2",
                        "must set exactly one of in-cluster=true, context, api-url; 2 are set"),
                Arguments.of(KUBERNETES, Map.of("failover.scaling.kubernetes-clusters.us-west-2.in-cluster", "true"),
                        "failover.region",
                        "is required with failover.scaling.kubernetes-clusters.us-west-2.in-cluster=true: "
                                + "the cluster this pod runs in is only its own region's"),
                Arguments.of(KUBERNETES, Map.of("failover.scaling.kubernetes-clusters.us-west-2.in-cluster", "true",
                        "failover.region", "us-east-1"), "failover.scaling.kubernetes-clusters.us-west-2.in-cluster",
                        "this actuator runs in us-east-1 (failover.region), but groups[0].targets[1] of region us-west-2 "
                                + "is scaled in this cluster: reach it by context or api-url"),
                Arguments.of(KUBERNETES,
                        Map.of("failover.scaling.kubernetes-clusters.us-west-2.api-url", "https://dr.example:6443"),
                        "failover.scaling.kubernetes-clusters.us-west-2.token-file", "required with "
                                + "failover.scaling.kubernetes-clusters.us-west-2.api-url"),
                Arguments.of(DATABASES, Map.of("failover.database.credentials.app-east.user", "failover"),
                        "failover.database.credentials.app-west.user",
                        "is required: groups[0].targets[1].database names the credentials 'app-west'"),
                Arguments.of(DATABASES, Map.of("failover.database.credentials.app-east.user", "failover",
                        "failover.database.credentials.app-west.user", "failover",
                        "failover.database.credentials.app-west.password-file", "/nonexistent/app-west.password"),
                        "failover.database.credentials.app-west.password-file",
                        "cannot read /nonexistent/app-west.password"),
                Arguments.of(PLAIN, Map.of("failover.database.ssl-mode", "yes-please"), "failover.database.ssl-mode",
                        "'yes-please' is not one of disable, allow, prefer, require, verify-ca, verify-full"),
                Arguments.of(PLAIN, Map.of("failover.database.ssl-root-cert", "/nonexistent/root.crt"),
                        "failover.database.ssl-root-cert", "cannot read /nonexistent/root.crt"),
                Arguments.of(PLAIN, Map.of("failover.database.call-timeout", "0s"),
                        "failover.database.call-timeout", "must be positive, was PT0S"),
                // PgJDBC's timeouts count whole seconds: a shorter one would be sent as 1 s, longer than the lease allows for
                Arguments.of(PLAIN, Map.of("failover.database.call-timeout", "500ms"),
                        "failover.database.call-timeout", "must be at least 1s (PostgreSQL's driver counts its timeouts"
                                + " in whole seconds), was PT0.5S"),
                // a fence lands up to two call timeouts after it is asked for: within the session less a heartbeat, the
                // lease's reading and an answer
                Arguments.of(PLAIN, Map.of("failover.database.call-timeout", "3s"),
                        "failover.database.call-timeout",
                        "must be at most half of PT4.5S (mp.messaging.incoming.decisions"
                                + ".session.timeout.ms less mp.messaging.incoming.decisions.heartbeat.interval.ms, the"
                                + " lease's reading and a heartbeat's answer), was PT3S: a fence or promotion may land two call timeouts (its connection, its statement)"
                                + " after it is asked for, and the lease refuses a write that may land after another"
                                + " actuator could own the group (ADR 0006)"),
                Arguments.of(PLAIN, Map.of("failover.switchover.ttl-floor", "2500ms"),
                        "failover.switchover.ttl-floor", "must be whole seconds between 1s and 3600s, was PT2.5S"),
                Arguments.of(PLAIN, Map.of("failover.switchover.ttl-floor", "0s"),
                        "failover.switchover.ttl-floor", "must be whole seconds between 1s and 3600s, was PT0S"),
                Arguments.of(PLAIN, Map.of("failover.scaling.poll-interval", "0s"),
                        "failover.scaling.poll-interval", "must be positive, was PT0S"),
                Arguments.of(PLAIN, Map.of("failover.scaling.pilot-light-on-demand-percentage", "101"),
                        "failover.scaling.pilot-light-on-demand-percentage", "must be between 0 and 100, was 101"),
                Arguments.of(PLAIN, Map.of("failover.scaling.scale-down-after", "-5m"),
                        "failover.scaling.scale-down-after", "must not be negative, was PT-5M"),
                Arguments.of(PLAIN, Map.of("failover.reconcile.resync-interval", "0s"),
                        "failover.reconcile.resync-interval", "must be positive, was PT0S"),
                Arguments.of(PLAIN, Map.of("failover.reconcile.retry.initial-delay", "0s"),
                        "failover.reconcile.retry.initial-delay", "must be positive, was PT0S"),
                Arguments.of(PLAIN, Map.of("failover.dns.call-timeout", "-1s"),
                        "failover.dns.call-timeout", "must be positive, was PT-1S"),
                Arguments.of(PLAIN,
                        Map.of("failover.reconcile.retry.initial-delay", "2s", "failover.reconcile.retry.max-delay",
                                "1s"),
                        "failover.reconcile.retry.max-delay",
                        "must not be below failover.reconcile.retry.initial-delay (PT2S), was PT1S"),
                Arguments.of(PLAIN, Map.of("failover.reconcile.retry.jitter", "-1ms"),
                        "failover.reconcile.retry.jitter", "must not be negative, was PT-0.001S"),
                Arguments.of(PLAIN, Map.of("failover.parallel-groups", "0"), "failover.parallel-groups",
                        "must be at least 1, was 0"),
                Arguments.of(replaceOnce(PLAIN, "ttl: 5", "ttl: 0"), Map.of(), "groups[0].dns.ttl",
                        "must be between 1 and 86400 seconds, was 0"),
                Arguments.of("", Map.of(), "failover.topology-file", "is empty"),
                Arguments.of(PLAIN, Map.of("failover.signing.trusted-keys-dir", ""),
                        "failover.signing.trusted-keys-dir",
                        "required: a directory of <key-id>.pub Ed25519 public keys (PEM) whose signatures this service accepts"),
                Arguments.of(PLAIN, Map.of("failover.signing.trusted-keys-dir", "/nonexistent/keys"),
                        "failover.signing.trusted-keys-dir", "'/nonexistent/keys' is not a directory"),
                // the actuators' own key for their desired states (ADR 0009, stored state)
                Arguments.of(PLAIN, Map.of("failover.state-signing.key-id", ""), "failover.state-signing.key-id",
                        "required: the id of the signing key, the name of its public key in the verifiers' trusted-keys "
                                + "directories without .pub"),
                Arguments.of(PLAIN, Map.of("failover.state-signing.private-key-file", ""),
                        "failover.state-signing.private-key-file",
                        "required (or failover.state-signing.private-key, env "
                                + "FAILOVER_STATE_SIGNING_PRIVATE_KEY): the Ed25519 private key in PKCS#8 PEM, as openssl "
                                + "genpkey -algorithm ed25519 writes it"),
                Arguments.of(PLAIN, Map.of("failover.state-signing.key-id", TestSigningKeys.SIGNER_KEY_ID,
                        "failover.state-signing.private-key-file",
                        TestSigningKeys.shared().privateKeyFile(TestSigningKeys.SIGNER_KEY_ID).toString()),
                        "failover.state-signing.key-id", "'" + TestSigningKeys.SIGNER_KEY_ID + "' is not in "
                                + "failover.state-signing.trusted-keys-dir (" + TestSigningKeys.ACTUATOR_KEY_ID
                                + "): this "
                                + "service would refuse its own records; add " + TestSigningKeys.SIGNER_KEY_ID
                                + ".pub there"));
    }

    @ParameterizedTest(name = "{2}: {3}")
    @MethodSource("invalid")
    void everyBadSettingIsReportedWithItsKey(String topology, Map<String, String> properties, String key,
            String message) {
        InvalidConfigurationException e = catchThrowableOfType(() -> resolve(topology, properties),
                InvalidConfigurationException.class);
        assertThat(e).as("the start refused for " + key).isNotNull();
        assertThat(e.errors()).as("one error, for " + key).containsExactly(new ConfigError(key, message));
        assertThat(e.getMessage()).as("the message lists the error under its key")
                .startsWith(
                        "invalid actuator configuration (1 error; topology file " + dir.resolve("failover.yaml") + "):")
                .contains("\n  " + key + ": " + message);
    }

    /** A decision-service key among the actuators' would let an actuator's key sign decisions, or the other way round. */
    @Test
    void anActuatorKeySetSharingAKeyWithTheDecisionKeysIsRefused() throws IOException {
        Path actuatorKeys = Files.createDirectories(dir.resolve("actuator-keys"));
        TestSigningKeys keys = TestSigningKeys.shared();
        Files.copy(keys.actuatorTrustedKeysDir().resolve(TestSigningKeys.ACTUATOR_KEY_ID + ".pub"),
                actuatorKeys.resolve(TestSigningKeys.ACTUATOR_KEY_ID + ".pub"));
        Files.copy(keys.trustedKeysDir().resolve(TestSigningKeys.SIGNER_KEY_ID + ".pub"),
                actuatorKeys.resolve("renamed.pub"));
        InvalidConfigurationException e = catchThrowableOfType(() -> resolve(PLAIN,
                Map.of("failover.state-signing.trusted-keys-dir", actuatorKeys.toString())),
                InvalidConfigurationException.class);
        assertThat(e).as("the start refused").isNotNull();
        assertThat(e.errors()).containsExactly(new ConfigError("failover.state-signing.trusted-keys-dir",
                "shares a public "
                        + "key with failover.signing.trusted-keys-dir: keep the actuators' keys and the decision-service's apart, or "
                        + "an actuator's key could sign decisions"));
    }

    @Test
    void everyErrorIsReportedAtOnceTheTopologysToo() {
        Map<String, String> properties = with(without(RFC2136, "failover.dns.rfc2136.server"),
                "failover.parallel-groups", "0");
        InvalidConfigurationException e = catchThrowableOfType(
                () -> resolve(replaceOnce(ALIAS, "ttl: 5", "ttl: 0"), properties), InvalidConfigurationException.class);
        assertThat(e.errors()).extracting(ConfigError::key).as("the topology's error and each bad setting")
                .containsExactlyInAnyOrder("groups[0].dns.ttl", "failover.dns.rfc2136.server",
                        "failover.parallel-groups");
    }

    /** A topology naming several providers per group starts, each instance resolved by its id (ADR 0036). */
    @Test
    void aGroupNamingDnsProvidersStartsWithEachInstance() throws IOException {
        ActuatorSettings settings = resolve(LANES, LANE_SETTINGS);

        assertThat(settings.dns().named()).containsOnlyKeys("bind", "knot");
        assertThat(settings.topology().groups().get(0).dns().providers()).hasSize(2);
    }

    /**
     * An observer tied to a provider is one of its servers, asked by the probe-service and counted by the
     * decision-service (ADR 0036, "Observed convergence per provider"); the actuator, which asks no observer, starts.
     */
    @Test
    void anObserverTiedToAProviderStarts() throws IOException {
        ActuatorSettings settings = resolve(replaceOnce(LANES, "locations: [loc-a, loc-b, loc-c]\n",
                "locations: [loc-a, loc-b, loc-c]\nobservers:\n  loc-a: [{name: knot-ns1, address: 192.0.2.53, provider: knot}]\n"),
                LANE_SETTINGS);

        assertThat(settings.topology().observersOf("loc-a").get(0).provider()).isEqualTo("knot");
    }

    static Stream<Arguments> invalidInstances() {
        String knot = "failover.dns.providers.knot.";
        return Stream.of(
                Arguments.of(LANES, without(LANE_SETTINGS, knot + "kind"), knot + "kind",
                        "required: route53, rfc2136 or"
                                + " route53-arc, as the topology's dnsProviders give 'knot': rfc2136"),
                Arguments.of(LANES, LANE_SETTINGS.entrySet().stream().filter(p -> !p.getKey().startsWith(knot))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                        knot + "kind",
                        "required: groups[0].dns.providers[1] names provider 'knot' (rfc2136 in the topology's"
                                + " dnsProviders); its settings go under failover.dns.providers.knot.*"),
                Arguments.of(LANES, with(LANE_SETTINGS, knot + "kind", "route53"), knot + "kind",
                        "is route53, but the topology's dnsProviders give 'knot' the kind rfc2136"),
                Arguments.of(LANES, with(LANE_SETTINGS, knot + "server", "NS1.bind.test"), knot + "server",
                        "'ns1.bind.test:53' is failover.dns.providers.bind's server too: two providers on one server write"
                                + " one record twice; two rfc2136 providers are two independent primaries of the zone"
                                + " (ADR 0036)"),
                Arguments.of(LANES, without(LANE_SETTINGS, knot + "server"), knot + "server",
                        "required when failover.dns.providers.knot.kind=rfc2136"),
                Arguments.of(LANES, with(LANE_SETTINGS, knot + "port", "0"), knot + "port",
                        "must be between 1 and 65535, was 0"),
                Arguments.of(LANES, without(LANE_SETTINGS, knot + "tsig-secret-file"), knot + "tsig-secret-file",
                        "required when failover.dns.providers.knot.kind=rfc2136"),
                Arguments.of(LANES, with(LANE_SETTINGS, knot + "tsig-secret-file", "/nonexistent/knot.secret"),
                        knot + "tsig-secret-file", "cannot read /nonexistent/knot.secret"),
                Arguments.of(LANES, with(LANE_SETTINGS, knot + "tsig-secret", SECRET), knot + "tsig-secret",
                        "is not read for a provider instance: give the secret in a file,"
                                + " failover.dns.providers.knot.tsig-secret-file (the value itself is not shown)"),
                Arguments.of(LANES, with(LANE_SETTINGS, knot + "call-timeout", "0s"), knot + "call-timeout",
                        "must be positive, was PT0S"),
                Arguments.of(ROUTE53_LANES, with(route53Lanes(), "failover.dns.providers.r53.role-arn",
                        "arn:aws:iam::123456789012:role/dns"), "failover.dns.providers.r53.sts-region",
                        "required with failover.dns.providers.r53.role-arn when failover.region is not set: the region whose"
                                + " STS assumes the role"),
                Arguments.of(ROUTE53_LANES, with(route53Lanes(), "failover.dns.providers.r53.routing", "latency"),
                        "failover.dns.providers.r53.routing", "'latency' is not one of weighted, simple"),
                // one account's instances share its requests per second (ADR 0022): the old keys' instance is 'default'
                Arguments.of(ROUTE53_LANES, with(route53Lanes(), "failover.dns.provider", "route53",
                        "failover.dns.providers.r53.budget.account", "default",
                        "failover.dns.providers.r53.budget.instances",
                        "6"), "failover.dns.providers.r53.budget.instances",
                        "is 6, but failover.dns.route53.budget.instances"
                                + " of the same account 'default' is 1: one account's instances share one budget (ADR 0022)"));
    }

    /** The bind lane of ROUTE53_LANES and its r53 lane, with the actuator's own credentials. */
    static Map<String, String> route53Lanes() {
        Map<String, String> settings = new HashMap<>();
        LANE_SETTINGS.forEach((key, value) -> {
            if (key.startsWith("failover.dns.providers.bind.")) {
                settings.put(key, value);
            }
        });
        settings.put("failover.dns.providers.r53.kind", "route53");
        return settings;
    }

    /**
     * A provider instance's keys are checked by its kind under its own prefix, every error naming its full key (ADR
     * 0036).
     */
    @ParameterizedTest(name = "{2}: {3}")
    @MethodSource("invalidInstances")
    void everyBadInstanceSettingIsReportedWithItsKey(String topology, Map<String, String> properties,
            String key, String message) {
        InvalidConfigurationException e = catchThrowableOfType(() -> resolve(topology, properties),
                InvalidConfigurationException.class);
        assertThat(e).as("the start refused for " + key).isNotNull();
        assertThat(e.errors()).containsExactly(new ConfigError(key, message));
    }

    /**
     * The instances as a later step switches through them (ADR 0036): the old keys are the instance {@code default}, each
     * named one has its kind's settings, the TSIG secret from its file, a Route 53 role through its region's STS and the
     * budget of its account.
     */
    @Test
    void namedInstancesCarryTheirKindsSettings() throws IOException {
        Map<String, String> properties = with(route53Lanes(), "failover.dns.provider", "rfc2136",
                "failover.dns.rfc2136.server", "ns1.example.test", "failover.dns.rfc2136.tsig-key-name", "failover-key",
                "failover.dns.rfc2136.tsig-secret", SECRET, "failover.dns.providers.bind.call-timeout", "2s",
                "failover.dns.providers.bind.secondaries", "ns2.bind.test:5353",
                "failover.dns.providers.r53.role-arn", "arn:aws:iam::123456789012:role/dns",
                "failover.dns.providers.r53.budget.account", "dns-account",
                "failover.dns.providers.r53.budget.instances", "6");
        List<ConfigError> errors = new java.util.ArrayList<>();
        dev.failover.actuator.dns.DnsInstances dns = new DnsInstancesResolver((key, message) -> errors.add(
                new ConfigError(key, message)), dev.failover.actuator.lease.LeaseTerms.DEFAULTS)
                .resolve(config(with(properties,
                        "failover.topology-file", "/unused.yaml")).dns(),
                        dev.failover.contract.topology.TopologyLoader.parse(ROUTE53_LANES, "test"),
                        Optional.of("eu-west-1"));
        assertThat(errors).isEmpty();
        assertThat(dns.fallback()).as("the old keys: the instance default")
                .isEqualTo(new Rfc2136Settings("ns1.example.test",
                        53, "failover-key", "hmac-sha256", SECRET, Duration.ofSeconds(10), List.of()));
        assertThat(dns.arc()).isEqualTo(ArcSettings.none());
        assertThat(dns.named()).containsOnlyKeys("bind", "r53");
        assertThat(dns.named().get("bind")).isEqualTo(new Rfc2136Settings("ns1.bind.test", 53, "failover-key",
                "hmac-sha256", SECRET, Duration.ofSeconds(2),
                List.of(new Rfc2136Settings.Server("ns2.bind.test", 5353))));
        assertThat(dns.named().get("r53")).isEqualTo(new Route53Settings(Route53Settings.Routing.WEIGHTED, 100,
                List.of(),
                Duration.ofSeconds(60), "aws-global", Optional.empty(), Duration.ofSeconds(10),
                new Route53Settings.Account("dns-account", Route53Settings.DEFAULT_REQUESTS_PER_SECOND, 6),
                Route53Settings.TakeOver.REFUSE,
                Optional.of(new Route53Settings.AssumedRole("arn:aws:iam::123456789012:role/dns", "eu-west-1"))));
        assertThat(dns.all()).as("every instance a provider is built for").containsOnlyKeys("default", "bind", "r53");
    }

    @Test
    void aBadKafkaSecuritySettingIsReportedWithTheOthers() {
        assertThatThrownBy(() -> ActuatorConfigResolver.resolve(
                config(Map.of("failover.topology-file", "/nonexistent/failover.yaml")),
                KafkaSecurityCheck.of(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("kafka.sasl.jaas.config: is required with SASL")
                .hasMessageContaining("failover.topology-file: cannot read");
    }

    @Test
    void aMissingTopologyFileIsReportedUnderItsKey() {
        assertThatThrownBy(() -> ActuatorConfigResolver.resolve(
                config(Map.of("failover.topology-file", "/nonexistent/failover.yaml")),
                KafkaSecurityCheck.of(Map.of())))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining(
                        "failover.topology-file: cannot read: NoSuchFileException /nonexistent/failover.yaml");
    }

    @Test
    void theDefaultsGiveDryRunAndTheDocumentedReconcileLoop() throws IOException {
        ActuatorSettings settings = resolve(PLAIN, Map.of());
        assertThat(settings.dns().fallback()).isEqualTo(new DnsSettings.DryRun());
        ReconcileSettings reconcile = settings.reconcile();
        assertThat(reconcile.resync()).as("resync interval").isEqualTo(Duration.ofSeconds(10));
        assertThat(reconcile.capacityPoll()).as("capacity poll").isEqualTo(Duration.ofSeconds(5));
        assertThat(List.of(reconcile.backoff().initial(), reconcile.backoff().max(), reconcile.backoff().jitter()))
                .as("backoff initial, max, jitter").containsExactly(Duration.ofMillis(200), Duration.ofSeconds(1),
                        Duration.ofMillis(100));
        assertThat(reconcile.stepPause()).as("no stepped failback without Route 53").isEqualTo(Duration.ZERO);
        assertThat(reconcile.scaleDownAfter()).isNull();
        assertThat(settings.scaling()).isEqualTo(new ScalingSettings(Set.of(), ScalingSettings.Aws.direct(), Map.of(),
                Duration.ofSeconds(5), 0, Optional.empty(), Duration.ofMillis(2250)));
        assertThat(settings.parallelGroups()).isEqualTo(512);
        assertThat(settings.topology().groups()).hasSize(1);
    }

    @Test
    void rfc2136SettingsCarryTheServerAndKey() throws IOException {
        ActuatorSettings settings = resolve(ZONED,
                with(RFC2136, "failover.dns.provider", "RFC2136", "failover.dns.rfc2136.port",
                        "5353", "failover.dns.call-timeout", "3s", "failover.dns.rfc2136.secondaries",
                        "ns2.example.test, [2001:db8::53]:5353"));
        assertThat(settings.dns().fallback())
                .isEqualTo(new Rfc2136Settings("ns1.example.test", 5353, "failover-key", "hmac-sha256", SECRET,
                        Duration.ofSeconds(3), List.of(new Rfc2136Settings.Server("ns2.example.test", 53),
                                new Rfc2136Settings.Server("2001:db8::53", 5353))));
        assertThat(settings.dns().fallback().toString()).as("the secret is never logged").doesNotContain(SECRET)
                .contains("(hidden)");
    }

    @Test
    void route53SettingsCarryRoutingWeightsAndSteps() throws IOException {
        ActuatorSettings settings = resolve(ALIAS, with(ROUTE53, "failover.dns.route53.routing", "simple",
                "failover.dns.route53.active-weight", "200", "failover.dns.route53.failback-steps", "10,50,100",
                "failover.dns.route53.endpoint-override", "http://127.0.0.1:4566"));
        assertThat(settings.dns().fallback())
                .isEqualTo(new Route53Settings(Route53Settings.Routing.SIMPLE, 200, List.of(10, 50, 100),
                        Duration.ofSeconds(60), "aws-global", Optional.of(URI.create("http://127.0.0.1:4566")),
                        Duration.ofSeconds(10),
                        new Route53Settings.Account("default", Route53Settings.DEFAULT_REQUESTS_PER_SECOND, 1),
                        Route53Settings.TakeOver.REFUSE, Optional.empty()));
        assertThat(settings.reconcile().stepPause()).as("each failback step is held this long")
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void route53TakesRecordsOverOnlyWhenTold() throws IOException {
        assertThat(((Route53Settings) resolve(ALIAS, with(ROUTE53)).dns().fallback()).takeOver())
                .isEqualTo(Route53Settings.TakeOver.REFUSE);
        assertThat(((Route53Settings) resolve(ALIAS, with(ROUTE53, "failover.dns.route53.take-over", "Replace")).dns()
                .fallback())
                .takeOver()).isEqualTo(Route53Settings.TakeOver.REPLACE);
    }

    /**
     * An ARC group's settings as environment variables, as older releases read them, would be ignored in silence:
     * refused, naming them.
     */
    @Test
    void arcGroupSettingsNoLongerReadStopTheStartNamingWhereTheyGo() throws IOException {
        Path file = Files.writeString(dir.resolve("failover.yaml"), ARC_PLAIN);
        Map<String, String> all = new HashMap<>(TestSigningKeys.shared().verifierConfig());
        all.put("failover.topology-file", file.toString());
        all.putAll(ARC);
        assertThatThrownBy(() -> ActuatorConfigResolver.resolve(config(all), KafkaSecurityCheck.of(Map.of()), List.of(
                "FAILOVER_DNS_ARC_GROUPS_API_ROUTING_CONTROLS_PRIMARY", "failover.dns.arc.endpoints.us-west-2",
                "PATH")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining(
                        "FAILOVER_DNS_ARC_GROUPS_API_ROUTING_CONTROLS_PRIMARY: is no longer read: a group's routing"
                                + " controls and break-glass rules are in the topology (groups[].arc")
                .hasMessageNotContaining("failover.dns.arc.endpoints.us-west-2:");
    }

    @Test
    void arcGroupsCarryTheirControlsTheEndpointsAndTheBreakGlassRules() throws IOException {
        ActuatorSettings none = resolve(PLAIN, ARC);
        assertThat(none.dns().arc().groups()).as("no group on ARC without an arc key in the topology").isEmpty();

        ActuatorSettings settings = resolve(ARC_PLAIN, with(ARC, "failover.dns.arc.endpoint-timeout", "1500ms"));
        assertThat(settings.dns().arc().covers("api")).isTrue();
        assertThat(settings.dns().arc().groups().get("api"))
                .isEqualTo(new ArcSettings.Group(Map.of("primary", CONTROLS + "primary1",
                        "secondary", CONTROLS + "secondary1"), List.of(RULE)));
        assertThat(settings.dns().arc().endpoints()).containsExactly(
                new ArcSettings.Endpoint("eu-west-1", URI.create("https://host-bbbb.eu-west-1.example.com/v1")),
                new ArcSettings.Endpoint("us-west-2", URI.create("https://host-aaaa.us-west-2.example.com/v1")));
        assertThat(settings.dns().arc().endpointTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.dns().fallback()).as("the other groups keep failover.dns.provider")
                .isInstanceOf(DnsSettings.DryRun.class);
    }

    @Test
    void route53RequestBudgetAndThrottlingCapAreCarried() throws IOException {
        ActuatorSettings defaults = resolve(ZONED, ROUTE53);
        assertThat(((Route53Settings) defaults.dns().fallback()).account().requestsPerSecond())
                .as("the account's 4 a second, 1 left"
                        + " for people and tools")
                .isEqualTo(4.0);
        assertThat(((Route53Settings) defaults.dns().fallback()).share()).as("one instance: all of it").isEqualTo(4.0);
        assertThat(defaults.reconcile().backoff().throttledMax()).as("throttling is backed off for tens of seconds")
                .isEqualTo(Duration.ofSeconds(30));
        ActuatorSettings set = resolve(ZONED,
                with(ROUTE53, "failover.dns.route53.budget.account-requests-per-second", "4.5",
                        "failover.dns.route53.budget.instances", "6", "failover.reconcile.retry.throttled.max-delay",
                        "2m"));
        assertThat(((Route53Settings) set.dns().fallback()).account().requestsPerSecond())
                .as("an instance alone may spend the account's")
                .isEqualTo(4.5);
        assertThat(((Route53Settings) set.dns().fallback()).share()).as("once throttled, what each of the six is owed")
                .isEqualTo(0.75);
        assertThat(((Route53Settings) set.dns().fallback()).share() * 6).as("all six together")
                .isLessThanOrEqualTo(5.0);
        assertThat(set.reconcile().backoff().throttledMax()).isEqualTo(Duration.ofMinutes(2));
    }

    /**
     * The actuator that owns a group may run in any region (ADR 0005). Every scaled target gets a scaler of its own
     * region (the target's, or the one its ref names) and role; nothing is taken from the actuator's own region.
     */
    @Test
    void ecsTargetsAreScaledInTheirOwnRegion() throws IOException {
        String twoRegions = replaceOnce(
                replaceOnce(ECS, "activeSize: 3}", "activeSize: 3, roleArn: 'arn:aws:iam::123456789012:role/dr'}"),
                "dns: {values: [" + TestTopology.PRIMARY_IP + "]}", "dns: {values: [" + TestTopology.PRIMARY_IP + "]}\n"
                        + "        scaling: {kind: asg, autoScalingGroup: g, activeSize: 2, region: eu-west-1}");
        ScalingSettings scaling = resolve(twoRegions, Map.of("failover.scaling.scale-down-after", "30m",
                "failover.scaling.aws-endpoint-overrides.us-west-2", "http://127.0.0.1:4566")).scaling();
        assertThat(scaling.scalers()).containsExactlyInAnyOrder(
                new ScalingSettings.Placed(ScalingRef.Kind.AUTO_SCALING_GROUP,
                        new ScalingRef.Place.Aws("eu-west-1", null)),
                new ScalingSettings.Placed(ScalingRef.Kind.ECS,
                        new ScalingRef.Place.Aws("us-west-2", "arn:aws:iam::123456789012:role/dr")));
        assertThat(scaling.aws().endpointFor("us-west-2")).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(scaling.aws().endpointFor("eu-west-1")).as("AWS's own endpoint").isEmpty();
        assertThat(scaling.scaleDownAfter()).contains(Duration.ofMinutes(30));
        assertThat(scaling.clusters()).isEmpty();
    }

    /**
     * A region's endpoint can come from an environment variable named as the key (Kubernetes env names may hold dots and
     * dashes), which SmallRye matches exactly: the upper-case form cannot tell a dash in a region name from a dot.
     */
    @Test
    void databaseLoginsAreReadByTheNamesTheTopologyGivesWithThePasswordFromItsFile() throws IOException {
        Path password = Files.writeString(dir.resolve("app-west.password"), "s3cret\n");
        ActuatorSettings.DatabaseSettings databases = resolve(DATABASES, Map.of(
                "failover.database.credentials.app-east.user", "failover",
                "failover.database.credentials.app-west.user", "failover_west",
                "failover.database.credentials.app-west.password-file", password.toString(),
                "failover.database.call-timeout", "1500ms")).databases();
        assertThat(databases.logins()).containsExactly(
                Map.entry("app-east", new dev.failover.actuator.database.Databases.Login("failover", null)),
                Map.entry("app-west", new dev.failover.actuator.database.Databases.Login("failover_west", "s3cret")));
        assertThat(databases.callTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(databases.logins().get("app-west").toString()).as("a login never prints its password")
                .doesNotContain("s3cret");
    }

    @Test
    void aRegionsEndpointCanBeAnEnvironmentVariableNamedAsTheKey() {
        ActuatorConfig config = new SmallRyeConfigBuilder().withMapping(ActuatorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new io.smallrye.config.EnvConfigSource(Map.of("failover.topology-file", "/x.yaml",
                        "failover.scaling.aws-endpoint-overrides.region-b", "http://10.77.0.2:8093"), 300))
                .build().getConfigMapping(ActuatorConfig.class);
        assertThat(config.scaling().awsEndpointOverrides())
                .isEqualTo(Map.of("region-b", URI.create("http://10.77.0.2:8093")));
    }

    @Test
    void theClusterThisPodRunsInServesItsOwnRegionsTargets() throws IOException {
        ScalingSettings scaling = resolve(KUBERNETES,
                Map.of("failover.scaling.kubernetes-clusters.us-west-2.in-cluster",
                        "true", "failover.region", "us-west-2"))
                .scaling();
        assertThat(scaling.clusters()).isEqualTo(Map.of("us-west-2", new ScalingSettings.Cluster.InCluster()));
    }

    @Test
    void kubernetesTargetsAreScaledInTheirOwnCluster() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "t0k3n");
        ScalingSettings scaling = resolve(KUBERNETES, Map.of("failover.scaling.kubernetes-clusters.us-west-2.api-url",
                "https://dr.example:6443", "failover.scaling.kubernetes-clusters.us-west-2.token-file",
                token.toString(),
                "failover.scaling.kubernetes-clusters.unused.in-cluster", "true")).scaling();
        assertThat(scaling.scalers()).containsExactly(
                new ScalingSettings.Placed(ScalingRef.Kind.KUBERNETES, new ScalingRef.Place.Cluster("us-west-2")));
        assertThat(scaling.clusters()).as("only the clusters the topology names").isEqualTo(Map.of("us-west-2",
                new ScalingSettings.Cluster.ApiServer(URI.create("https://dr.example:6443"), token, Optional.empty())));
    }
}
