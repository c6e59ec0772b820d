package dev.failover.contract.signing;

import java.nio.file.Path;
import java.util.Optional;

/** Signing settings as a test states them, without a service's configuration behind them. */
record SettingsValues(Optional<String> keyId, Optional<Path> privateKeyFile, Optional<String> privateKey,
        Optional<Path> trustedKeysDir) implements SigningKeySettings {
}
