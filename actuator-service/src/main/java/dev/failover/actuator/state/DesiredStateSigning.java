package dev.failover.actuator.state;

import dev.failover.contract.signing.RecordSigner;
import dev.failover.contract.signing.StoredStateTrust;

/**
 * How desired states are stored and restored (ADR 0009, stored state): each is signed with this actuator's own key,
 * as the decision-service signs decisions, and a restore takes only what {@code trust} (the actuators' keys) accepts.
 *
 * @param signer this actuator's key ({@code failover.state-signing.key-id})
 * @param trust  the actuator keys ({@code failover.state-signing.trusted-keys-dir}) and whether unsigned records of
 *               the previous release are restored ({@code failover.state.accept-unsigned})
 * @param batchResults whether the actuation results are signed in batches ({@code failover.state-signing.batch-results},
 *               ADR 0029)
 */
public record DesiredStateSigning(RecordSigner signer, StoredStateTrust trust, boolean batchResults) {

    public DesiredStateSigning {
        if (signer == null || trust == null) {
            throw new IllegalArgumentException("desired states need a signer and the trusted actuator keys");
        }
    }
}
