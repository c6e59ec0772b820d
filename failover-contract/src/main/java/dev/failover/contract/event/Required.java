package dev.failover.contract.event;

/** Checks that run in the compact constructors of the events, so a producer cannot build a bad event either. */
final class Required {

    private Required() {
    }

    static <T> T present(T value, String field) {
        if (value == null) {
            throw new MissingFieldException(field);
        }
        if (value instanceof String s && s.isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' must not be blank");
        }
        return value;
    }

    static int schemaVersion(Integer version) {
        present(version, "schemaVersion");
        if (version != EventCodec.SCHEMA_VERSION) {
            throw new IllegalArgumentException(
                    "schemaVersion " + version + " is not supported, this contract reads version "
                            + EventCodec.SCHEMA_VERSION);
        }
        return version;
    }

    static long notNegative(Long value, String field) {
        present(value, field);
        if (value < 0) {
            throw new IllegalArgumentException("field '" + field + "' must not be negative, was " + value);
        }
        return value;
    }

    /** A missing field, told apart so the codec can say "missing required field". */
    static final class MissingFieldException extends IllegalArgumentException {
        MissingFieldException(String field) {
            super("missing required field '" + field + "'");
        }
    }
}
