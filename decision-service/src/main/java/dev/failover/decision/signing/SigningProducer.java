package dev.failover.decision.signing;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.failover.contract.signing.RecordSigner;
import dev.failover.contract.signing.SigningKeysResolver;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.contract.signing.TrustedKeys;
import dev.failover.decision.config.DecisionServiceConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Reads the signing key and the trusted public keys once at start (ADR 0009), and whether unsigned state records are
 * restored ({@value StoredStateTrust#ACCEPT_UNSIGNED}, the upgrade only). Missing or wrong keys stop the start with
 * every problem named by its key, as does a signing key that the trusted set would not accept.
 */
@Singleton
public class SigningProducer {

    private static final Logger LOG = Logger.getLogger(SigningProducer.class);
    /** The actuators' keys, by which actuation results are checked (ADR 0009). */
    static final String ACTUATOR_PREFIX = "failover.actuator-signing";

    @Produces
    @Singleton
    ControlMessageKeys keys(DecisionServiceConfig config) {
        DecisionServiceConfig.Signing signing = config.signing();
        SigningKeysResolver resolver = new SigningKeysResolver(SigningKeysResolver.PREFIX);
        TrustedKeys trusted = resolver.trustedKeys(signing.trustedKeysDir());
        RecordSigner signer = resolver.signer(signing, trusted);
        SigningKeysResolver actuatorResolver = new SigningKeysResolver(ACTUATOR_PREFIX);
        TrustedKeys actuators = actuatorResolver.trustedKeys(config.actuatorSigning().trustedKeysDir());
        List<SigningKeysResolver.Problem> problems = new ArrayList<>(resolver.problems());
        problems.addAll(actuatorResolver.problems());
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid signing configuration (ADR 0009):\n" + problems.stream()
                    .map(p -> "  " + p).collect(Collectors.joining("\n")),
                    problems.stream().map(SigningKeysResolver.Problem::key).collect(Collectors.toSet()));
        }
        LOG.infof("taking in actuation results signed by the actuator keys %s", actuators.keyIds());
        if (config.actuatorSigning().acceptUnsigned()) {
            LOG.warnf("%s.accept-unsigned is set: actuation results without a signature are taken in (for the upgrade"
                    + " from an actuator release that did not sign them; remove it once every actuator signs)",
                    ACTUATOR_PREFIX);
        }
        LOG.infof("signing decisions, commands and state with key %s; trusting keys %s", signer.keyId(),
                trusted.keyIds());
        if (config.state().acceptUnsigned()) {
            LOG.warnf("%s is set: state records without a signature are restored (for the upgrade from a release that "
                    + "did not sign them; remove it once every group's state was published again)",
                    StoredStateTrust.ACCEPT_UNSIGNED);
        }
        return new ControlMessageKeys(signer, trusted, config.state().acceptUnsigned(), new StoredStateTrust(actuators,
                config.actuatorSigning().acceptUnsigned()));
    }

    /** Makes bad keys stop the start, not the first decision. */
    void checkAtStartup(@Observes @Priority(1) StartupEvent event, ControlMessageKeys keys) {
        keys.signer(); // resolving the bean is the check
    }
}
