package dev.failover.contract.signing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes an Ed25519 signature of a Kafka record covers (ADR 0009): a domain-separation prefix, the topic and the key,
 * each with its length, and the value's exact UTF-8 bytes as the string serializer writes them and the verifier parses
 * them. Lengths make the split unambiguous (topic "a.b" with key "c" never signs like topic "a" with key ".bc"); the
 * prefix keeps these signatures from meaning anything to another protocol that uses the same key.
 */
final class SignedBytes {

    static final byte[] DOMAIN = "dev.failover.signed-record.v1\0".getBytes(StandardCharsets.US_ASCII);
    /** Length written for a record without key, which no key's length can be. */
    private static final int NO_KEY = -1;

    private SignedBytes() {
    }

    static byte[] of(String topic, String key, String value) {
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        byte[] keyBytes = key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
        byte[] valueBytes = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(DOMAIN.length + 8 + topicBytes.length + keyBytes.length
                + valueBytes.length);
        out.writeBytes(DOMAIN);
        out.writeBytes(ByteBuffer.allocate(4).putInt(topicBytes.length).array());
        out.writeBytes(topicBytes);
        out.writeBytes(ByteBuffer.allocate(4).putInt(key == null ? NO_KEY : keyBytes.length).array());
        out.writeBytes(keyBytes);
        out.writeBytes(valueBytes);
        return out.toByteArray();
    }
}
