package dev.failover.contract.signing;

import java.util.regex.Pattern;

/**
 * Key ids name a signing key in record headers and, as {@code <key-id>.pub}, its public key in a trusted-keys
 * directory; so they are limited to what a file name and a Kubernetes Secret key both allow.
 */
public final class KeyIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    public static final String RULE = "1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit";

    private KeyIds() {
    }

    public static boolean isValid(String keyId) {
        return keyId != null && VALID.matcher(keyId).matches();
    }
}
