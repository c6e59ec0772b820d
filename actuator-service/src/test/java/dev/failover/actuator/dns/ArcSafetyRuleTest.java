package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.dns.ArcSafetyRule.Kind;
import dev.failover.actuator.dns.ArcSafetyRule.Type;

/** How ARC evaluates a safety rule on an update, one row per case of the Developer Guide's semantics. */
class ArcSafetyRuleTest {

    static ArcSafetyRule assertion(Type type, int threshold, boolean inverted) {
        return new ArcSafetyRule("arn:rule", "cells", Kind.ASSERTION, List.of("a", "b", "c"), List.of(), type,
                threshold,
                inverted);
    }

    static ArcSafetyRule gating(Type type, int threshold, boolean inverted) {
        return new ArcSafetyRule("arn:gate", "gate", Kind.GATING, List.of("g"), List.of("a", "b"), type, threshold,
                inverted);
    }

    /** States as a string of the controls in order a, b, c, g: 1 On, 0 Off. */
    static Map<String, Boolean> states(String bits) {
        Map<String, Boolean> states = new LinkedHashMap<>();
        String[] names = { "a", "b", "c", "g" };
        for (int i = 0; i < names.length; i++) {
            states.put(names[i], bits.charAt(i) == '1');
        }
        return states;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // rule, before, after, refused
                Arguments.of("switch a to b keeps one On", assertion(Type.ATLEAST, 1, false), "1000", "0100", false),
                Arguments.of("all Off breaks at least one", assertion(Type.ATLEAST, 1, false), "1000", "0000", true),
                Arguments.of("two needed, one left", assertion(Type.ATLEAST, 2, false), "1100", "0100", true),
                Arguments.of("assertion not touched by the update", assertion(Type.ATLEAST, 2, false), "1001", "1000",
                        false),
                Arguments.of("AND: all three must stay On", assertion(Type.AND, 0, false), "1110", "0110", true),
                Arguments.of("OR: one is enough", assertion(Type.OR, 0, false), "1100", "0100", false),
                Arguments.of("inverted OR: none may be On", assertion(Type.OR, 0, true), "0000", "0100", true),
                Arguments.of("inverted ATLEAST 2: fewer than two On", assertion(Type.ATLEAST, 2, true), "1000", "0100",
                        false),
                Arguments.of("gate On lets targets change", gating(Type.OR, 0, false), "1001", "0101", false),
                Arguments.of("gate Off refuses a target change", gating(Type.OR, 0, false), "1000", "0100", true),
                Arguments.of("gate read before the update, not after", gating(Type.OR, 0, false), "1000", "0101", true),
                Arguments.of("gate Off, no target changes", gating(Type.OR, 0, false), "1000", "1010", false),
                Arguments.of("inverted gate: Off lets targets change", gating(Type.AND, 0, true), "1000", "0100",
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evaluatesAsArcDoes(String name, ArcSafetyRule rule, String before, String after, boolean refused) {
        assertThat(rule.refuses(states(before), states(after)).isPresent()).as(name).isEqualTo(refused);
    }
}
