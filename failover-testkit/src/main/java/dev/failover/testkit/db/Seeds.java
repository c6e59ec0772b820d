package dev.failover.testkit.db;

import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The seeds a randomized fault test runs (such as the data tier's invariant checks, ADR 0020): a fixed set in the
 * suite, any set or range on the command line for a soak, so that a failing seed can be run alone.
 */
public final class Seeds {

    private Seeds() {
    }

    /**
     * The seeds the system property {@code property} names, else {@code suite}: a range {@code 1-200} or a list
     * {@code 7,17,19}.
     */
    public static Stream<Long> from(String property, String suite) {
        String spec = System.getProperty(property, suite).trim();
        if (spec.matches("\\d+-\\d+")) {
            String[] range = spec.split("-");
            return LongStream.rangeClosed(Long.parseLong(range[0]), Long.parseLong(range[1])).boxed();
        }
        return Stream.of(spec.split(",")).map(String::trim).map(Long::parseLong);
    }
}
